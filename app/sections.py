"""Page sections contributed by other features.

A department page shows its threads, a service page its ratings, an account
page the user's data. The page's own feature does not import those features:
they register a section provider here, and the page includes whatever
sections exist, in order.

    @register_section("department", order=10)
    def department_threads(department):
        return Section("proposals/_department_threads.html", {"page": ...})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

PAGES = ("home", "department", "service", "account", "case")


@dataclass
class Section:
    """A template to include and the context it needs."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, list[tuple[int, Callable[..., Section | None]]]] = {page: [] for page in PAGES}


def register_section(page: str, order: int = 50) -> Callable:
    """Decorator: ``fn(subject) -> Section | None`` contributes to ``page``."""

    def decorate(provider: Callable[..., Section | None]) -> Callable[..., Section | None]:
        entries = _registry.setdefault(page, [])
        if all(existing is not provider for _, existing in entries):
            entries.append((order, provider))
            entries.sort(key=lambda entry: entry[0])
        return provider

    return decorate


def sections_for(page: str, subject: Any = None) -> list[Section]:
    """The sections of a page for one subject (department, service, user …)."""
    sections = []
    for _, provider in _registry.get(page, []):
        section = provider(subject)
        if section is not None:
            sections.append(section)
    return sections
