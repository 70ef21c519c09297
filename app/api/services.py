"""/services: list, one, create (admin)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import PAGE_PARAMS, component, integer, obj, page_of, query_param, spec, string
from app.api.payload import Payload
from app.departments import services as departments
from app.departments.models import GUIDE_MAX, SERVICE_CODE_MAX, SERVICE_NAME_MAX, Service
from app.pagination import page_args, paginate
from app.permissions import is_admin, require

SERVICE_SUMMARY = component(
    "ServiceSummary",
    obj(["id", "code", "name", "department"], id=integer(), code=string(), name=string(), department=string()),
)
SERVICE = component(
    "Service",
    obj(
        ["id", "code", "name", "department", "guide"],
        id=integer(),
        code=string(),
        name=string(),
        department=string(),
        department_name=string(),
        guide=string(),
    ),
)


def service_summary_json(service: Service) -> dict:
    """A service in lists."""
    return {"id": service.id, "code": service.code, "name": service.name, "department": service.department.slug}


def service_json(service: Service) -> dict:
    """One service in full."""
    return {**service_summary_json(service), "department_name": service.department.name, "guide": service.guide}


@bp.get("/services")
@spec(
    "Services, by department or text",
    tag="services",
    params=PAGE_PARAMS
    + [query_param("department", description="department slug"), query_param("q", description="code or name")],
    responses={200: page_of(SERVICE_SUMMARY)},
)
def list_services():
    """Services of one department, or matching q."""
    page, per_page = page_args(request.args)
    slug = request.args.get("department")
    department = departments.get_department(slug) if slug else None
    query = departments.services_query(department, request.args.get("q", "")[:100])
    result = paginate(query, page, per_page)
    return jsonify(
        {
            "items": [service_summary_json(s) for s in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
        }
    )


@bp.get("/services/<int:service_id>")
@spec("One service with its guide", tag="services", responses={200: SERVICE})
def get_service(service_id: int):
    """A service in full."""
    return jsonify(service_json(departments.get_service(service_id)))


@bp.post("/services")
@spec(
    "Create a service (admin)",
    tag="services",
    auth=True,
    body=obj(
        ["department", "code", "name", "guide"],
        department=string(description="department slug"),
        code=string(1, SERVICE_CODE_MAX),
        name=string(1, SERVICE_NAME_MAX),
        guide=string(0, GUIDE_MAX),
    ),
    responses={201: obj(["service"], service=SERVICE)},
    errors=(403,),
)
def create_service():
    """Create a service of a department."""
    require(is_admin(current_user), current_user)
    payload = Payload()
    slug = payload.string("department")
    code = payload.string("code")
    name = payload.string("name")
    guide = payload.string("guide")
    payload.check()
    department = departments.department_for_field(slug)
    service = departments.create_service(current_user, department, code, name, guide)
    return jsonify({"service": service_json(service)}), 201
