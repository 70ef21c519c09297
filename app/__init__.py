"""Minyi (民意): a participation forum for digital government."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, config_for, development_secret_key

BLUEPRINTS = (
    "app.main",
    "app.accounts",
    "app.departments",
    "app.proposals",
    "app.ratings",
    "app.innovation",
    "app.campaigns",
    "app.api",
    "app.search",
    "app.notifications",
    "app.comments",
    "app.moderation",
)


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the application: settings, extensions, blueprints, errors, CLI, templates."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = development_secret_key()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite pools are per file and need no sizing (in-memory ones refuse it)
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_size", None)
        options.pop("max_overflow", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["PROXY_FIX"]:
        n = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)

    from app.database import register_request_transaction
    from app.errors import register_error_handlers
    from app.extensions import db
    from app.security import register_input_guard, register_security_headers
    from app.templating import register_template_helpers

    from app.diagnostics import register_query_counter
    from app.pagecache import register_page_cache

    register_error_handlers(app)
    register_query_counter(app, db)
    register_page_cache(app)
    register_request_transaction(app, db)
    register_input_guard(app)
    register_security_headers(app)
    register_template_helpers(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale, select_timezone, translation_directories

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(app))
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
    # every model must be imported before the metadata is used
    import_module("app.models")
