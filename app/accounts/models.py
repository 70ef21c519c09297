"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.departments.models import Department

USERNAME_MIN = 3
USERNAME_MAX = 32
PASSWORD_MIN = 8
PASSWORD_MAX = 256
EMAIL_MAX = 254
DELETED_NAME = "deleted user"


class User(UserMixin, db.Model):
    """An account: citizen, officer (of one department), moderator or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('citizen', 'officer', 'moderator', 'admin')", name="role_known"),
        CheckConstraint("role <> 'officer' OR department_id IS NOT NULL", name="officer_has_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    # casefolded username: uniqueness ignores case
    username_key: Mapped[str] = mapped_column(String(4 * USERNAME_MAX), unique=True)
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="citizen", index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # trust: posts a moderator approved or that were published directly
    approved_posts: Mapped[int] = mapped_column(Integer, default=0)
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    banned_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(lazy="joined", innerjoin=False)

    @property
    def display_name(self) -> str:
        """The name shown publicly; deleted accounts show "deleted user"."""
        return DELETED_NAME if self.deleted_at else self.username

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot sign in
        return self.deleted_at is None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


