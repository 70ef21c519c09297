"""Follows and the in-app notification inbox.

Other features call only the functions below::

    from app.notifications import services as notifications

They flush and never commit. ``target_type`` is a short lowercase name
("proposal", "case" …) and ``target_id`` the target's id; ``url`` is the
site path a notification links to ("/proposals/12#answer-3"). A malformed
target_type, kind or url is a programming error: ValueError. ``follow``,
``unfollow`` and ``mark_read`` raise NotAuthenticated for visitors.

Following (idempotent: settled by the unique constraint, safe under races):

``follow(user, target_type, target_id) -> bool``
    True if the user was not following before. (The author of a thread
    follows it automatically: call this when creating it.)
``unfollow(user, target_type, target_id) -> bool``
    True if a follow was removed.
``is_following(user, target_type, target_id) -> bool``
    False for visitors.
``followers_count(target_type, target_id) -> int``

Sending:

``notify(user_ids, kind, *, target_type, target_id, url, actor=None, params=None) -> int``
    One notification for each of ``user_ids`` (duplicates and None
    dropped), in one INSERT, now. Returns how many were written.
``notify_followers(target_type, target_id, kind, *, url, actor=None, params=None, exclude_user_id=None) -> None``
    One notification for every follower of the target, except ``actor``
    (nobody is told of their own action), ``exclude_user_id`` and deleted
    accounts. The fan-out is ONE ``INSERT … SELECT`` from ``follows``
    (constant cost in SQL statements whatever the number of followers),
    handed to ``app.tasks.defer``: it runs at once in development and
    tests, and on the RQ queue after the request commits in production
    (``TASKS_ASYNC=1`` and ``REDIS_URL``; worker:
    ``flask --app wsgi tasks worker``). Notifications carry the time of
    this call, not of the worker's run.

Texts, rendered when read so they appear in the reader's language:

``register_kind(kind, render)``
    ``render(params) -> str`` calls ``gettext`` with English msgids from
    your feature's catalog, e.g.
    ``register_kind("proposal.answered", lambda p: gettext("%(department)s answered “%(title)s”.", **p))``.
    Register at import time of your package. ``params`` (given to
    ``notify``) must be JSON-serialisable: store what the text needs
    (titles, names) when notifying. A kind nobody registered, or a render
    that fails on old params, shows a generic sentence.
``GENERIC_KIND`` ("followed.update", params ``{"title": …}``)
    "There is news on “…”." for features that need no text of their own.
``render_text(notification) -> str``

Reading (pages and the API use these):

``unread_count(user) -> int``  (0 for visitors; one indexed COUNT)
``mark_read(user, ids=None) -> int``
    Mark the user's unread notifications read: all of them, or only
    ``ids`` (ids of other users' notifications are ignored; ``[]`` marks
    none). Returns how many changed.
``inbox_query(user, unread_only=False) -> Select``  newest first.
``get_own(user, notification_id) -> Notification | None``  None for someone else's.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import JSON, Integer, Select, String, delete, func, insert, literal, select, update

from app.accounts.models import User
from app.clock import utcnow
from app.database import UTCDateTime, insert_or_ignore
from app.extensions import db
from app.notifications.kinds import GENERIC_KIND, register_kind, render_text  # noqa: F401 - public interface
from app.notifications.models import KIND_MAX, TARGET_TYPE_MAX, URL_MAX, Follow, Notification
from app.permissions import is_signed_in, require_signed_in
from app.tasks import defer

_target_type = re.compile(rf"^[a-z][a-z0-9_]{{0,{TARGET_TYPE_MAX - 1}}}$")
_kind = re.compile(rf"^[a-z][a-z0-9_.]{{0,{KIND_MAX - 1}}}$")
MAX_ID = 2**31 - 1


def _check(target_type: str, target_id: int, kind: str | None = None, url: str | None = None) -> None:
    """Programming errors (not user input) fail loudly."""
    if not isinstance(target_type, str) or not _target_type.match(target_type):
        raise ValueError(f"invalid target_type {target_type!r}")
    if isinstance(target_id, bool) or not isinstance(target_id, int):
        raise ValueError(f"invalid target_id {target_id!r}")
    if kind is not None and (not isinstance(kind, str) or not _kind.match(kind)):
        raise ValueError(f"invalid notification kind {kind!r}")
    if url is not None and (
        not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or len(url) > URL_MAX
    ):
        raise ValueError(f"notifications link to a site path, not {url!r}")


# --- following ----------------------------------------------------------------

def follow(user: Any, target_type: str, target_id: int) -> bool:
    """Follow a target; True if newly followed (idempotent)."""
    require_signed_in(user)
    _check(target_type, target_id)
    return insert_or_ignore(
        db.session,
        Follow,
        {"user_id": user.id, "target_type": target_type, "target_id": target_id, "created_at": utcnow()},
    )


def unfollow(user: Any, target_type: str, target_id: int) -> bool:
    """Stop following; True if a follow was removed (idempotent)."""
    require_signed_in(user)
    result = db.session.execute(
        delete(Follow).where(
            Follow.user_id == user.id, Follow.target_type == target_type, Follow.target_id == target_id
        ),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)


def is_following(user: Any, target_type: str, target_id: int) -> bool:
    """Whether the user follows the target (False for visitors)."""
    if not is_signed_in(user):
        return False
    found = db.session.scalar(
        select(Follow.id).where(
            Follow.user_id == user.id, Follow.target_type == target_type, Follow.target_id == target_id
        )
    )
    return found is not None


def followers_count(target_type: str, target_id: int) -> int:
    """How many users follow the target."""
    return db.session.scalar(
        select(func.count()).select_from(Follow).where(Follow.target_type == target_type, Follow.target_id == target_id)
    ) or 0


# --- sending ------------------------------------------------------------------

def notify(
    user_ids: Iterable[int | None],
    kind: str,
    *,
    target_type: str,
    target_id: int,
    url: str,
    actor: Any = None,
    params: dict[str, Any] | None = None,
) -> int:
    """Notify the given users now, in one INSERT; returns how many notifications were written."""
    _check(target_type, target_id, kind, url)
    recipients = list(dict.fromkeys(int(user_id) for user_id in user_ids if user_id is not None))
    if not recipients:
        return 0
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "target_type": target_type,
            "target_id": target_id,
            "url": url,
            "actor_id": actor_id,
            "params": dict(params or {}),
            "created_at": now,
        }
        for user_id in recipients
    ]
    db.session.execute(insert(Notification), rows)
    return len(rows)


def notify_followers(
    target_type: str,
    target_id: int,
    kind: str,
    *,
    url: str,
    actor: Any = None,
    params: dict[str, Any] | None = None,
    exclude_user_id: int | None = None,
) -> None:
    """Notify every follower of the target (one INSERT … SELECT, deferred); see the module docstring."""
    _check(target_type, target_id, kind, url)
    actor_id = getattr(actor, "id", None)
    excluded = sorted({user_id for user_id in (actor_id, exclude_user_id) if user_id is not None})
    defer(fan_out, target_type, target_id, kind, url, actor_id, dict(params or {}), excluded, utcnow())


def fan_out(
    target_type: str,
    target_id: int,
    kind: str,
    url: str,
    actor_id: int | None,
    params: dict[str, Any],
    excluded_user_ids: list[int],
    created_at: datetime,
) -> None:
    """The deferred job of ``notify_followers``: one ``INSERT … SELECT`` from ``follows``."""
    followers = (
        select(
            Follow.user_id,
            literal(kind, String),
            literal(target_type, String),
            literal(target_id, Integer),
            literal(url, String),
            literal(actor_id, Integer),
            literal(params, JSON),
            literal(created_at, UTCDateTime()),
        )
        .join(User, User.id == Follow.user_id)
        .where(Follow.target_type == target_type, Follow.target_id == target_id, User.deleted_at.is_(None))
    )
    if excluded_user_ids:
        followers = followers.where(Follow.user_id.not_in(excluded_user_ids))
    statement = insert(Notification).from_select(
        ["user_id", "kind", "target_type", "target_id", "url", "actor_id", "params", "created_at"], followers
    )
    db.session.execute(statement)


# --- reading ------------------------------------------------------------------

def unread_count(user: Any) -> int:
    """How many unread notifications the user has (0 for visitors)."""
    if not is_signed_in(user):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or only ``ids``); returns how many changed."""
    require_signed_in(user)
    statement = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID})
        if not wanted:
            return 0
        statement = statement.where(Notification.id.in_(wanted))
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def inbox_query(user: Any, unread_only: bool = False) -> Select:
    """The user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def get_own(user: Any, notification_id: int) -> Notification | None:
    """The user's notification with this id (None for someone else's)."""
    notification = db.session.get(Notification, notification_id) if 0 < notification_id <= MAX_ID else None
    return notification if notification is not None and notification.user_id == user.id else None


__all__ = [
    "follow", "unfollow", "is_following", "followers_count", "notify", "notify_followers", "fan_out",
    "register_kind", "render_text", "GENERIC_KIND", "unread_count", "mark_read", "inbox_query", "get_own",
]
