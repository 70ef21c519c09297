"""Search: one full-text index for every feature, good for Chinese.

Other features call only the functions below (the database is hidden
inside; SQLite and PostgreSQL give the same results and snippets)::

    from app.search import services as search

Indexing — call inside the request that changes the item (it flushes, never
commits, so the index changes with the item or not at all):

``index_document(kind, ref_id, *, title, body, url, department_id=None, created_at=None)``
    Add or replace (upsert on ``(kind, ref_id)``) the searchable copy of an
    item. ``kind`` is a short lowercase name ("proposal", "comment",
    "case", "service" …); ``body`` is *plain text* the public may read,
    already masked (``app.privacy.mask_personal_info``) — use
    ``app.sanitize.plain_text`` on Markdown. ``url`` is a site path
    ("/proposals/12"). ``created_at`` defaults to now on insert and is kept
    on update. Index only what the public may see; when an item stops being
    public (hidden, pending, deleted, merged), call ``remove_document``.
``remove_document(kind, ref_id) -> bool``
    Remove it from the index (True if it was there).

Reading:

``search(q, *, kinds=None, department_id=None, page=1, per_page=20) -> SearchPage``
    Documents containing *every* word of ``q`` (segmented by jieba like the
    documents), best first (title matches and more matches rank higher;
    ties newest first). ``SearchPage`` has ``items``, ``page``, ``per_page``,
    ``total``, ``pages``, ``has_prev``, ``has_next``, ``terms`` (the words
    searched) and ``kind_counts`` ({kind: matches, ignoring ``kinds``}).
    Each item is a ``SearchHit``: ``kind``, ``ref_id``, ``title``, ``url``,
    ``department_id``, ``department_slug``, ``department_name``,
    ``created_at``, ``rank``, ``label`` (the kind's label),
    ``title_html`` and ``snippet_html`` (escaped text with the matched
    words in ``<mark>``; Markup, safe to print). Two SQL queries (counts
    per kind, then the page), whatever the page or the size of the index;
    none when ``q`` has no searchable words (an empty page). Results past
    the first 10,000 are not served.
``ranked_ids(q, kind) -> Select``
    A select of ``(ref_id, rank)`` for the documents of ``kind`` matching
    ``q``, for a feature to filter and order its own list by ``?q=``::

        hits = search.ranked_ids(q, "proposal").subquery()
        query = (select(Proposal).join(hits, hits.c.ref_id == Proposal.id)
                 .order_by(hits.c.rank.desc()))

    ``rank`` is a float, HIGHER IS BETTER (order by ``rank.desc()``);
    only compare ranks of the same query. A ``q`` without searchable words
    selects no rows (callers usually skip the join when ``q`` is blank).
``similar(text, kind, limit=5, exclude_ref_id=None) -> list[SearchHit]``
    Documents of ``kind`` sharing the most words with ``text`` (e.g. a
    draft title), for "similar threads", in one SQL query: any word may
    match, documents with more of the words in their title come first;
    words almost every message contains (问题, 希望, 如何 …) are ignored.
    ``snippet_html`` is empty; ``title_html`` marks the shared words.
``query_terms(q) -> list[str]``
    The words a query is searched for (empty: nothing to search).

Sources (what ``flask --app wsgi search reindex [KIND]`` and the demo seed
rebuild from):

``register_source(kind, label, reindex_callable)``
    ``label`` is a lazy string naming one item of the kind
    (``lazy_gettext("Proposal")`` → 提案), shown on results and in the
    kind filter. ``reindex_callable()`` returns an
    iterable of dicts with the keyword arguments of ``index_document``
    (``ref_id``, ``title``, ``body``, ``url``, optional ``department_id``,
    ``created_at``; distinct ``ref_id``s) for every item that should be
    searchable now; a generator is best for big tables. (It may instead
    call ``index_document`` itself and return None.) Reindexing drops the
    kind's documents first. Register at import time of your package.

Browser: ``<input data-similar-kind="proposal" data-similar-target="#id">``
with ``app/static/js/similar.js`` lists up to 5 similar items in the target
(see ``templates/search/_similar.html`` for the macros).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import Float, Select, delete, desc, false, func, literal, select

from app.clock import utcnow
from app.departments.models import Department
from app.extensions import db
from app.pagination import MAX_PER_PAGE, Page
from app.search import fulltext
from app.search.highlight import highlight, snippet
from app.search.models import KIND_MAX, TITLE_MAX, URL_MAX, SearchDocument
from app.search.registry import kind_label, register_source, reindex, sources  # noqa: F401 - public interface
from app.search.text import document_terms, normalise, similarity_terms
from app.search.text import query_terms as _query_terms

MAX_RESULTS = 10_000  # deeper pages of a search are not served
SIMILAR_MAX = 20
SIMILAR_CANDIDATES = 30
KIND_PATTERN = re.compile(rf"^[a-z][a-z0-9_]{{0,{KIND_MAX - 1}}}$")


@dataclass
class SearchHit:
    """One search result."""

    kind: str
    ref_id: int
    title: str
    url: str
    department_id: int | None
    department_slug: str | None
    department_name: str | None
    created_at: datetime
    rank: float
    title_html: Markup
    snippet_html: Markup = field(default_factory=Markup)

    @property
    def label(self) -> str:
        """The translated label of the hit's kind."""
        return kind_label(self.kind)


