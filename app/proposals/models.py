"""Proposal threads, their supports, timeline, official answers, ratings,
department stints (assignments) and deadline extensions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.content import Hideable, Lockable, Pinnable
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.departments.models import Department, Service

KINDS = ("suggestion", "complaint", "question", "praise")
TITLE_MIN, TITLE_MAX = 5, 120
BODY_MIN, BODY_MAX = 10, 20_000
CONTACT_MAX = 200
NOTE_MAX = 2_000
ANSWER_MAX = 20_000
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
EXTENSION_STATES = ("requested", "approved", "refused")
UNSURE = "unsure"  # the department value of a citizen who does not know


class Proposal(Hideable, Lockable, Pinnable, db.Model):
    """A thread raised by a citizen with a department (or none yet, for moderators to route)."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("kind IN ('suggestion', 'complaint', 'question', 'praise')", name="kind_known"),
        CheckConstraint("supports_count >= 0", name="supports_not_negative"),
        # the list's filters and sorts (see queries.list_page): each filter with the default sort,
        # the department page with every sort, and the pinned threads that come first
        Index("ix_proposals_status_created", "status", "created_at"),
        Index("ix_proposals_department_created", "department_id", "created_at"),
        Index("ix_proposals_service_created", "service_id", "created_at"),
        Index("ix_proposals_kind_created", "kind", "created_at"),
        Index("ix_proposals_department_supports", "department_id", "supports_count"),
        Index("ix_proposals_department_activity", "department_id", "last_activity_at"),
        Index("ix_proposals_department_due", "department_id", "next_due_at"),
        # partial: only the few pinned threads, so "pinned_at IS NULL" never picks it
        Index("ix_proposals_pinned", "pinned_at", sqlite_where=text("pinned_at IS NOT NULL"),
              postgresql_where=text("pinned_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    # the public rendering: Markdown of the masked body, computed when written
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    # private: only the assigned department's officers and moderators see it
    contact: Mapped[str | None] = mapped_column(String(CONTACT_MAX))
    # what the content policy flagged (e.g. ["personal_info"]) for the moderation queue
    review_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    supports_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    # publicly visible comments (app.comments keeps it in step, in the same transaction)
    comments_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"), index=True)
    escalated_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # deadlines of the department holding the thread (working days)
    ack_due_at: Mapped[datetime | None]
    answer_due_at: Mapped[datetime | None]
    close_due_at: Mapped[datetime | None]
    # the deadline of the next pending milestone; NULL when nothing is pending
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")

    audit_type = "proposal"

    def overdue_at(self, now: datetime) -> bool:
        """True when the next pending deadline has passed."""
        return self.next_due_at is not None and self.next_due_at < now

    @property
    def overdue(self) -> bool:
        return self.overdue_at(utcnow())

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def is_published(self) -> bool:
        return self.status != "pending_review"

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.status}>"


class Support(db.Model):
    """One citizen's support of one thread (withdrawable)."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalEvent(db.Model):
    """One entry of a thread's public timeline."""

    __tablename__ = "proposal_events"
    __table_args__ = (Index("ix_proposal_events_proposal_created", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # the department the actor acted for (officers), or the one the event concerns
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class OfficialAnswer(db.Model):
    """An answer posted by an officer as the department; edits are kept as revisions."""

    __tablename__ = "official_answers"
    __table_args__ = (Index("ix_official_answers_proposal_created", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    revisions_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(lazy="joined")
    revisions: Mapped[list[AnswerRevision]] = relationship(
        order_by="AnswerRevision.number", lazy="raise", back_populates="answer"
    )
    rating: Mapped[AnswerRating | None] = relationship(lazy="raise", uselist=False, back_populates="answer")

    audit_type = "official_answer"

    @property
    def edited(self) -> bool:
        return self.revisions_count > 1


class AnswerRevision(db.Model):
    """Every version of an official answer, the first included."""

    __tablename__ = "answer_revisions"
    __table_args__ = (UniqueConstraint("answer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("official_answers.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[OfficialAnswer] = relationship(back_populates="revisions")


class AnswerRating(db.Model):
    """The author's rating of one official answer (once per answer)."""

    __tablename__ = "answer_ratings"
    __table_args__ = (
        UniqueConstraint("answer_id"),
        CheckConstraint("rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')", name="rating_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("official_answers.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    rating: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[OfficialAnswer] = relationship(back_populates="rating")


class Assignment(db.Model):
    """A stint: the time one department held a thread, with its own deadlines.

    The portrait charges each department only for its stints. ``*_missed`` is
    None while the milestone is pending in this stint, then True or False.
    """

    __tablename__ = "proposal_assignments"
    __table_args__ = (
        Index("ix_proposal_assignments_proposal_started", "proposal_id", "started_at"),
        Index("ix_proposal_assignments_department_started", "department_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # transferred, sent_back, rerouted, reopened, merged
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ack_due_at: Mapped[datetime | None]
    answer_due_at: Mapped[datetime | None]
    close_due_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    first_answer_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    ack_missed: Mapped[bool | None]
    answer_missed: Mapped[bool | None]
    close_missed: Mapped[bool | None]

    department: Mapped[Department] = relationship(lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class Extension(db.Model):
    """An officer's request for a later deadline, and a moderator's decision."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'approved', 'refused')", name="status_known"),
        Index("ix_deadline_extensions_status_created", "status", "created_at"),
        Index("ix_deadline_extensions_proposal", "proposal_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    milestone: Mapped[str] = mapped_column(String(16))  # acknowledge, answer, close
    previous_due_at: Mapped[datetime]
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")

    audit_type = "extension"
