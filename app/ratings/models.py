"""Ratings of services, the stored aggregates, the rating windows and rectification cases.

- ``Rating``: one citizen's score (1–5) of one service, with an optional
  comment. A rating that a later one replaced inside the 30-day window is
  kept for history with ``superseded_at`` set; only ratings with
  ``superseded_at IS NULL`` count.
- ``RatingWindow``: one row per (service, citizen) pointing at the current
  rating, the start of its 30-day window and the window's rectification
  case. It is the row the database locks, so two submissions at the same
  moment are settled one after the other.
- ``ServiceRatingStats``: count, sum and the count of each level per
  service, moved in the same transaction as every rating, so pages read one
  row instead of counting.
- ``RectificationCase`` (整改): opened by a rating of 1 or 2 for the
  service's department, answered by an officer with a note, confirmed by the
  rater (回访).

For the department portrait, ratings and cases carry the department they
were charged to when created, and are indexed by (department_id, time), so
"a department in a period" is one aggregate query (see ``aggregates.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, and_, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.clock import utcnow
from app.departments.models import Department, Service
from app.extensions import db

SCORES = (5, 4, 3, 2, 1)
SCORE_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Basically satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
BAD_SCORES = (1, 2)
COMMENT_MAX = 1000
NOTE_MAX = 5000
WINDOW = timedelta(days=30)
RECTIFICATION_WORKING_DAYS = 15

# Stored states of a case; "overdue" is an open case past its deadline (computed).
OPEN = "open"
RECTIFIED = "rectified"
RESOLVED = "resolved"
UNRESOLVED = "unresolved"
WITHDRAWN = "withdrawn"
OVERDUE = "overdue"
STATUSES = (OPEN, RECTIFIED, RESOLVED, UNRESOLVED, WITHDRAWN)
PUBLIC_STATES = (OPEN, OVERDUE, RECTIFIED, RESOLVED, UNRESOLVED)
STATE_LABELS = {
    OPEN: _l("Open"),
    OVERDUE: _l("Overdue"),
    RECTIFIED: _l("Rectified, awaiting confirmation"),
    RESOLVED: _l("Confirmed resolved"),
    UNRESOLVED: _l("Confirmed not resolved"),
    WITHDRAWN: _l("Withdrawn (rating improved)"),
}


def score_label(score: int) -> str:
    """The translated name of a level (5 非常满意 … 1 非常不满意)."""
    return str(SCORE_LABELS.get(score, score))


class Rating(db.Model):
    """One citizen's rating of one service."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        Index("ix_ratings_department_created", "department_id", "created_at"),
        Index("ix_ratings_service_created", "service_id", "created_at"),
        Index("ix_ratings_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    # the department the service belonged to when rated: the portrait charges it
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)  # raw; masked and escaped on display
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the start of the 30-day window this rating belongs to (kept by replacements)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")

    @property
    def counted(self) -> bool:
        """True unless a later rating in the same window replaced it."""
        return self.superseded_at is None

    @property
    def label(self) -> str:
        return score_label(self.score)

    @property
    def window_ends_at(self) -> datetime:
        """The moment after which a new rating counts as a new one."""
        return self.window_started_at + WINDOW

    def __repr__(self) -> str:
        return f"<Rating {self.id} service={self.service_id} user={self.user_id} score={self.score}>"


class RatingWindow(db.Model):
    """The current rating of one citizen for one service, and its 30-day window.

    One row per (service, user), created with the first rating and locked
    (``SELECT … FOR UPDATE``) by every later one.
    """

    __tablename__ = "rating_windows"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None]
    # the rectification case of this window (at most one live case per window)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_cases.id", ondelete="SET NULL"))


class ServiceRatingStats(db.Model):
    """Counted ratings of one service: count, sum and count per level."""

    __tablename__ = "service_rating_stats"
    __table_args__ = (
        CheckConstraint(
            "count >= 0 AND n1 >= 0 AND n2 >= 0 AND n3 >= 0 AND n4 >= 0 AND n5 >= 0", name="not_negative"
        ),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    n1: Mapped[int] = mapped_column(Integer, default=0)
    n2: Mapped[int] = mapped_column(Integer, default=0)
    n3: Mapped[int] = mapped_column(Integer, default=0)
    n4: Mapped[int] = mapped_column(Integer, default=0)
    n5: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def mean(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None

    @property
    def distribution(self) -> dict[int, int]:
        return {score: getattr(self, f"n{score}") for score in (1, 2, 3, 4, 5)}


class RectificationCase(db.Model):
    """A bad rating's rectification (整改) by the department and the rater's confirmation (回访)."""

    __tablename__ = "rectification_cases"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'rectified', 'resolved', 'unresolved', 'withdrawn')", name="status_known"),
        Index("ix_rectification_cases_department_opened", "department_id", "opened_at"),
        Index("ix_rectification_cases_status_due", "status", "due_at"),
        Index("ix_rectification_cases_opened", "opened_at"),
    )
    audit_type = "rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the rating the case answers; an unanswered case follows its window's newest bad rating
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)  # the rater
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)  # the department's rectification note
    rectified_at: Mapped[datetime | None]
    rectified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rectified_on_time: Mapped[bool | None] = mapped_column(Boolean)
    confirmed_at: Mapped[datetime | None]
    resolved: Mapped[bool | None] = mapped_column(Boolean)
    withdrawn_at: Mapped[datetime | None]

    rating: Mapped[Rating] = relationship(lazy="raise")
    department: Mapped[Department] = relationship(lazy="raise")

    def state(self, now: datetime | None = None) -> str:
        """open, overdue, rectified, resolved, unresolved or withdrawn."""
        if self.status == OPEN and self.due_at <= (now or utcnow()):
            return OVERDUE
        return self.status

    @property
    def answerable(self) -> bool:
        """Waiting for the department's note (open or overdue)."""
        return self.status == OPEN

    @property
    def confirmable(self) -> bool:
        """Answered, waiting for the rater's confirmation."""
        return self.status == RECTIFIED


def state_condition(state: str, now: datetime):
    """A SQL condition selecting cases in one public state at ``now``."""
    if state == OPEN:
        return and_(RectificationCase.status == OPEN, RectificationCase.due_at > now)
    if state == OVERDUE:
        return and_(RectificationCase.status == OPEN, RectificationCase.due_at <= now)
    return RectificationCase.status == state


def state_expression(now: datetime):
    """A SQL expression giving each case's public state at ``now`` (for GROUP BY)."""
    return case(
        (and_(RectificationCase.status == OPEN, RectificationCase.due_at <= now), OVERDUE),
        else_=RectificationCase.status,
    )
