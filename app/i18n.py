"""Language and time zone selection (Flask-Babel).

Simplified Chinese is the default. A visitor switches language with the
switch in the header (a cookie); API clients may also send
Accept-Language. Each feature keeps its own catalog under
``app/<feature>/translations`` (and the core one under ``app/translations``);
Flask-Babel merges them.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_request_context, request

LANG_COOKIE = "lang"
ELDER_COOKIE = "elder"


def select_locale() -> str:
    """The cookie's language, else (API only) Accept-Language, else zh_CN."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
        if best:
            return "en" if best == "en" else "zh_CN"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Everything is shown in Asia/Shanghai."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def translation_directories(app: Flask) -> str:
    """Every catalog directory of the app, ';'-separated as Flask-Babel wants."""
    root = Path(app.root_path)
    dirs = [root / "translations"] + sorted(p for p in root.glob("*/translations") if p.is_dir())
    return ";".join(str(d) for d in dirs)
