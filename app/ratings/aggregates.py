"""Service-quality figures of one department in a period, for the performance portrait.

Each function is one aggregate SQL query over the (department_id, time)
indexes. Ratings count when they were counted (not replaced) and were given
in ``[start, end)``; cases count when they were opened in ``[start, end)``
and not withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from app.clock import utcnow
from app.extensions import db
from app.ratings.models import OPEN, RESOLVED, UNRESOLVED, WITHDRAWN, Rating, RectificationCase


@dataclass
class RatingFigures:
    """Counted ratings of a department in a period."""

    count: int
    mean: float | None
    distribution: dict[int, int]  # {1: n, …, 5: n}


def department_ratings(department_id: int, start: datetime, end: datetime) -> RatingFigures:
    """Count, mean and the distribution of the 5 levels (one query)."""
    columns = [func.count(Rating.id), func.sum(Rating.score)] + [
        func.sum(case((Rating.score == score, 1), else_=0)) for score in range(1, 6)
    ]
    row = db.session.execute(
        select(*columns).where(
            Rating.department_id == department_id,
            Rating.created_at >= start,
            Rating.created_at < end,
            Rating.superseded_at.is_(None),
        )
    ).one()
    count = int(row[0] or 0)
    mean = round(int(row[1]) / count, 2) if count else None
    return RatingFigures(count=count, mean=mean, distribution={s: int(row[s + 1] or 0) for s in range(1, 6)})


@dataclass
class RectificationFigures:
    """Rectification cases of a department opened in a period (withdrawn ones left out)."""

    cases: int  # opened in the period
    open: int  # unanswered, deadline not passed
    overdue: int  # unanswered, deadline passed
    rectified: int  # answered (on time or late)
    rectified_on_time: int
    confirmed: int  # the rater confirmed either way
    resolved: int  # confirmed resolved
    unresolved: int  # confirmed not resolved

    @property
    def share_rectified_on_time(self) -> float | None:
        """Answered on time / cases whose deadline has passed or that were answered."""
        due = self.rectified + self.overdue
        return self.rectified_on_time / due if due else None

    @property
    def share_confirmed_resolved(self) -> float | None:
        """Confirmed resolved / confirmed."""
        return self.resolved / self.confirmed if self.confirmed else None


def department_rectifications(
    department_id: int, start: datetime, end: datetime, now: datetime | None = None
) -> RectificationFigures:
    """Every rectification figure of the period in one query."""
    now = now or utcnow()
    c = RectificationCase

    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    row = db.session.execute(
        select(
            func.count(c.id),
            count_if(and_(c.status == OPEN, c.due_at > now)),
            count_if(and_(c.status == OPEN, c.due_at <= now)),
            count_if(c.rectified_at.is_not(None)),
            count_if(c.rectified_on_time.is_(True)),
            count_if(c.confirmed_at.is_not(None)),
            count_if(c.status == RESOLVED),
            count_if(c.status == UNRESOLVED),
        ).where(
            c.department_id == department_id,
            c.opened_at >= start,
            c.opened_at < end,
            c.status != WITHDRAWN,
        )
    ).one()
    values = [int(value or 0) for value in row]
    return RectificationFigures(*values)


__all__ = ["RatingFigures", "RectificationFigures", "department_ratings", "department_rectifications"]
