"""Departments (province → city → county) and their services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 64
NAME_MAX = 100
SERVICE_CODE_MAX = 64
SERVICE_NAME_MAX = 200
GUIDE_MAX = 20_000
LEVELS = ("province", "city", "county")


class Department(db.Model):
    """A government department that answers threads and provides services."""

    __tablename__ = "departments"
    __table_args__ = (
        CheckConstraint("level IN ('province', 'city', 'county')", name="level_known"),
        CheckConstraint("ack_days >= 0 AND answer_days >= 0 AND close_days >= 0", name="deadlines_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    level: Mapped[str] = mapped_column(String(16), default="province", index=True)
    # deadlines in working days (PRODUCT.md defaults)
    ack_days: Mapped[int] = mapped_column(Integer, default=2)
    answer_days: Mapped[int] = mapped_column(Integer, default=5)
    close_days: Mapped[int] = mapped_column(Integer, default=15)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Department {self.slug}>"


class Service(db.Model):
    """A public service (事项) with its code and plain-language guide."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(SERVICE_CODE_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(SERVICE_NAME_MAX))
    guide: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Service {self.code}>"


def services_count_subquery():
    """A scalar subquery counting a department's services (for one-query lists)."""
    return (
        select(func.count(Service.id))
        .where(Service.department_id == Department.id)
        .correlate(Department)
        .scalar_subquery()
    )
