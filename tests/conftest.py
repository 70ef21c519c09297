"""Fixtures shared by every test.

- ``app``: one application per test session on a real database: a SQLite
  file, or PostgreSQL when TEST_DATABASE_URL is set. The schema is built by
  the Alembic migrations, exactly as in production.
- Every test starts with empty tables (``clean_db``, autouse).
- ``client``: a test client that fetches and sends CSRF tokens like a browser.
- ``citizen_client``, ``officer_client``, ``moderator_client``,
  ``admin_client``: signed-in clients per role.
- ``count_queries``: counts the SQL statements a block runs.

With MINYI_NO_SKIP=1 (CI), a skipped test fails the run.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.extensions import db
from tests import factories

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class BrowserLikeClient(FlaskClient):
    """A test client with helpers for CSRF-protected forms and the JSON API."""

    _csrf: str | None = None

    def csrf_token(self, path: str = "/") -> str:
        """The CSRF token of this client's session, as a page would embed it."""
        if self._csrf is None:
            # visitors' pages carry no token (they hold no form); the sign-in form always does
            for candidate in dict.fromkeys((path, "/", "/login")):
                match = _CSRF.search(self.get(candidate).get_data(as_text=True))
                if match:
                    self._csrf = match.group(1)
                    break
            assert self._csrf, f"no CSRF token on {path}"
        return self._csrf

    def submit(self, path: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
        """POST a form the way a browser does: with the page's CSRF token."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(form_page or "/"))
        return self.post(path, data=payload, **kwargs)

    def api(self, method: str, path: str, json=None, token: str | None = None, **kwargs):
        """Call /api/v1 with an optional bearer token."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        return self.open(url, method=method.upper(), json=json, headers=headers, **kwargs)

    def login(self, username: str, password: str = factories.PASSWORD):
        """Sign in through the real sign-in form."""
        response = self.submit("/login", {"username": username, "password": password}, form_page="/login")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


def _database_uri(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _reset_schema(app) -> None:
    """Drop everything, then build the schema with the migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()


def _compile_translations() -> None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("i18n_script", Path(__file__).parent.parent / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_all()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application under test, with a migrated database."""
    _compile_translations()
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_uri(tmp_path_factory))
    application.test_client_class = BrowserLikeClient
    _reset_schema(application)
    yield application
    with application.app_context():
        db.engine.dispose()


def _tables_in_delete_order():
    return [table for table in reversed(db.metadata.sorted_tables)]


def clean_tables(app) -> None:
    """Empty every table (children first); cheap on an almost empty database."""
    with app.app_context():
        engine = db.engine
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                # self-referencing rows (departments, replies) go in any order
                connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                for table in _tables_in_delete_order():
                    connection.execute(table.delete())
        for hook in factories.AFTER_CLEAN:
            hook(engine)


@pytest.fixture(autouse=True)
def clean_db(request, app):
    """Every test starts with empty tables and fresh rate-limit counters."""
    clean_tables(app)
    from app.extensions import limiter

    try:
        limiter.reset()
    except Exception:  # noqa: BLE001 - storage without reset support
        pass
    yield


@pytest.fixture
def app_ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app) -> BrowserLikeClient:
    return app.test_client()


def _signed_in(app, user) -> BrowserLikeClient:
    c = app.test_client()
    c.login(user.username)
    c.user = user  # type: ignore[attr-defined]
    return c


@pytest.fixture
def department(app):
    return factories.department(app)


@pytest.fixture
def citizen(app):
    return factories.user(app, role="citizen")


@pytest.fixture
def officer(app, department):
    return factories.user(app, role="officer", department=department)


@pytest.fixture
def moderator(app):
    return factories.user(app, role="moderator")


@pytest.fixture
def admin(app):
    return factories.user(app, role="admin")


@pytest.fixture
def citizen_client(app, citizen):
    return _signed_in(app, citizen)


@pytest.fixture
def officer_client(app, officer):
    return _signed_in(app, officer)


@pytest.fixture
def moderator_client(app, moderator):
    return _signed_in(app, moderator)


@pytest.fixture
def admin_client(app, admin):
    return _signed_in(app, admin)


class QueryCounter:
    """Collects SQL statements run while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<{self.count} queries>\n" + "\n".join(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` then ``counter.count``."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


# --- CI: no test may skip -------------------------------------------------

def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("MINYI_NO_SKIP") == "1":
        skipped = terminalreporter.stats.get("skipped", [])
        if skipped:
            terminalreporter.write_line(f"MINYI_NO_SKIP=1: {len(skipped)} skipped test(s) fail this run", red=True)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("MINYI_NO_SKIP") == "1":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and reporter.stats.get("skipped"):
            session.exitstatus = 1
