"""Callables that make test data through the real services and commit it.

Each takes the ``app`` and keyword overrides and returns the created object
(detached, with its attributes loaded), so tests read naturally:

    user = factories.user(app, role="officer", department=dept)
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

from app.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
# Functions run after each test's table cleanup (features with extra tables add theirs).
AFTER_CLEAN: list[Callable[[Any], None]] = []


def _next() -> int:
    return next(_seq)


def _committed(app, make: Callable[[], Any]) -> Any:
    with app.app_context():
        obj = make()
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
        return obj


def department(app, slug: str | None = None, name: str | None = None, **fields: Any):
    """A department (province level unless a parent is given)."""
    from app.departments.services import create_department, get_department

    n = _next()

    def make():
        parent = fields.pop("parent", None)
        parent_obj = get_department(parent.slug) if parent is not None else None
        return create_department(None, slug or f"dept-{n}", name or f"测试部门{n}", parent=parent_obj, **fields)

    return _committed(app, make)


def service(app, department, code: str | None = None, name: str | None = None, guide: str = "办理指南"):
    """A service of a department."""
    from app.departments.services import create_service, get_department

    n = _next()
    return _committed(
        app, lambda: create_service(None, get_department(department.slug), code or f"TEST-{n:05d}", name or f"测试服务{n}", guide)
    )


def user(app, username: str | None = None, role: str = "citizen", department=None, verified: bool = False, **fields: Any):
    """An account with the factories' PASSWORD."""
    from app.accounts.services import register
    from app.departments.services import get_department

    n = _next()

    def make():
        dept = get_department(department.slug) if department is not None else None
        created = register(
            username or f"{role}{n}", PASSWORD, f"{role}{n}@example.org", role=role, department=dept, verified=verified
        )
        for key, value in fields.items():
            setattr(created, key, value)
        db.session.flush()
        return created

    return _committed(app, make)


def token(app, user_obj) -> str:
    """A bearer token for an account."""
    from app.accounts.models import User
    from app.accounts.services import issue_token

    with app.app_context():
        value = issue_token(db.session.get(User, user_obj.id))
        db.session.commit()
        return value
