"""Department and service verbs. They validate, flush and audit; never commit."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.clock import utcnow
from app.departments.models import (
    GUIDE_MAX,
    LEVELS,
    NAME_MAX,
    SERVICE_CODE_MAX,
    SERVICE_NAME_MAX,
    SLUG_MAX,
    SLUG_PATTERN,
    Department,
    Service,
)
from app.errors import NotFound, ValidationFailed
from app.events import signal
from app.extensions import db

_slug_re = re.compile(SLUG_PATTERN)
# "unsure" is what a citizen picks for a thread when they do not know the department
RESERVED_SLUGS = frozenset({"unsure"})


def get_department(slug: str) -> Department:
    """The department with this slug, or NotFound."""
    department = db.session.scalar(select(Department).where(Department.slug == slug))
    if department is None:
        raise NotFound(gettext("No department with this name."))
    return department


def department_for_field(slug: str, field: str = "department") -> Department:
    """The department a request body names by slug; an unknown slug is a field error (400)."""
    department = db.session.scalar(select(Department).where(Department.slug == slug))
    if department is None:
        raise ValidationFailed(fields={field: [gettext("No department with this name.")]})
    return department


def get_service(service_id: int) -> Service:
    """The service with this id, or NotFound."""
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound(gettext("No such service."))
    return service


def _text_problems(value: Any, *, required: bool, maximum: int) -> list[str]:
    if not isinstance(value, str):
        return [gettext("Must be text.")]
    if required and not value.strip():
        return [gettext("This field is required.")]
    if len(value) > maximum:
        return [gettext("At most %(max)d characters.", max=maximum)]
    return []


def create_department(
    actor: Any,
    slug: str,
    name: str,
    *,
    description: str = "",
    parent: Department | None = None,
    level: str | None = None,
    ack_days: int = 2,
    answer_days: int = 5,
    close_days: int = 15,
) -> Department:
    """Create a department; the slug is lowercase letters, digits and hyphens."""
    fields: dict[str, list[str]] = {}
    slug = (slug or "").strip()
    if not slug or len(slug) > SLUG_MAX or not _slug_re.match(slug):
        fields["slug"] = [gettext("Use lowercase letters, digits and single hyphens (at most %(max)d).", max=SLUG_MAX)]
    elif slug in RESERVED_SLUGS or db.session.scalar(select(Department.id).where(Department.slug == slug)) is not None:
        fields["slug"] = [gettext("This slug is taken.")]
    if problems := _text_problems(name, required=True, maximum=NAME_MAX):
        fields["name"] = problems
    if problems := _text_problems(description, required=False, maximum=GUIDE_MAX):
        fields["description"] = problems
    if level is None:
        level = "city" if parent is not None else "province"
    if level not in LEVELS:
        fields["level"] = [gettext("Level is one of province, city, county.")]
    for key, value in (("ack_days", ack_days), ("answer_days", answer_days), ("close_days", close_days)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
            fields[key] = [gettext("A whole number of working days from 0 to 365.")]
    if fields:
        raise ValidationFailed(fields=fields)
    department = Department(
        slug=slug,
        name=name.strip(),
        description=description.strip(),
        parent_id=parent.id if parent else None,
        level=level,
        ack_days=ack_days,
        answer_days=answer_days,
        close_days=close_days,
        created_at=utcnow(),
    )
    db.session.add(department)
    db.session.flush()
    record(actor, "department.create", department, after={"slug": slug, "name": department.name})
    return department


def create_service(actor: Any, department: Department, code: str, name: str, guide: str = "") -> Service:
    """Create a service of a department; codes are unique."""
    fields: dict[str, list[str]] = {}
    if problems := _text_problems(code, required=True, maximum=SERVICE_CODE_MAX):
        fields["code"] = problems
    elif db.session.scalar(select(Service.id).where(Service.code == code.strip())) is not None:
        fields["code"] = [gettext("A service with this code exists.")]
    if problems := _text_problems(name, required=True, maximum=SERVICE_NAME_MAX):
        fields["name"] = problems
    if problems := _text_problems(guide, required=False, maximum=GUIDE_MAX):
        fields["guide"] = problems
    if fields:
        raise ValidationFailed(fields=fields)
    service = Service(
        department_id=department.id,
        code=code.strip(),
        name=name.strip(),
        guide=guide.strip(),
        created_at=utcnow(),
    )
    db.session.add(service)
    db.session.flush()
    record(actor, "service.create", service, after={"code": service.code, "department": department.slug})
    signal("service.created").send(service, actor=actor)  # sender: the flushed Service; actor: who created it
    return service


def departments_query() -> Select:
    """All departments, province first, then by name."""
    level_order = case({"province": 0, "city": 1, "county": 2}, value=Department.level, else_=3)
    return select(Department).options(selectinload(Department.parent)).order_by(level_order, Department.name)


def services_query(department: Department | None = None, q: str | None = None) -> Select:
    """Services, optionally of one department and matching q in code or name."""
    query = select(Service).order_by(Service.code)
    if department is not None:
        query = query.where(Service.department_id == department.id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Service.name.like(pattern), Service.code.like(pattern)))
    return query
