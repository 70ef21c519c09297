"""Reading ratings and cases for pages and the API, each in one SQL query.

Public views mask the rater's name (张**) and personal information in
comments and notes; the raw text stays stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, and_, func, select

from app.accounts.models import User
from app.clock import utcnow
from app.departments.models import Department, Service
from app.extensions import db
from app.privacy import mask_name, mask_personal_info
from app.ratings.models import (
    PUBLIC_STATES,
    STATE_LABELS,
    WITHDRAWN,
    Rating,
    RatingWindow,
    RectificationCase,
    ServiceRatingStats,
    score_label,
    state_condition,
    state_expression,
)


def masked_rater(user: User) -> str:
    """The rater as shown publicly: first character and stars; deleted accounts say so."""
    if user.deleted_at is not None:
        return gettext("deleted user")
    return mask_name(user.username)


@dataclass
class Summary:
    """Count, mean and the count of each level (1–5) of a service's counted ratings."""

    count: int
    mean: float | None
    distribution: dict[int, int]

    @property
    def rows(self) -> list[tuple[int, str, int, int]]:
        """(score, label, count, percent) from 5 down to 1, for the bar list."""
        return [
            (score, score_label(score), n, round(100 * n / self.count) if self.count else 0)
            for score, n in sorted(self.distribution.items(), reverse=True)
        ]

    def as_json(self) -> dict:
        return {
            "count": self.count,
            "mean": self.mean,
            "distribution": {str(score): self.distribution[score] for score in (1, 2, 3, 4, 5)},
        }


