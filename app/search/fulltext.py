"""The two full-text dialects behind one shape: FROM clause, match condition, rank.

SQLite reads the FTS5 table ``search_fts`` (rowid = ``search_documents.id``),
PostgreSQL the generated ``search_fts_tsv`` column of ``search_documents``.
Both receive only words made of letters and digits (``app.search.text``),
and those only as bound parameters: FTS5 gets every word in double quotes,
PostgreSQL gets each word through ``plainto_tsquery``, so no user input is
ever read as query syntax.

``rank`` is "higher is better" on both: ``-bm25(search_fts)`` on SQLite,
``ts_rank(...)`` on PostgreSQL. Ranks of different queries (or databases)
are not comparable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import Float, Integer, bindparam, column, func, literal_column, table
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.search.models import SearchDocument
from app.search.text import fts5_query

_fts = table("search_fts", column("rowid", Integer))
_pg_vector = literal_column("search_documents.search_fts_tsv")
_simple = literal_column("'simple'")


@dataclass
class Match:
    """What a query needs: where to select from, the match condition and the rank column."""

    from_clause: Any
    condition: ColumnElement
    rank: ColumnElement


def dialect() -> str:
    """The name of the database in use: "sqlite" or "postgresql"."""
    return db.session.get_bind().dialect.name


def match(terms: list[str], *, any_term: bool = False) -> Match:
    """Documents containing every term (or, with ``any_term``, at least one)."""
    if dialect() == "postgresql":
        return _postgresql(terms, any_term)
    return _sqlite(terms, any_term)


def _sqlite(terms: list[str], any_term: bool) -> Match:
    expression = fts5_query(terms, "OR" if any_term else "AND")
    fts_name = literal_column("search_fts")
    return Match(
        from_clause=_fts.join(SearchDocument, SearchDocument.id == _fts.c.rowid),
        condition=fts_name.op("MATCH")(bindparam(None, expression)),
        rank=(-func.bm25(fts_name)).cast(Float),
    )


def _postgresql(terms: list[str], any_term: bool) -> Match:
    if any_term:
        queries = [func.plainto_tsquery(_simple, bindparam(None, term)) for term in terms]
        tsquery = reduce(lambda left, right: left.op("||")(right), queries)
    else:
        tsquery = func.plainto_tsquery(_simple, bindparam(None, " ".join(terms)))
    return Match(
        from_clause=SearchDocument.__table__,
        condition=_pg_vector.op("@@")(tsquery),
        # normalisation 1: divide by 1 + log(length), so long documents do not win by size alone
        rank=func.ts_rank(_pg_vector, tsquery, 1).cast(Float),
    )
