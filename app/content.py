"""Columns shared by user content that moderators act on.

Threads, comments and innovation cases mix these in, so the moderation
feature can hide, restore, lock and pin any of them the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

HIDE_REASON_MAX = 500


class Hideable:
    """Hidden by a moderator (public reason shown in place of the content) or by flags."""

    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(HIDE_REASON_MAX))
    # True when three flags hid it automatically, pending a moderator's decision
    hidden_by_flags: Mapped[bool] = mapped_column(default=False)
    flags_count: Mapped[int] = mapped_column(Integer, default=0)

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def public_hidden_reason(self) -> str:
        """What the public reads in place of hidden content: the moderator's reason (masked),
        or a fixed sentence while three flags hold it for review."""
        from flask_babel import gettext

        from app.privacy import mask_personal_info

        if self.hidden_by_flags:
            return gettext("Temporarily hidden after several flags, pending review.")
        return mask_personal_info(self.hidden_reason or "") or "-"


class Lockable:
    """Locked content refuses new comments."""

    locked_at: Mapped[datetime | None]

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Pinnable:
    """Pinned content is listed first."""

    pinned_at: Mapped[datetime | None]
