"""Notification texts: each kind renders its sentence from its params when read.

Storing ``kind`` + ``params`` instead of a sentence lets the inbox speak the
reader's language and lets wording improve without rewriting old rows.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from flask_babel import gettext

log = logging.getLogger(__name__)

GENERIC_KIND = "followed.update"

_renderers: dict[str, Callable[[dict[str, Any]], str]] = {}


def register_kind(kind: str, render: Callable[[dict[str, Any]], str]) -> None:
    """Register (or replace) how a kind of notification reads; ``render(params)`` calls gettext."""
    _renderers[kind] = render


def render_text(notification: Any) -> str:
    """The sentence of a notification in the current language."""
    render = _renderers.get(notification.kind)
    if render is not None:
        try:
            return str(render(dict(notification.params or {})))
        except (KeyError, TypeError, ValueError):
            log.warning("notification %s of kind %s has params its text cannot use", notification.id, notification.kind)
    return gettext("You have a new notification.")


register_kind(GENERIC_KIND, lambda params: gettext("There is news on “%(title)s”.", title=params["title"]))
