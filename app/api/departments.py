"""/departments: list, one, create (admin)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select

from app.api import bp
from app.api.openapi import PAGE_PARAMS, component, integer, nullable, obj, page_of, spec, string
from app.api.payload import Payload
from app.departments import services as departments
from app.departments.models import LEVELS, Department, Service
from app.extensions import db
from app.pagination import page_args, paginate
from app.permissions import is_admin, require

DEPARTMENT_SUMMARY = component(
    "DepartmentSummary",
    obj(["id", "slug", "name"], id=integer(), slug=string(), name=string(), level=string(), parent=nullable(string())),
)
DEPARTMENT = component(
    "Department",
    obj(
        ["id", "slug", "name", "description", "services_count"],
        id=integer(),
        slug=string(),
        name=string(),
        description=string(),
        services_count=integer(),
        level=string(enum=list(LEVELS)),
        parent=nullable(string()),
        deadlines=obj(ack_days=integer(), answer_days=integer(), close_days=integer()),
    ),
)


def department_summary_json(department: Department) -> dict:
    """A department in lists."""
    return {
        "id": department.id,
        "slug": department.slug,
        "name": department.name,
        "level": department.level,
        "parent": department.parent.slug if department.parent is not None else None,
    }


def department_json(department: Department, services_count: int) -> dict:
    """One department in full."""
    return {
        **department_summary_json(department),
        "description": department.description,
        "services_count": services_count,
        "deadlines": {
            "ack_days": department.ack_days,
            "answer_days": department.answer_days,
            "close_days": department.close_days,
        },
    }


@bp.get("/departments")
@spec("All departments", tag="departments", params=PAGE_PARAMS, responses={200: page_of(DEPARTMENT_SUMMARY)})
def list_departments():
    """Departments, province first."""
    page, per_page = page_args(request.args)
    result = paginate(departments.departments_query(), page, per_page)
    items = [department_summary_json(department) for department in result.items]
    return jsonify({"items": items, "page": result.page, "per_page": result.per_page, "total": result.total})


@bp.get("/departments/<slug>")
@spec("One department", tag="departments", responses={200: DEPARTMENT})
def get_department(slug: str):
    """A department with its service count."""
    department = departments.get_department(slug)
    count = db.session.scalar(select(func.count(Service.id)).where(Service.department_id == department.id)) or 0
    return jsonify(department_json(department, count))


@bp.post("/departments")
@spec(
    "Create a department (admin)",
    tag="departments",
    auth=True,
    body=obj(
        ["slug", "name"],
        slug=string(1, 64, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
        name=string(1, 100),
        description=string(),
        parent=string(description="slug of the parent department"),
        level=string(enum=list(LEVELS)),
        ack_days=integer(minimum=0, maximum=365),
        answer_days=integer(minimum=0, maximum=365),
        close_days=integer(minimum=0, maximum=365),
    ),
    responses={201: obj(["department"], department=DEPARTMENT)},
    errors=(403,),
)
def create_department():
    """Create a department."""
    require(is_admin(current_user), current_user)
    payload = Payload()
    slug = payload.string("slug")
    name = payload.string("name")
    description = payload.string("description", required=False, default="")
    parent_slug = payload.string("parent", required=False)
    level = payload.choice("level", LEVELS, required=False)
    deadlines = {
        key: payload.integer(key, required=False, default=default)
        for key, default in (("ack_days", 2), ("answer_days", 5), ("close_days", 15))
    }
    payload.check()
    parent = departments.department_for_field(parent_slug, "parent") if parent_slug else None
    department = departments.create_department(
        current_user, slug, name, description=description, parent=parent, level=level, **deadlines
    )
    return jsonify({"department": department_json(department, 0)}), 201
