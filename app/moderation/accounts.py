"""Suspensions and bans: a moderator stops an account from taking part for N days, or for good.

The reason is required; the account sees it (and until when) on every page
and whenever it tries to post, comment, support, vote, rate or flag
(``app.permissions.require_participation``). Moderators act on citizens and
officers; only admins act on moderators; nobody on admins or on themselves.
Every decision is audited and appears, without the account's name, in the
public moderation log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import format_datetime, gettext
from sqlalchemy import func, select, union_all

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import record
from app.clock import isoformat, utcnow
from app.comments.models import Comment
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.moderation import notices
from app.moderation.actions import clean_reason, require_moderator
from app.permissions import ADMIN, MODERATOR, is_admin, is_suspended
from app.proposals.models import Proposal

MAX_DAYS = 3650
SUSPENSION_ACTIONS = ("user.suspend", "user.ban")


def get_user(user_id: int) -> User:
    """The account, or NotFound."""
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or user.deleted_at is not None:
        raise NotFound(gettext("No such account."))
    return user


def can_suspend(actor: Any, user: User) -> bool:
    """Moderators suspend citizens and officers; admins also moderators; nobody admins or themselves."""
    if user.id == getattr(actor, "id", None) or user.role == ADMIN:
        return False
    if user.role == MODERATOR:
        return is_admin(actor)
    return True


def _check(actor: Any, user: User) -> None:
    require_moderator(actor)
    if not can_suspend(actor, user):
        raise Forbidden(gettext("You may not suspend this account."))


def _days(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise ValidationFailed(fields={"days": [gettext("Give a number of days from 1 to %(max)d.", max=MAX_DAYS)]})
    return value


def _before(user: User) -> dict[str, Any]:
    return {"suspended_until": isoformat(user.suspended_until), "banned": user.banned_at is not None}


def suspend(actor: Any, user: User, days: Any, reason: Any) -> User:
    """Suspend an account for N days (replaces a shorter or longer running suspension)."""
    _check(actor, user)
    problems: dict[str, list] = {}
    try:
        days = _days(days)
    except ValidationFailed as exc:
        problems.update(exc.fields or {})
    try:
        reason = clean_reason(reason, required=True)
    except ValidationFailed as exc:
        problems.update(exc.fields or {})
    if problems:
        raise ValidationFailed(fields=problems)
    if user.banned_at is not None:
        raise Conflict(gettext("This account is banned; lift the ban first."))
    before = _before(user)
    user.suspended_until = utcnow() + timedelta(days=days)
    user.suspension_reason = reason
    db.session.flush()
    record(actor, "user.suspend", user, reason=reason, before=before, after={**_before(user), "days": days})
    notices.tell_user(user.id, notices.SUSPENDED, "/account", {
        "reason": reason, "until": format_datetime(user.suspended_until, "yyyy-MM-dd HH:mm"), "banned": False,
    }, actor=actor)
    return user


def ban(actor: Any, user: User, reason: Any) -> User:
    """Ban an account for good (until a moderator lifts it)."""
    _check(actor, user)
    reason = clean_reason(reason, required=True)
    if user.banned_at is not None:
        raise Conflict(gettext("This account is already banned."))
    before = _before(user)
    user.banned_at = utcnow()
    user.suspension_reason = reason
    db.session.flush()
    record(actor, "user.ban", user, reason=reason, before=before, after=_before(user))
    notices.tell_user(user.id, notices.SUSPENDED, "/account", {"reason": reason, "banned": True}, actor=actor)
    return user


def lift(actor: Any, user: User, reason: Any = None) -> User:
    """End a suspension or a ban."""
    _check(actor, user)
    reason = clean_reason(reason, required=False)
    if not is_suspended(user):
        raise Conflict(gettext("This account is neither suspended nor banned."))
    before = _before(user)
    user.suspended_until = None
    user.banned_at = None
    user.suspension_reason = None
    db.session.flush()
    record(actor, "user.lift", user, reason=reason, before=before, after=_before(user))
    notices.tell_user(user.id, notices.LIFTED, "/account", {}, actor=actor)
    return user


# --- an author's history, for the queue and the account page --------------------

def histories(user_ids: list[int]) -> dict[int, dict[str, int]]:
    """{user id: {"hidden": hidden threads and comments, "suspensions": past suspensions and bans}} in two queries."""
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    result = {user_id: {"hidden": 0, "suspensions": 0} for user_id in ids}
    if not ids:
        return result
    hidden = union_all(
        select(Proposal.author_id.label("user_id")).where(Proposal.author_id.in_(ids), Proposal.hidden_at.is_not(None)),
        select(Comment.author_id.label("user_id")).where(Comment.author_id.in_(ids), Comment.hidden_at.is_not(None)),
    ).subquery()
    for user_id, count in db.session.execute(select(hidden.c.user_id, func.count()).group_by(hidden.c.user_id)):
        result[user_id]["hidden"] = count
    for user_id, count in db.session.execute(
        select(AuditEntry.subject_user_id, func.count())
        .where(AuditEntry.subject_user_id.in_(ids), AuditEntry.action.in_(SUSPENSION_ACTIONS))
        .group_by(AuditEntry.subject_user_id)
    ):
        result[user_id]["suspensions"] = count
    return result
