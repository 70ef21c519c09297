"""The one source of "now", and conversions for display.

Times are stored in UTC and shown in Asia/Shanghai. Code asks ``utcnow()``
rather than ``datetime.now()`` so that every timestamp is timezone-aware.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def to_local(value: datetime) -> datetime:
    """A UTC datetime converted to the display time zone (Asia/Shanghai)."""
    return value.astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in the display time zone."""
    return to_local(utcnow()).date()


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with offset, as the API promises (in Asia/Shanghai)."""
    return to_local(value).isoformat() if value is not None else None


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 timestamp; a value without an offset is Asia/Shanghai.

    Raises ValueError on anything that is not a timestamp.
    """
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(timezone.utc)
