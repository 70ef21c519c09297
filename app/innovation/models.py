"""Innovation cases (创新案例) and their tags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.content import Hideable, Lockable
from app.extensions import db
from app.privacy import mask_personal_info

if TYPE_CHECKING:
    from app.departments.models import Department

TITLE_MAX = 120
SUMMARY_MAX = 500
BODY_MAX = 20_000
TAG_MAX = 20
TAGS_MAX = 5
REASON_MAX = 500

DRAFT = "draft"
SUBMITTED = "submitted"
PUBLISHED = "published"
REJECTED = "rejected"
STATUSES = (DRAFT, SUBMITTED, PUBLISHED, REJECTED)
# states in which the department may still edit the case
EDITABLE = (DRAFT, REJECTED)


class InnovationCase(Hideable, Lockable, db.Model):
    """A department's innovation case: draft → submitted → published or rejected."""

    __tablename__ = "cases"
    audit_type = "case"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'published', 'rejected')", name="status_known"),
        Index("ix_cases_status_published_at", "status", "published_at"),
        Index("ix_cases_department_id_status", "department_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    # the Markdown as written (seen by the department and moderators) ...
    body: Mapped[str] = mapped_column(Text)
    # ... and the safe HTML of its masked text, shown publicly
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    rejection_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    # publicly visible comments (app.comments keeps it in step, in the same transaction)
    comments_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
    tags: Mapped[list[CaseTag]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CaseTag.tag", back_populates="case"
    )

    @property
    def tag_names(self) -> list[str]:
        """The case's tags, sorted."""
        return sorted(tag.tag for tag in self.tags)

    @property
    def display_title(self) -> str:
        """The title with personal information masked (for public display)."""
        return mask_personal_info(self.title)

    @property
    def display_summary(self) -> str:
        """The summary with personal information masked (for public display)."""
        return mask_personal_info(self.summary)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def is_public(self) -> bool:
        """Published and not hidden: listed in the gallery and eligible for ballots."""
        return self.status == PUBLISHED and self.hidden_at is None

    def __repr__(self) -> str:
        return f"<InnovationCase {self.id} {self.status}>"


class CaseTag(db.Model):
    """One normalised tag of a case (lowercase, NFKC, no spaces)."""

    __tablename__ = "case_tags"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True, index=True)

    case: Mapped[InnovationCase] = relationship(back_populates="tags")
