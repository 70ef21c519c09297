"""Posting limits for threads and comments, counted in the database.

Counting rows (not a per-process counter) makes the limit the same for every
gunicorn worker and app server. New accounts (not yet trusted by
``app.policy``) get the lower limits; moderators and admins have none.

    enforce_limit(author, "thread", Proposal.author_id, Proposal.created_at)

raises ``RateLimited`` (429, ``Retry-After``) with a message saying when the
limit lifts: the moment the oldest post still inside the window leaves it.
Settings: ``THREADS_PER_DAY_NEW`` / ``THREADS_PER_DAY``,
``COMMENTS_PER_HOUR_NEW`` / ``COMMENTS_PER_HOUR``; ``POSTING_LIMITS_ENABLED=0``
turns them off (load tests).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import format_datetime, gettext
from sqlalchemy import select

from app.clock import to_local, utcnow
from app.errors import RateLimited
from app.extensions import db
from app.permissions import is_moderator

# what → (window in seconds, setting for new accounts, setting for established ones)
LIMITS = {
    "thread": (24 * 3600, "THREADS_PER_DAY_NEW", "THREADS_PER_DAY"),
    "comment": (3600, "COMMENTS_PER_HOUR_NEW", "COMMENTS_PER_HOUR"),
}


def limit_for(author: Any, what: str) -> tuple[int, int]:
    """(how many posts, in how many seconds) this author may make."""
    from app.policy import is_trusted

    window, new_key, established_key = LIMITS[what]
    key = established_key if is_trusted(author) else new_key
    return int(current_app.config[key]), window


def lift_time_text(moment: Any) -> str:
    """HH:MM in local time (with the date when it is not today)."""
    if to_local(moment).date() == to_local(utcnow()).date():
        return format_datetime(moment, "HH:mm")
    return format_datetime(moment, "yyyy-MM-dd HH:mm")


def enforce_limit(author: Any, what: str, author_column: Any, created_column: Any) -> None:
    """Raise RateLimited when the author already made the allowed number of posts in the window."""
    if not current_app.config.get("POSTING_LIMITS_ENABLED", True) or is_moderator(author):
        return
    from app.accounts.models import User

    limit, window = limit_for(author, what)
    now = utcnow()
    # one author's posts are counted one at a time (a row lock on PostgreSQL; SQLite writers already queue)
    db.session.execute(select(User.id).where(User.id == author.id).with_for_update())
    oldest_counted = db.session.scalar(
        select(created_column)
        .where(author_column == author.id, created_column > now - timedelta(seconds=window))
        .order_by(created_column.desc())
        .offset(max(0, limit - 1))
        .limit(1)
    )
    if oldest_counted is None:
        return
    lifts = oldest_counted + timedelta(seconds=window)
    retry_after = max(1, math.ceil((lifts - now).total_seconds()))
    raise RateLimited(
        gettext("You are posting too often. Please try again after %(time)s.", time=lift_time_text(lifts)),
        retry_after=retry_after,
    )
