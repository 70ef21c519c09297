"""Kinds of searchable items, their labels, and how to rebuild each one's part of the index."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Iterable

from sqlalchemy import delete, func, insert, select

from app.clock import utcnow
from app.extensions import db
from app.search.models import SearchDocument

BATCH = 500


@dataclass
class Source:
    """A registered kind: its label (a lazy string naming one item) and its reindex callable."""

    kind: str
    label: Any
    reindex: Callable[[], Iterable[dict] | None]


_sources: dict[str, Source] = {}


def register_source(kind: str, label: Any, reindex_callable: Callable[[], Iterable[dict] | None]) -> None:
    """Register (or replace) a kind of searchable item; see ``app.search.services``."""
    from app.search.services import check_kind

    check_kind(kind)
    _sources[kind] = Source(kind, label, reindex_callable)


def sources() -> list[Source]:
    """Every registered kind, in registration order."""
    return list(_sources.values())


def kind_label(kind: str) -> str:
    """The translated label of a kind (the kind itself when nobody registered it)."""
    source = _sources.get(kind)
    return str(source.label) if source is not None else kind


def reindex(kind: str) -> int:
    """Drop every document of ``kind`` and index what its source yields now; flushes, returns the count."""
    from app.search.services import document_row

    source = _sources.get(kind)
    if source is None:
        raise KeyError(kind)
    db.session.execute(
        delete(SearchDocument).where(SearchDocument.kind == kind), execution_options={"synchronize_session": False}
    )
    produced = source.reindex()
    if produced is None:  # the source called index_document itself
        db.session.flush()
        return db.session.scalar(select(func.count(SearchDocument.id)).where(SearchDocument.kind == kind)) or 0
    now = utcnow()
    total = 0
    documents = iter(produced)
    while batch := list(islice(documents, BATCH)):
        rows = [document_row(kind, **{"created_at": now, **document}) for document in batch]
        db.session.execute(insert(SearchDocument), rows)
        total += len(rows)
    db.session.flush()
    return total
