"""Named permission predicates shared by every feature.

Each predicate takes the acting user (possibly anonymous) and answers one
question. Views and services check them before changing anything; templates
get them as globals to hide what a user may not do. Feature-specific rules
("may answer this thread") are built from these in the feature's own
module, never as ad-hoc role comparisons.
"""

from __future__ import annotations

from typing import Any, Callable

from app.clock import utcnow
from app.errors import Forbidden, NotAuthenticated

CITIZEN = "citizen"
OFFICER = "officer"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (CITIZEN, OFFICER, MODERATOR, ADMIN)


def is_signed_in(user: Any) -> bool:
    """A real, signed-in, not deleted account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and not getattr(user, "deleted_at", None))


def is_admin(user: Any) -> bool:
    """Platform operators."""
    return is_signed_in(user) and user.role == ADMIN


def is_moderator(user: Any) -> bool:
    """Community curators; admins may do everything moderators may."""
    return is_signed_in(user) and user.role in (MODERATOR, ADMIN)


def is_officer(user: Any) -> bool:
    """Staff of a department."""
    return is_signed_in(user) and user.role == OFFICER and user.department_id is not None


def is_officer_of(user: Any, department_id: int | None) -> bool:
    """Staff of exactly this department (an officer of A never acts for B)."""
    return department_id is not None and is_officer(user) and user.department_id == department_id


def is_suspended(user: Any) -> bool:
    """Banned, or suspended until a moment still in the future."""
    if not is_signed_in(user):
        return False
    if user.banned_at is not None:
        return True
    return user.suspended_until is not None and user.suspended_until > utcnow()


def can_participate(user: Any) -> bool:
    """May post, comment, support, vote, rate and flag: signed in and not suspended."""
    return is_signed_in(user) and not is_suspended(user)


def is_verified(user: Any) -> bool:
    """Real-name verified (set by an admin or the CLI)."""
    return is_signed_in(user) and bool(user.verified)


def require_signed_in(user: Any) -> None:
    """Raise NotAuthenticated unless signed in."""
    if not is_signed_in(user):
        raise NotAuthenticated()


def require(allowed: bool, user: Any, message: Any = None) -> None:
    """Raise NotAuthenticated for anonymous users and Forbidden for the rest unless allowed."""
    if allowed:
        return
    if not is_signed_in(user):
        raise NotAuthenticated()
    raise Forbidden(message)


def require_participation(user: Any) -> None:
    """Raise unless the user may take part; a suspended user learns why and until when."""
    require_signed_in(user)
    if is_suspended(user):
        raise Forbidden(suspension_message(user), code="suspended")


def suspension_message(user: Any) -> str:
    """The sentence a suspended or banned account sees."""
    from flask_babel import format_datetime, gettext

    if user.banned_at is not None:
        return gettext("Your account is banned. Reason: %(reason)s", reason=user.suspension_reason or "-")
    return gettext(
        "Your account is suspended until %(until)s. Reason: %(reason)s",
        until=format_datetime(user.suspended_until, "yyyy-MM-dd HH:mm"),
        reason=user.suspension_reason or "-",
    )


def template_predicates() -> dict[str, Callable[..., bool]]:
    """The predicates exposed to Jinja."""
    return {
        "is_signed_in": is_signed_in,
        "is_admin": is_admin,
        "is_moderator": is_moderator,
        "is_officer": is_officer,
        "is_officer_of": is_officer_of,
        "can_participate": can_participate,
    }


__all__ = [
    "ROLES", "CITIZEN", "OFFICER", "MODERATOR", "ADMIN",
    "is_signed_in", "is_admin", "is_moderator", "is_officer", "is_officer_of", "is_suspended",
    "can_participate", "is_verified", "require", "require_signed_in", "require_participation",
    "suspension_message", "template_predicates",
]
