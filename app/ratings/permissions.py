"""Who may rate, answer a rectification case and confirm it — named predicates.

Built from ``app.permissions``; services check them before changing
anything, and templates use them to show only the forms a user may send.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from app.permissions import can_participate, is_officer_of, is_signed_in, require, require_participation


def is_own_department_service(user: Any, service: Any) -> bool:
    """An officer looking at a service of their own department."""
    return is_officer_of(user, service.department_id)


def can_rate(user: Any, service: Any) -> bool:
    """Any account that may take part, except officers of the service's department."""
    return can_participate(user) and not is_own_department_service(user, service)


def require_can_rate(user: Any, service: Any) -> None:
    """401 for visitors, 403 (with the reason) for suspended accounts and the department's officers."""
    require_participation(user)
    if is_own_department_service(user, service):
        require(False, user, gettext("Officers may not rate their own department's services."))


def can_answer(user: Any, case: Any) -> bool:
    """Officers of the department the case was opened for (not while their account is suspended)."""
    return case is not None and is_officer_of(user, case.department_id) and can_participate(user)


def require_can_answer(user: Any, case: Any) -> None:
    """401 for visitors, 403 for everyone but the case department's officers; a suspended officer learns why."""
    require(
        case is not None and is_officer_of(user, case.department_id),
        user,
        gettext("Only officers of the service's department answer this case."),
    )
    require_participation(user)


def is_rater(user: Any, rating: Any) -> bool:
    """The account that gave the rating."""
    return is_signed_in(user) and rating is not None and user.id == rating.user_id


def can_confirm(user: Any, rating: Any) -> bool:
    """The rater, while they may take part."""
    return is_rater(user, rating) and can_participate(user)


def require_can_confirm(user: Any, rating: Any) -> None:
    """401 for visitors, 403 for anyone but the rater; a suspended rater learns why."""
    require(is_rater(user, rating), user, gettext("Only the person who gave the rating confirms the rectification."))
    require_participation(user)
