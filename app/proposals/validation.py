"""Checking the fields of threads, notes and answers; problems are collected per field."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.departments.models import Department, Service
from app.extensions import db
from app.proposals.models import UNSURE


class Problems(dict):
    """Field name → list of problems."""

    def add(self, name: str, problem: str) -> None:
        self.setdefault(name, []).append(problem)


def text(problems: Problems, name: str, value: Any, *, minimum: int = 0, maximum: int, required: bool = True) -> str | None:
    """A trimmed string of ``minimum``–``maximum`` characters (None when empty and optional)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add(name, gettext("Must be text."))
        return None
    value = value.strip()
    if not value:
        if required:
            problems.add(name, gettext("This field is required."))
        return None
    if len(value) < minimum:
        problems.add(name, gettext("At least %(min)d characters.", min=minimum))
    elif len(value) > maximum:
        problems.add(name, gettext("At most %(max)d characters.", max=maximum))
    return value


def department(problems: Problems, value: Any, *, allow_unsure: bool = True) -> tuple[bool, Department | None]:
    """The department named by slug; ``unsure`` is (True, None). (False, None) when invalid."""
    if not isinstance(value, str) or not value.strip():
        problems.add("department", gettext("Please choose a department, or “not sure”."))
        return False, None
    slug = value.strip()
    if slug == UNSURE:
        if allow_unsure:
            return True, None
        problems.add("department", gettext("Please choose a department."))
        return False, None
    found = db.session.scalar(select(Department).where(Department.slug == slug))
    if found is None:
        problems.add("department", gettext("No department with this name."))
        return False, None
    return True, found


def service(problems: Problems, value: Any, dept: Department | None, dept_ok: bool) -> Service | None:
    """An optional service, which must belong to the chosen department."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        problems.add("service", gettext("No such service."))
        return None
    found = db.session.get(Service, value)
    if found is None:
        problems.add("service", gettext("No such service."))
        return None
    if dept_ok and dept is None:
        problems.add("service", gettext("Choose the service's department, or leave the service empty."))
        return None
    if dept is not None and found.department_id != dept.id:
        problems.add("service", gettext("This service does not belong to the chosen department."))
        return None
    return found
