"""Who may do what with innovation cases (named predicates, also used by templates)."""

from __future__ import annotations

from typing import Any

from app.innovation.models import EDITABLE, PUBLISHED
from app.permissions import can_participate, is_moderator, is_officer, is_officer_of


def can_submit_case(user: Any) -> bool:
    """Officers (not suspended) submit cases for their own department."""
    return is_officer(user) and can_participate(user)


def can_work_on_case(user: Any, case: Any) -> bool:
    """Officers of the case's department see and manage its unpublished versions."""
    return is_officer_of(user, case.department_id) and can_participate(user)


def can_edit_case(user: Any, case: Any) -> bool:
    """Officers of the case's department edit it while it is a draft or was rejected."""
    return can_work_on_case(user, case) and case.status in EDITABLE


def can_review_cases(user: Any) -> bool:
    """Moderators publish or reject submitted cases."""
    return is_moderator(user)


def can_view_case(user: Any, case: Any) -> bool:
    """Published cases are public (hidden ones show their reason); the rest are for the department and moderators."""
    return case.status == PUBLISHED or is_officer_of(user, case.department_id) or is_moderator(user)


def template_predicates() -> dict[str, Any]:
    """The predicates exposed to Jinja."""
    return {
        "can_submit_case": can_submit_case,
        "can_edit_case": can_edit_case,
        "can_work_on_case": can_work_on_case,
        "can_review_cases": can_review_cases,
    }
