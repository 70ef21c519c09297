"""Flags, appeals and the banned-word list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db

TARGET_TYPES = ("proposal", "comment", "case")
REASONS = ("spam", "abuse", "off_topic", "personal_info", "illegal", "other")
NOTE_MAX = 500
APPEAL_MAX = 2_000
REASON_MAX = 500
PATTERN_MAX = 100
UPHELD = "upheld"
DISMISSED = "dismissed"
APPEAL_PENDING = "pending"
APPEAL_UPHELD = "upheld"
APPEAL_RESTORED = "restored"


class Flag(db.Model):
    """One account's flag on one item, or a system flag (``user_id`` NULL) from the content policy.

    One flag per account and item, settled by the unique constraint. A flag
    is open until a moderator decides on the item (``resolution`` upheld when
    it was hidden, dismissed when it stayed).
    """

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id"),
        CheckConstraint(
            "reason IN ('spam', 'abuse', 'off_topic', 'personal_info', 'illegal', 'other')", name="reason_known"
        ),
        # the queue: open flags, newest first
        Index("ix_flags_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(16))

    @property
    def is_system(self) -> bool:
        return self.user_id is None


class Appeal(db.Model):
    """An author's appeal against the hiding of their item: once per item."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id"),
        CheckConstraint("status IN ('pending', 'upheld', 'restored')", name="status_known"),
        Index("ix_appeals_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # the public reason the item was hidden with, when the appeal was made
    hidden_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    status: Mapped[str] = mapped_column(String(16), default=APPEAL_PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    audit_type = "appeal"


class BannedWord(db.Model):
    """A word or regular expression moderators banned: matching posts wait for review."""

    __tablename__ = "banned_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(PATTERN_MAX), unique=True)
    is_regex: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    audit_type = "banned_word"