EMPTY_DISTRIBUTION = {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def service_summary(service_id: int) -> Summary:
    """The stored aggregates of one service (one primary-key read)."""
    stats = db.session.get(ServiceRatingStats, service_id, populate_existing=True)
    if stats is None or not stats.count:
        return Summary(0, None, dict(EMPTY_DISTRIBUTION))
    return Summary(stats.count, stats.mean, stats.distribution)


def department_summary(department_id: int) -> Summary:
    """The stored aggregates of all of a department's services, summed (one query)."""
    s = ServiceRatingStats
    row = db.session.execute(
        select(func.sum(s.count), func.sum(s.total), func.sum(s.n1), func.sum(s.n2), func.sum(s.n3), func.sum(s.n4), func.sum(s.n5))
        .join(Service, Service.id == s.service_id)
        .where(Service.department_id == department_id)
    ).one()
    count = int(row[0] or 0)
    if not count:
        return Summary(0, None, dict(EMPTY_DISTRIBUTION))
    return Summary(count, round(int(row[1]) / count, 2), {score: int(row[score + 1] or 0) for score in range(1, 6)})


@dataclass
class CaseView:
    """A rectification case as shown publicly."""

    case: RectificationCase
    state: str
    note: str | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    def as_json(self) -> dict:
        from app.clock import isoformat

        c = self.case
        return {
            "id": c.id,
            "rating_id": c.rating_id,
            "state": self.state,
            "opened_at": isoformat(c.opened_at),
            "due_at": isoformat(c.due_at),
            "note": self.note,
            "rectified_at": isoformat(c.rectified_at),
            "rectified_on_time": c.rectified_on_time,
            "confirmed_at": isoformat(c.confirmed_at),
            "resolved": c.resolved,
            "withdrawn_at": isoformat(c.withdrawn_at),
        }


def case_view(case: RectificationCase | None, now: datetime | None = None) -> CaseView | None:
    if case is None:
        return None
    return CaseView(case=case, state=case.state(now), note=mask_personal_info(case.note) if case.note else None)


@dataclass
class RatingView:
    """A rating as shown publicly: masked rater, masked comment, no user id."""

    rating: Rating
    rater: str
    comment: str | None
    case: CaseView | None = None
    service: Service | None = None

    @property
    def label(self) -> str:
        return score_label(self.rating.score)

    def as_json(self) -> dict:
        from app.clock import isoformat

        r = self.rating
        body = {
            "id": r.id,
            "service_id": r.service_id,
            "score": r.score,
            "label": self.label,
            "comment": self.comment,
            "rater": self.rater,
            "created_at": isoformat(r.created_at),
            "counted": r.counted,
            "replaced_by": r.superseded_by_id,
            "rectification": self.case.as_json() if self.case else None,
        }
        return body


def rating_view(rating: Rating, user: User, case: RectificationCase | None = None, service: Service | None = None, now=None) -> RatingView:
    return RatingView(
        rating=rating,
        rater=masked_rater(user),
        comment=mask_personal_info(rating.comment) if rating.comment else None,
        case=case_view(case, now),
        service=service,
    )


def _ratings_select() -> Select:
    return (
        select(Rating, User, RectificationCase)
        .join(User, User.id == Rating.user_id)
        .outerjoin(RectificationCase, RectificationCase.rating_id == Rating.id)
    )


def counted_ratings_query(service_id: int) -> Select:
    """A service's counted ratings, newest first (rows: Rating, User, case or None)."""
    return (
        _ratings_select()
        .where(Rating.service_id == service_id, Rating.superseded_at.is_(None))
        .order_by(Rating.created_at.desc(), Rating.id.desc())
    )


def views(rows: Any, now: datetime | None = None) -> list[RatingView]:
    """RatingViews from (Rating, User, case) rows."""
    now = now or utcnow()
    return [rating_view(rating, user, case, now=now) for rating, user, case in rows]


def recent_ratings(service_id: int, limit: int = 5) -> list[RatingView]:
    """The newest counted ratings of a service (one query)."""
    return views(db.session.execute(counted_ratings_query(service_id).limit(limit)).all())


def rating_detail(rating_id: int) -> tuple[RatingView, Service, Department, RectificationCase | None] | None:
    """One rating with its service, department and the case it carries (one query)."""
    row = db.session.execute(
        select(Rating, User, RectificationCase, Service, Department)
        .join(User, User.id == Rating.user_id)
        .join(Service, Service.id == Rating.service_id)
        .join(Department, Department.id == Rating.department_id)
        .outerjoin(RectificationCase, RectificationCase.rating_id == Rating.id)
        .where(Rating.id == rating_id)
    ).first()
    if row is None:
        return None
    rating, user, case, service, department = row
    return rating_view(rating, user, case, service), service, department, case


@dataclass
class MyRating:
    """What the signed-in user rated last for a service, and the window's case."""

    rating: Rating
    case: CaseView | None
    window_ends_at: datetime

    @property
    def label(self) -> str:
        return score_label(self.rating.score)


def my_rating(user: Any, service_id: int) -> MyRating | None:
    """The user's current rating of a service and their window's case (one query)."""
    row = db.session.execute(
        select(Rating, RectificationCase)
        .select_from(RatingWindow)
        .join(Rating, Rating.id == RatingWindow.rating_id)
        .outerjoin(RectificationCase, RectificationCase.id == RatingWindow.case_id)
        .where(RatingWindow.service_id == service_id, RatingWindow.user_id == user.id)
    ).first()
    if row is None:
        return None
    rating, case = row
    return MyRating(rating=rating, case=case_view(case), window_ends_at=rating.window_ends_at)


def my_recent_ratings(user: Any, limit: int = 10) -> list[tuple[Rating, Service, CaseView | None]]:
    """The user's current ratings with their window's case, newest first (one query)."""
    rows = db.session.execute(
        select(Rating, Service, RectificationCase)
        .select_from(RatingWindow)
        .join(Rating, Rating.id == RatingWindow.rating_id)
        .join(Service, Service.id == RatingWindow.service_id)
        .outerjoin(RectificationCase, RectificationCase.id == RatingWindow.case_id)
        .where(RatingWindow.user_id == user.id)
        .order_by(Rating.created_at.desc())
        .limit(limit)
    ).all()
    now = utcnow()
    return [(rating, service, case_view(case, now)) for rating, service, case in rows]


# --- rectification cases -----------------------------------------------------

@dataclass
class CaseRow:
    """A case with its rating, service and department, for lists."""

    case: CaseView
    rating: RatingView
    service: Service
    department: Department


def cases_query(department_id: int | None = None, state: str | None = None, now: datetime | None = None) -> Select:
    """Cases (not withdrawn unless asked) with rating, rater, service and department; newest first."""
    now = now or utcnow()
    query = (
        select(RectificationCase, Rating, User, Service, Department)
        .join(Rating, Rating.id == RectificationCase.rating_id)
        .join(User, User.id == Rating.user_id)
        .join(Service, Service.id == RectificationCase.service_id)
        .join(Department, Department.id == RectificationCase.department_id)
    )
    if department_id is not None:
        query = query.where(RectificationCase.department_id == department_id)
    if state:
        query = query.where(state_condition(state, now))
    else:
        query = query.where(RectificationCase.status != WITHDRAWN)
    return query.order_by(RectificationCase.opened_at.desc(), RectificationCase.id.desc())


def open_cases_query(department_id: int) -> Select:
    """A department's unanswered cases, nearest deadline first."""
    return (
        select(RectificationCase, Rating, User, Service, Department)
        .join(Rating, Rating.id == RectificationCase.rating_id)
        .join(User, User.id == Rating.user_id)
        .join(Service, Service.id == RectificationCase.service_id)
        .join(Department, Department.id == RectificationCase.department_id)
        .where(RectificationCase.department_id == department_id, RectificationCase.status == "open")
        .order_by(RectificationCase.due_at, RectificationCase.id)
    )


def case_rows(rows: Any, now: datetime | None = None) -> list[CaseRow]:
    """CaseRows from (case, rating, user, service, department) rows."""
    now = now or utcnow()
    return [
        CaseRow(case=case_view(case, now), rating=rating_view(rating, user, None, service), service=service, department=department)
        for case, rating, user, service, department in rows
    ]


def state_counts(department_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many cases are in each public state (one GROUP BY query)."""
    now = now or utcnow()
    state = state_expression(now).label("state")
    query = select(state, func.count()).where(RectificationCase.status != WITHDRAWN).group_by(state)
    if department_id is not None:
        query = query.where(RectificationCase.department_id == department_id)
    counts = {name: 0 for name in PUBLIC_STATES}
    counts.update({name: n for name, n in db.session.execute(query).all()})
    return counts


def public_problem_cases(department_id: int, now: datetime | None = None, limit: int = 5) -> list[CaseRow]:
    """A department's overdue and unresolved cases, the public's warning list (one query)."""
    now = now or utcnow()
    overdue = and_(RectificationCase.status == "open", RectificationCase.due_at <= now)
    query = cases_query(department_id, None, now).where(overdue | (RectificationCase.status == "unresolved")).limit(limit)
    return case_rows(db.session.execute(query).all(), now)
