"""/cases: published innovation cases; officers submit, moderators review."""

from __future__ import annotations

import re

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from app.api import bp
from app.api.openapi import (
    PAGE_PARAMS,
    array,
    boolean,
    component,
    integer,
    nullable,
    obj,
    page_of,
    query_param,
    spec,
    string,
)
from app.api.payload import Payload
from app.clock import isoformat
from app.departments import services as departments
from app.departments.models import SLUG_PATTERN
from app.errors import ValidationFailed
from app.innovation import services as cases
from app.innovation.models import BODY_MAX, REASON_MAX, STATUSES, SUMMARY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, InnovationCase
from app.innovation.permissions import can_review_cases, can_submit_case, can_work_on_case
from app.pagination import page_args, paginate
from app.permissions import is_moderator, require, require_participation

CASE = component(
    "Case",
    obj(
        ["id", "title", "summary", "status", "department", "tags"],
        id=integer(),
        title=string(),
        summary=nullable(string(description="null while hidden")),
        body_html=nullable(string(description="safe HTML of the masked body; null in lists and while hidden")),
        status=string(enum=list(STATUSES)),
        department=string(description="department slug"),
        department_name=string(),
        tags=array(string()),
        hidden=boolean(),
        hidden_reason=nullable(string()),
        rejection_reason=nullable(string(description="only for the department and moderators")),
        created_at=string(format="date-time"),
        published_at=nullable(string(format="date-time")),
        url=string(),
    ),
)


def case_json(case: InnovationCase, *, full: bool = True) -> dict:
    """A case as the API shows it to the current user (masked text; hidden content replaced by the reason)."""
    insider = can_work_on_case(current_user, case) or is_moderator(current_user)
    hidden = case.hidden_at is not None
    data = {
        "id": case.id,
        "title": case.display_title,
        "summary": None if hidden else case.display_summary,
        "body_html": case.body_html if full and not hidden else None,
        "status": case.status,
        "department": case.department.slug,
        "department_name": case.department.name,
        "tags": case.tag_names,
        "hidden": hidden,
        "hidden_reason": case.public_hidden_reason if hidden else None,
        "created_at": isoformat(case.created_at),
        "published_at": isoformat(case.published_at),
        "url": f"/cases/{case.id}",
    }
    if insider:
        data["rejection_reason"] = case.rejection_reason
    return data


@bp.get("/cases")
@spec(
    "Published innovation cases, newest first",
    tag="cases",
    params=PAGE_PARAMS
    + [query_param("department", description="department slug"), query_param("tag", description="one tag")],
    responses={200: page_of(CASE)},
)
def list_cases():
    """The gallery as JSON, filterable by department and tag."""
    page, per_page = page_args(request.args)
    slug = request.args.get("department", "")[:64].replace("\x00", "")
    department = departments.get_department(slug) if slug else None
    tag = request.args.get("tag", "")[:40].replace("\x00", "") or None
    result = paginate(cases.published_cases_query(department.id if department else None, tag), page, per_page)
    return jsonify(
        {
            "items": [case_json(item, full=False) for item in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
        }
    )


@bp.get("/cases/<int:case_id>")
@spec("One innovation case", tag="cases", responses={200: obj(["case"], case=CASE)})
def get_case(case_id: int):
    """A published case; unpublished ones only for their department and moderators."""
    return jsonify({"case": case_json(cases.case_for_viewer(current_user, case_id))})


@bp.post("/cases")
@spec(
    "Submit an innovation case for your department (officers)",
    tag="cases",
    auth=True,
    body=obj(
        ["title", "summary", "body"],
        title=string(1, TITLE_MAX),
        summary=string(1, SUMMARY_MAX),
        body=string(1, BODY_MAX, description="Markdown"),
        tags=array(string(1, TAG_MAX)),
        department=string(description="must be your own department's slug"),
    ),
    responses={201: obj(["case"], case=CASE)},
    errors=(403,),
    description=f"Creates a case with status `submitted`. At most {TAGS_MAX} tags.",
)
def create_case():
    """An officer submits a case; it waits for a moderator."""
    require_participation(current_user)
    require(can_submit_case(current_user), current_user, gettext("Only officers submit innovation cases, for their own department."))
    payload = Payload()
    title = payload.string("title")
    summary = payload.string("summary")
    body = payload.string("body")
    slug = payload.string("department", required=False)
    tags = payload.data.get("tags")
    payload.check()
    if slug is not None and not re.fullmatch(SLUG_PATTERN, slug):
        raise ValidationFailed(fields={"department": [gettext("No department with this name.")]})
    department = departments.department_for_field(slug) if slug else None
    case = cases.create_case(current_user, title=title, summary=summary, body=body, tags=tags, department=department)
    return jsonify({"case": case_json(case)}), 201


@bp.post("/cases/<int:case_id>/review")
@spec(
    "Publish or reject a submitted case (moderators)",
    tag="cases",
    auth=True,
    body=obj(
        ["decision"],
        decision=string(enum=list(cases.DECISIONS)),
        reason=string(0, REASON_MAX, description="required for reject; shown to the department"),
    ),
    responses={200: obj(["case"], case=CASE)},
    errors=(403, 409),
)
def review_case(case_id: int):
    """A moderator's decision on a submitted case."""
    require(can_review_cases(current_user), current_user, gettext("Only moderators review innovation cases."))
    payload = Payload()
    decision = payload.choice("decision", cases.DECISIONS)
    reason = payload.string("reason", required=False)
    payload.check()
    case = cases.get_case(case_id)
    cases.review_case(current_user, case, decision, reason)
    return jsonify({"case": case_json(case)})
