"""The database layer shared by every feature.

- ``Base``: the declarative base with a constraint naming convention (so that
  Alembic migrations name constraints the same way on SQLite and PostgreSQL)
  and timezone-aware UTC datetimes.
- SQLite connection setup: WAL, foreign keys, a busy timeout, and real
  transactions (``BEGIN IMMEDIATE`` for writing requests, so concurrent
  writers queue up instead of failing half-way).
- ``insert_or_ignore``: an idempotent insert settled by a unique constraint.
- ``commit_request``: the one commit per request.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, MetaData, event, insert, literal_column
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and always returned timezone-aware.

    SQLite has no time zone type, so both databases store UTC without an
    offset; Python code only ever sees aware datetimes.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL on SQLite may hand back text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    """Declarative base for every model: named constraints, aware UTC datetimes."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def _writing_request() -> bool:
    return has_request_context() and request.method not in {"GET", "HEAD", "OPTIONS"}


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Pragmas for SQLite; hand transaction control to SQLAlchemy."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    """Begin a real SQLite transaction; writers take the write lock at once.

    A deferred transaction that reads and later writes fails with
    SQLITE_BUSY when another writer committed in between; taking the lock
    up front makes writing requests queue (busy_timeout) and then run one at a
    time, which is what SQLite does anyway.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def insert_or_ignore(session: Any, model: Any, values: dict[str, Any]) -> bool:
    """Insert one row unless a unique constraint says it exists; True if inserted.

    Settled by the database (``ON CONFLICT DO NOTHING``), so two concurrent
    requests can never both insert.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    # RETURNING, not rowcount: with psycopg 3 an INSERT's rowcount comes back as -1 (truthy).
    statement = dialect_insert(model).values(**values).on_conflict_do_nothing().returning(literal_column("1"))
    result = session.execute(statement)
    return result.first() is not None


def utc_from_db(value: Any) -> datetime | None:
    """An aware UTC datetime from a raw SQL result (text on SQLite)."""
    return UTCDateTime().process_result_value(value, None)


__all__ = ["Base", "UTCDateTime", "insert_or_ignore", "insert", "utc_from_db"]


def register_request_transaction(app: Any, db: Any) -> None:
    """One commit per request: commit a successful response, roll back any other.

    Services only flush; this is the single place that commits for requests.
    A constraint that fires at commit time (a race the services did not
    foresee) becomes a 409, never a 500.
    """
    from sqlalchemy.exc import IntegrityError, OperationalError

    from flask_babel import lazy_gettext as _l

    from app.errors import error_response
    from app.tasks import discard_deferred, flush_deferred

    @app.after_request
    def _commit_or_rollback(response: Any) -> Any:
        if response.status_code >= 400:
            db.session.rollback()
            discard_deferred()
            return response
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            discard_deferred()
            return error_response(409, "conflict", _l("This conflicts with a change made at the same moment. Please try again."))
        except OperationalError as exc:  # e.g. a serialization failure under load
            db.session.rollback()
            discard_deferred()
            app.logger.warning("commit failed: %s", exc)
            return error_response(503, "busy", _l("The service is busy. Please try again."), retry_after=1)
        flush_deferred()
        if _writing_request():
            from app.pagecache import bump_generation

            bump_generation()
        return response
