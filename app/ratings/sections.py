"""Sections this feature adds to other pages: the service page (distribution,
recent ratings, the form), the department page (quality and the public
warning list) and the account page (my ratings, an officer's open cases).

Each section runs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.permissions import is_officer, is_officer_of, is_signed_in
from app.ratings import queries
from app.ratings.forms import RatingForm
from app.ratings.models import OPEN, PUBLIC_STATES, STATE_LABELS, RectificationCase
from app.ratings.permissions import can_rate, is_own_department_service
from app.sections import Section, register_section

RECENT_ON_SERVICE_PAGE = 5


@register_section("service", order=20)
def service_ratings(service) -> Section:
    """Distribution, mean, count, recent ratings; the rating form and the user's last rating."""
    signed_in = is_signed_in(current_user)
    return Section(
        "ratings/_service_section.html",
        {
            "service": service,
            "summary": queries.service_summary(service.id),
            "recent": queries.recent_ratings(service.id, RECENT_ON_SERVICE_PAGE),
            "mine": queries.my_rating(current_user, service.id) if signed_in else None,
            "form": RatingForm(formdata=None) if can_rate(current_user, service) else None,
            "own_department": is_own_department_service(current_user, service),
        },
    )


@register_section("department", order=30)
def department_quality(department) -> Section:
    """Mean rating of the department's services, cases per state, overdue and unresolved cases."""
    return Section(
        "ratings/_department_section.html",
        {
            "department": department,
            "summary": queries.department_summary(department.id),
            "counts": queries.state_counts(department.id),
            "problems": queries.public_problem_cases(department.id),
            "states": [(state, STATE_LABELS[state]) for state in PUBLIC_STATES],
            "is_officer_here": is_officer_of(current_user, department.id),
        },
    )


@register_section("account", order=30)
def my_ratings(user) -> Section:
    """The user's current ratings with their cases; officers also see their open cases."""
    open_cases = None
    if is_officer(user):
        open_cases = db.session.scalar(
            select(func.count(RectificationCase.id)).where(
                RectificationCase.department_id == user.department_id, RectificationCase.status == OPEN
            )
        )
    return Section("ratings/_account_section.html", {"my_ratings": queries.my_recent_ratings(user), "open_cases": open_cases})
