"""/search and /search/similar: full-text search across every kind of item."""

from __future__ import annotations

import re

from flask import jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.openapi import PAGE_PARAMS, array, component, integer, nullable, obj, page_of, query_param, spec, string
from app.clock import isoformat
from app.departments import services as departments
from app.departments.models import SLUG_PATTERN
from app.errors import NotFound, ValidationFailed
from app.pagination import page_args
from app.search import services as search
from app.search.services import KIND_PATTERN, SearchHit
from app.search.text import MAX_QUERY_LENGTH

SEARCH_HIT = component(
    "SearchHit",
    obj(
        ["kind", "id", "title", "url", "snippet_html", "department"],
        kind=string(description="proposal, comment, case, service …"),
        id=integer(description="id of the item in its own kind"),
        title=string(),
        url=string(description="site path of the item"),
        snippet_html=string(description="escaped text with the matched words in <mark>"),
        department=nullable(string(description="department slug")),
        department_name=nullable(string()),
        created_at=string(format="date-time"),
    ),
)
KIND_COUNTS = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
    "description": "matches per kind, whatever the kind filter",
}
SIMILAR_ITEM = component(
    "SimilarItem",
    obj(["kind", "id", "title", "url"], kind=string(), id=integer(), title=string(), url=string()),
)


def _kinds() -> list[str] | None:
    """``kind`` may repeat or be comma-separated; each must look like a kind name."""
    kinds = [part.strip() for value in request.args.getlist("kind") for part in value.split(",") if part.strip()]
    if any(not KIND_PATTERN.match(kind) for kind in kinds):
        raise ValidationFailed(fields={"kind": [gettext("Unknown kind.")]})
    return kinds or None


def hit_json(hit: SearchHit) -> dict:
    """A search result."""
    return {
        "kind": hit.kind,
        "id": hit.ref_id,
        "title": hit.title,
        "url": hit.url,
        "snippet_html": str(hit.snippet_html),
        "department": hit.department_slug,
        "department_name": hit.department_name,
        "created_at": isoformat(hit.created_at),
    }


@bp.get("/search")
@spec(
    "Search threads, comments, cases and services",
    tag="search",
    params=PAGE_PARAMS
    + [
        query_param("q", description="words to search for (every word must match)"),
        query_param("kind", description="only these kinds (repeat or comma-separate)"),
        query_param("department", description="department slug"),
    ],
    responses={200: {**page_of(SEARCH_HIT), "properties": {**page_of(SEARCH_HIT)["properties"], "kinds": KIND_COUNTS}}},
    errors=(404,),
)
def search_items():
    """Ranked results for q; an empty q gives an empty list."""
    page, per_page = page_args(request.args)
    kinds = _kinds()
    slug = request.args.get("department", "")
    if slug and not re.match(SLUG_PATTERN, slug):
        raise NotFound(gettext("No department with this name."))
    department = departments.get_department(slug) if slug else None
    q = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    result = search.search(
        q, kinds=kinds, department_id=department.id if department else None, page=page, per_page=per_page
    )
    return jsonify(
        {
            "items": [hit_json(hit) for hit in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
            "kinds": result.kind_counts,
        }
    )


@bp.get("/search/similar")
@spec(
    "Up to 5 items of one kind sharing the most words with a text (e.g. a draft title)",
    tag="search",
    params=[
        query_param("text", description="the text being typed"),
        query_param("kind", description="kind of items to suggest, e.g. proposal"),
        query_param("exclude", {"type": "integer"}, description="id of an item to leave out"),
    ],
    responses={200: obj(["items"], items=array(SIMILAR_ITEM))},
)
def similar_items():
    """Suggestions while typing; bad or short input gives an empty list."""
    kind = request.args.get("kind", "")
    if not KIND_PATTERN.match(kind):
        raise ValidationFailed(fields={"kind": [gettext("Unknown kind.")]})
    exclude_raw = request.args.get("exclude", "")
    exclude = None
    if exclude_raw:
        try:
            exclude = int(exclude_raw)
        except ValueError:
            raise ValidationFailed(fields={"exclude": [gettext("Must be a whole number.")]}) from None
        if not 0 < exclude < 2**31:
            exclude = None  # no item has such an id
    text = request.args.get("text", "")[:MAX_QUERY_LENGTH]
    hits = search.similar(text, kind, limit=5, exclude_ref_id=exclude)
    return jsonify({"items": [{"kind": h.kind, "id": h.ref_id, "title": h.title, "url": h.url} for h in hits]})
