"""Comments under any commentable object (threads, innovation cases …) and their revisions.

Nesting is stored as a materialised path: ``path`` is the zero-padded ids
from the top-level comment down to this one ("0000000012/0000000045"), so
ordering a target's comments by ``path`` gives them in reading order
(each reply right under its parent, siblings oldest first) in one query.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.content import Hideable
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

BODY_MIN, BODY_MAX = 1, 5_000
MAX_DEPTH = 3
EDIT_WINDOW_SECONDS = 15 * 60
ID_WIDTH = 10  # digits of each id in ``path``
TARGET_TYPE_MAX = 16

PENDING = "pending"
PUBLISHED = "published"
STATUSES = (PENDING, PUBLISHED)


def path_segment(comment_id: int) -> str:
    """One id of a path, zero-padded so that text order is numeric order."""
    return f"{comment_id:0{ID_WIDTH}d}"


class Comment(Hideable, db.Model):
    """One comment; ``status`` pending (waiting for a moderator) or published.

    Deleting leaves a tombstone (``deleted_at``) so that replies keep their
    place; hiding (``Hideable``) shows the moderator's public reason instead.
    """

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'published')", name="status_known"),
        CheckConstraint("depth BETWEEN 1 AND 3", name="depth_range"),
        # a target's comments in reading order (the thread page: one range scan)
        Index("ix_comments_target_path", "target_type", "target_id", "path"),
        # rate limits: an author's comments of the last hour
        Index("ix_comments_author_created", "author_id", "created_at"),
        # the review queue: pending comments, oldest first
        Index("ix_comments_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(TARGET_TYPE_MAX))
    target_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(MAX_DEPTH * (ID_WIDTH + 1)), default="")
    depth: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # the Markdown as written (moderators see it) and its public rendering (masked)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED)
    # what the content policy said (new_account, banned_words, personal_info)
    review_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    revisions_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")

    audit_type = "comment"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status == PENDING

    @property
    def edited(self) -> bool:
        return self.revisions_count > 1

    @property
    def is_visible(self) -> bool:
        """Shown to the public with its text (counted in the target's ``comments_count``)."""
        return self.status == PUBLISHED and self.hidden_at is None and self.deleted_at is None

    @property
    def api_status(self) -> str:
        """deleted, hidden, pending or published (in that order of precedence)."""
        if self.deleted_at is not None:
            return "deleted"
        if self.hidden_at is not None:
            return "hidden"
        return self.status

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.target_type} {self.target_id} {self.api_status}>"


class CommentRevision(db.Model):
    """Every version of a comment, the first included (shown as its history)."""

    __tablename__ = "comment_revisions"
    __table_args__ = (UniqueConstraint("comment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
