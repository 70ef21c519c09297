"""Pages: /departments, /departments/<slug>, /services, /services/<id>."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from app.departments import bp
from app.departments import services as departments
from app.departments.models import Department, Service, services_count_subquery
from app.errors import ValidationFailed
from app.extensions import db
from app.pagination import page_args, paginate
from app.sanitize import render_markdown


@bp.get("/departments")
def index():
    """Every department, grouped by level, with its number of services."""
    rows = db.session.execute(departments.departments_query().add_columns(services_count_subquery())).all()
    return render_template("departments/index.html", rows=rows)


@bp.get("/departments/<slug>")
def detail(slug: str):
    """One department: description, deadlines, services (and, later, its threads)."""
    department = departments.get_department(slug)
    services = db.session.scalars(
        select(Service).where(Service.department_id == department.id).order_by(Service.code)
    ).all()
    children = db.session.scalars(
        select(Department).where(Department.parent_id == department.id).order_by(Department.name)
    ).all()
    return render_template("departments/detail.html", department=department, services=services, children=children)


@bp.get("/services")
def services():
    """Services, filterable by department and a few words of the name or code."""
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    slug = request.args.get("department", "")
    department = db.session.scalar(select(Department).where(Department.slug == slug)) if slug else None
    q = request.args.get("q", "").strip()[:100]
    result = paginate(departments.services_query(department, q), page, per_page)
    all_departments = db.session.scalars(departments.departments_query()).all()
    return render_template(
        "services/index.html",
        page=result,
        department=department,
        q=q,
        departments=all_departments,
        args={k: v for k, v in (("department", slug), ("q", q)) if v},
    )


@bp.get("/services/<int:service_id>")
def service_detail(service_id: int):
    """One service with its plain-language guide."""
    service = departments.get_service(service_id)
    return render_template("services/detail.html", service=service, guide_html=render_markdown(service.guide))
