"""Home, /healthz, and the language and elder-mode switches."""

from __future__ import annotations

from flask import current_app, jsonify, make_response, redirect, render_template, request
from sqlalchemy import text

from app.departments.models import Department
from app.departments.services import departments_query
from app.extensions import db
from app.i18n import ELDER_COOKIE, LANG_COOKIE
from app.main import bp
from app.templating import safe_next

ONE_YEAR = 60 * 60 * 24 * 365


@bp.get("/")
def index():
    """The home page: what Minyi is and where to start."""
    departments = db.session.scalars(departments_query().where(Department.level == "province").limit(12)).all()
    return render_template("main/index.html", departments=departments)


@bp.get("/healthz")
def healthz():
    """200 {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        current_app.logger.exception("health check failed")
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


def _preference_response(cookie: str, value: str | None):
    response = make_response(redirect(safe_next(request.values.get("next"))))
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    if value is None:
        response.delete_cookie(cookie)
    else:
        response.set_cookie(cookie, value, max_age=ONE_YEAR, samesite="Lax", secure=secure, httponly=True)
    return response


@bp.route("/preferences/language", methods=["GET", "POST"])
def set_language():
    """Remember the chosen interface language in a cookie (a link in every page's header)."""
    lang = request.values.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _preference_response(LANG_COOKIE, lang)


@bp.route("/preferences/elder", methods=["GET", "POST"])
def set_elder_mode():
    """Turn the elder-friendly mode (larger type, higher contrast) on or off (a link in every page's header)."""
    on = request.values.get("elder") == "1"
    return _preference_response(ELDER_COOKIE, "1" if on else None)


@bp.get("/about")
def about():
    """What Minyi is, how threads are answered, and the rules of the community."""
    return render_template("main/about.html")


