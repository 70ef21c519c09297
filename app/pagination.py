"""Offset pagination shared by pages and the API, with bounded arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flask_babel import gettext
from sqlalchemy import Select, func, select

from app.errors import ValidationFailed
from app.extensions import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # deeper pages are refused rather than scanned


@dataclass
class Page:
    """One page of results."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _positive_int(args: Mapping[str, Any], name: str, default: int, maximum: int) -> tuple[int, list[str]]:
    raw = args.get(name)
    if raw in (None, ""):
        return default, []
    try:
        value = int(str(raw).strip())
    except ValueError:
        return default, [gettext("Must be a whole number.")]
    if value < 1:
        return default, [gettext("Must be 1 or more.")]
    return min(value, maximum), []


def page_args(args: Mapping[str, Any], default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """``page`` and ``per_page`` from query arguments; per_page is capped at 100.

    Raises ValidationFailed for values that are not positive whole numbers.
    """
    page, page_errors = _positive_int(args, "page", 1, MAX_PAGE)
    per_page, per_page_errors = _positive_int(args, "per_page", default_per_page, MAX_PER_PAGE)
    fields = {}
    if page_errors:
        fields["page"] = page_errors
    if per_page_errors:
        fields["per_page"] = per_page_errors
    if fields:
        raise ValidationFailed(fields=fields)
    return page, per_page


def paginate(query: Select, page: int, per_page: int, *, scalars: bool = True) -> Page:
    """Run ``query`` for one page plus a count: two SQL queries."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    paged = query.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(paged)
    items = list(result.scalars() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)
