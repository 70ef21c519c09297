"""Working-day arithmetic for deadlines (threads, rectifications).

Working days are Monday to Friday in Asia/Shanghai, minus the holidays in
``app.config["HOLIDAYS"]`` (ISO dates). A deadline of *n* working days from a
moment is the same wall-clock time on the *n*-th working day after that
moment's date; a moment on a non-working day counts from the start of the
next working day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from flask import current_app, has_app_context

from app.clock import LOCAL_TZ


def holidays() -> frozenset[date]:
    """The configured holidays as dates (empty outside an app context)."""
    if not has_app_context():
        return frozenset()
    return _parse_holidays(tuple(current_app.config.get("HOLIDAYS", ())))


_holiday_cache: dict[tuple[str, ...], frozenset[date]] = {}


def _parse_holidays(raw: tuple[str, ...]) -> frozenset[date]:
    if raw not in _holiday_cache:
        _holiday_cache[raw] = frozenset(date.fromisoformat(day) for day in raw)
    return _holiday_cache[raw]


def is_working_day(day: date, extra_holidays: Iterable[date] | None = None) -> bool:
    """True for Monday–Friday dates that are not holidays."""
    off = holidays() if extra_holidays is None else frozenset(extra_holidays)
    return day.weekday() < 5 and day not in off


def add_working_days(start: datetime, days: int, extra_holidays: Iterable[date] | None = None) -> datetime:
    """The deadline ``days`` working days after ``start``, as an aware UTC datetime.

    Friday 10:00 + 1 is Monday 10:00. A start on a weekend or holiday counts
    from 00:00 of the next working day, so Saturday + 2 is Wednesday 00:00
    (the end of Tuesday).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    off = holidays() if extra_holidays is None else frozenset(extra_holidays)
    local = start.astimezone(LOCAL_TZ)
    day = local.date()
    clock = local.time()
    if not is_working_day(day, off):
        while not is_working_day(day, off):
            day += timedelta(days=1)
        clock = time(0, 0)
    while days:
        day += timedelta(days=1)
        if is_working_day(day, off):
            days -= 1
    return datetime.combine(day, clock, LOCAL_TZ).astimezone(timezone.utc)


def working_seconds_between(start: datetime, end: datetime, extra_holidays: Iterable[date] | None = None) -> float:
    """Seconds between two moments that fall on working days (whole days of 24 h)."""
    if end <= start:
        return 0.0
    off = holidays() if extra_holidays is None else frozenset(extra_holidays)
    local_start = start.astimezone(LOCAL_TZ)
    local_end = end.astimezone(LOCAL_TZ)
    total = 0.0
    cursor = local_start
    while cursor < local_end:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), LOCAL_TZ)
        segment_end = min(next_midnight, local_end)
        if is_working_day(cursor.date(), off):
            total += (segment_end - cursor).total_seconds()
        cursor = segment_end
    return total