@dataclass
class SearchPage(Page):
    """A page of search results (``app.pagination.Page`` plus the searched words and counts per kind)."""

    terms: list[str] = field(default_factory=list)
    kind_counts: dict[str, int] = field(default_factory=dict)


def query_terms(q: str) -> list[str]:
    """The distinct words ``q`` is searched for, as the index segments them."""
    return _query_terms(q)


def check_kind(kind: str) -> str:
    """``kind`` if it is a valid kind name (lowercase letters, digits, _), else ValueError."""
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValueError(f"invalid search kind {kind!r}")
    return kind


def _check_url(url: str) -> str:
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or len(url) > URL_MAX:
        raise ValueError(f"search documents link to a site path, not {url!r}")
    return url


def document_row(
    kind: str,
    ref_id: int,
    title: str,
    body: str,
    url: str,
    department_id: int | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The ``search_documents`` row for an item (its words segmented)."""
    title = (title or "").strip()[:TITLE_MAX]
    body = body or ""
    return {
        "kind": check_kind(kind),
        "ref_id": int(ref_id),
        "title": title,
        "body": body,
        "url": _check_url(url),
        "department_id": department_id,
        "created_at": created_at or utcnow(),
        "terms": document_terms(title, body),
    }


def _upsert(row: dict[str, Any], keep_created_at: bool):
    if fulltext.dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(SearchDocument).values(**row)
    changed = {key: statement.excluded[key] for key in row if key not in ("kind", "ref_id")}
    if keep_created_at:
        changed.pop("created_at")
    return statement.on_conflict_do_update(index_elements=["kind", "ref_id"], set_=changed)


def index_document(
    kind: str,
    ref_id: int,
    *,
    title: str,
    body: str,
    url: str,
    department_id: int | None = None,
    created_at: datetime | None = None,
) -> None:
    """Add or replace the searchable copy of an item (one SQL statement; flushes)."""
    row = document_row(kind, ref_id, title, body, url, department_id, created_at)
    db.session.execute(_upsert(row, keep_created_at=created_at is None))


def remove_document(kind: str, ref_id: int) -> bool:
    """Remove an item from the index; True if it was indexed."""
    result = db.session.execute(
        delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)


def _hit(row: Any, terms: list[str], with_snippet: bool) -> SearchHit:
    return SearchHit(
        kind=row.kind,
        ref_id=row.ref_id,
        title=row.title,
        url=row.url,
        department_id=row.department_id,
        department_slug=row.department_slug,
        department_name=row.department_name,
        created_at=row.created_at,
        rank=float(row.score or 0.0),
        title_html=highlight(row.title, terms),
        snippet_html=snippet(row.body, terms) if with_snippet else Markup(""),
    )


def _hits_query(found: fulltext.Match, *, with_body: bool) -> Select:
    columns = [
        SearchDocument.kind,
        SearchDocument.ref_id,
        SearchDocument.title,
        SearchDocument.url,
        SearchDocument.department_id,
        SearchDocument.created_at,
        Department.slug.label("department_slug"),
        Department.name.label("department_name"),
        found.rank.label("score"),
    ]
    if with_body:
        columns.append(SearchDocument.body)
    return (
        select(*columns)
        .select_from(found.from_clause)
        .outerjoin(Department, Department.id == SearchDocument.department_id)
        .where(found.condition)
    )


def search(
    q: str,
    *,
    kinds: list[str] | None = None,
    department_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Documents containing every word of ``q``, best first; see the module docstring."""
    page = max(1, int(page))
    per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    terms = _query_terms(q)
    result = SearchPage(items=[], page=page, per_page=per_page, total=0, terms=terms)
    if not terms:
        return result
    found = fulltext.match(terms)
    filters = []
    if department_id is not None:
        filters.append(SearchDocument.department_id == department_id)
    counts = db.session.execute(
        select(SearchDocument.kind, func.count())
        .select_from(found.from_clause)
        .where(found.condition, *filters)
        .group_by(SearchDocument.kind)
    ).all()
    result.kind_counts = {kind: count for kind, count in counts}
    wanted = set(kinds) if kinds else None
    result.total = sum(count for kind, count in counts if wanted is None or kind in wanted)
    offset = (page - 1) * per_page
    if offset >= min(result.total, MAX_RESULTS):
        return result
    if wanted is not None:
        filters.append(SearchDocument.kind.in_(sorted(wanted)))
    query = (
        _hits_query(found, with_body=True)
        .where(*filters)
        .order_by(desc("score"), SearchDocument.created_at.desc(), SearchDocument.id.desc())
        .limit(min(per_page, MAX_RESULTS - offset))
        .offset(offset)
    )
    result.items = [_hit(row, terms, with_snippet=True) for row in db.session.execute(query)]
    return result


def ranked_ids(q: str, kind: str) -> Select:
    """A select of ``(ref_id, rank)`` of the ``kind`` documents matching ``q``; rank: higher is better."""
    terms = _query_terms(q)
    if not terms:
        return select(SearchDocument.ref_id.label("ref_id"), literal(0.0, Float).label("rank")).where(false())
    found = fulltext.match(terms)
    return (
        select(SearchDocument.ref_id.label("ref_id"), found.rank.label("rank"))
        .select_from(found.from_clause)
        .where(found.condition, SearchDocument.kind == kind)
    )


def similar(text: str, kind: str, limit: int = 5, exclude_ref_id: int | None = None) -> list[SearchHit]:
    """Documents of ``kind`` sharing the most words with ``text`` (one SQL query)."""
    terms = similarity_terms(text)
    limit = min(SIMILAR_MAX, max(1, int(limit)))
    if not terms:
        return []
    found = fulltext.match(terms, any_term=True)
    query = _hits_query(found, with_body=False).where(SearchDocument.kind == kind)
    if exclude_ref_id is not None:
        query = query.where(SearchDocument.ref_id != exclude_ref_id)
    query = query.order_by(desc("score"), SearchDocument.id.desc()).limit(SIMILAR_CANDIDATES)
    hits = [_hit(row, terms, with_snippet=False) for row in db.session.execute(query)]

    def shared_title_words(hit: SearchHit) -> int:
        title = normalise(hit.title)
        return sum(1 for term in terms if term in title)

    # Most words of the text in the title first; the database's rank breaks ties.
    hits.sort(key=lambda hit: (shared_title_words(hit), hit.rank), reverse=True)
    return hits[:limit]


__all__ = [
    "SearchHit", "SearchPage", "index_document", "remove_document", "search", "ranked_ids", "similar",
    "query_terms", "register_source", "reindex", "sources", "kind_label", "check_kind",
]
