"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.clock import to_local
from app.i18n import ELDER_COOKIE
from app.sections import sections_for
from app.navigation import footer_nav, header_items, main_nav
from app.permissions import is_suspended, suspension_message, template_predicates


# The numeric formats pages use, as strftime patterns (Babel's formatter is
# ten times slower, and these formats read the same in every locale).
_FAST_FORMATS = {
    "yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M",
    "yyyy-MM-dd": "%Y-%m-%d",
    "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
    "HH:mm": "%H:%M",
}


def localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC datetime shown in Asia/Shanghai."""
    if value is None:
        return ""
    pattern = _FAST_FORMATS.get(fmt)
    if pattern is not None:
        return to_local(value).strftime(pattern)
    return format_datetime(value, fmt)


def datetime_attr(value: datetime | None) -> str:
    """ISO 8601 for a <time datetime="…"> attribute."""
    return value.isoformat(timespec="seconds") if value is not None else ""


def safe_next(target: str | None, fallback: str = "main.index") -> str:
    """A same-site path to return to, never an absolute URL elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(fallback)


def elder_mode() -> bool:
    """True when the visitor turned on the elder-friendly mode."""
    return request.cookies.get(ELDER_COOKIE) == "1"


def html_lang() -> str:
    """BCP 47 tag for <html lang>."""
    return "zh-CN" if get_locale().language == "zh" else "en"


def current_path() -> str:
    """The path and query of this request, for "come back here" links."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def nl2br(text: str) -> Markup:
    """Escape text and keep its line breaks."""
    from markupsafe import escape

    return Markup("<br>\n").join(escape(line) for line in (text or "").splitlines())


ROLE_LABELS = {
    "citizen": _l("Citizen"),
    "officer": _l("Officer"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}
LEVEL_LABELS = {"province": _l("Province level"), "city": _l("City level"), "county": _l("County level")}


def role_label(role: str) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS.get(role, role))


def level_label(level: str) -> str:
    """The translated name of a department level."""
    return str(LEVEL_LABELS.get(level, level))


def has_endpoint(endpoint: str) -> bool:
    """True when a page exists (features link to each other only once both exist)."""
    return endpoint in current_app.view_functions


def _translations():
    """This request's translations, looked up once (Flask-Babel looks them up per string)."""
    try:
        return g._minyi_translations
    except AttributeError:
        from flask_babel import get_translations

        g._minyi_translations = get_translations()
        return g._minyi_translations


def register_template_helpers(app: Flask) -> None:
    """Filters and globals for every template."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["datetime_attr"] = datetime_attr
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.globals.update(
        template_predicates(),
        elder_mode=elder_mode,
        html_lang=html_lang,
        current_path=current_path,
        get_locale=get_locale,
        role_label=role_label,
        level_label=level_label,
        has_endpoint=has_endpoint,
        sections_for=sections_for,
        main_nav=main_nav,
        footer_nav=footer_nav,
        header_items=header_items,
        is_suspended=is_suspended,
        suspension_message=suspension_message,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
