"""Optional diagnostics for benchmarks: the number of SQL statements per request.

With ``QUERY_COUNT_HEADER`` on (env ``MINYI_QUERY_COUNT_HEADER=1``), every
response carries ``X-Query-Count``. Off by default; it costs one event hook.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event


def register_query_counter(app: Flask, db) -> None:
    """Count statements per request and report them in a response header."""
    if not app.config.get("QUERY_COUNT_HEADER"):
        return

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if has_request_context() and not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            g.query_count = g.get("query_count", 0) + 1

    @app.after_request
    def _header(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response
