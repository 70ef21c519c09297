"""Site navigation: the main menu, the footer and the header's counters.

Features appear in the menu once their endpoint exists, so the menu never
links to a page that is not there. A feature that wants a header counter
(unread notifications, the review queue) registers a provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import current_app
from flask_babel import lazy_gettext as _l

MAIN_NAV = (
    ("proposals.index", _l("Proposals")),
    ("departments.index", _l("Departments")),
    ("departments.services", _l("Services")),
    ("innovation.cases", _l("Innovation")),
    ("campaigns.index", _l("Voting")),
    ("search.search", _l("Search")),
)
FOOTER_NAV = (
    ("main.about", _l("About Minyi")),
    ("opendata.index", _l("Open data")),
    ("moderation.log", _l("Moderation log")),
    ("portraits.compare", _l("Compare departments")),
)


@dataclass
class HeaderItem:
    """A link in the header for signed-in users, with an optional count."""

    url: str
    label: Any
    count: int = 0
    count_label: Any = ""


_providers: list[Callable[[Any], HeaderItem | None]] = []


def register_header_item(provider: Callable[[Any], HeaderItem | None]) -> Callable:
    """Register a function (user → HeaderItem or None) for the header."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _existing(items: tuple) -> list[tuple[str, Any]]:
    return [(endpoint, label) for endpoint, label in items if endpoint in current_app.view_functions]


def main_nav() -> list[tuple[str, Any]]:
    """The main menu entries whose pages exist."""
    return _existing(MAIN_NAV)


def footer_nav() -> list[tuple[str, Any]]:
    """The footer links whose pages exist."""
    return _existing(FOOTER_NAV)


def header_items() -> list[HeaderItem]:
    """Header links for the signed-in user (each provider may add one)."""
    from flask_login import current_user

    items = []
    for provider in _providers:
        item = provider(current_user)
        if item is not None:
            items.append(item)
    return items
