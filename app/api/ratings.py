"""/services/{id}/ratings, /services/{id}/rating-summary, /ratings/{id}, its
rectification and confirmation, and the public list of rectification cases."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.api import bp
from app.api.openapi import (
    PAGE_PARAMS,
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
from app.departments.models import Department
from app.departments.services import get_service
from app.errors import ValidationFailed
from app.extensions import db
from app.pagination import page_args, paginate
from app.ratings import queries
from app.ratings import services as ratings
from app.ratings.models import COMMENT_MAX, NOTE_MAX, PUBLIC_STATES, STATUSES
from app.ratings.permissions import require_can_answer, require_can_confirm, require_can_rate

_STATES = list(dict.fromkeys([*PUBLIC_STATES, *STATUSES]))
RECTIFICATION = component(
    "Rectification",
    obj(
        ["id", "rating_id", "state", "opened_at", "due_at"],
        id=integer(),
        rating_id=integer(),
        state=string(enum=_STATES),
        opened_at=string(format="date-time"),
        due_at=string(format="date-time"),
        note=nullable(string(description="the department's note, personal information masked")),
        rectified_at=nullable(string(format="date-time")),
        rectified_on_time=nullable(boolean()),
        confirmed_at=nullable(string(format="date-time")),
        resolved=nullable(boolean()),
        withdrawn_at=nullable(string(format="date-time")),
    ),
)
RATING = component(
    "Rating",
    obj(
        ["id", "service_id", "score", "label", "comment", "rater", "created_at", "counted"],
        id=integer(),
        service_id=integer(),
        score=integer(minimum=1, maximum=5),
        label=string(description="the level's name: 非常满意 … 非常不满意"),
        comment=nullable(string(description="personal information masked")),
        rater=string(description="masked name, e.g. 张**"),
        created_at=string(format="date-time"),
        counted=boolean(),
        replaced_by=nullable(integer()),
        rectification={"allOf": [RECTIFICATION], "nullable": True},
    ),
)
RATING_SUMMARY = component(
    "RatingSummary",
    obj(
        ["count", "mean", "distribution"],
        count=integer(minimum=0),
        mean=nullable({"type": "number"}),
        distribution=obj(["1", "2", "3", "4", "5"], **{str(s): integer(minimum=0) for s in range(1, 6)}),
    ),
)
CASE_ITEM = component(
    "RectificationCaseItem",
    obj(
        ["rectification", "rating", "service", "department"],
        rectification=RECTIFICATION,
        rating=RATING,
        service=obj(["id", "name"], id=integer(), name=string(), code=string()),
        department=string(description="department slug"),
    ),
)


def _rating_json(view: queries.RatingView) -> dict:
    return view.as_json()


@bp.post("/services/<int:service_id>/ratings")
@spec(
    "Rate a service (1 very dissatisfied … 5 very satisfied)",
    tag="ratings",
    auth=True,
    body=obj(
        ["score"],
        score=integer(minimum=1, maximum=5),
        comment=nullable(string(0, COMMENT_MAX)),
    ),
    responses={201: obj(["rating"], rating=RATING, replaced=nullable(integer(description="id of the rating this one replaced")))},
    errors=(403,),
    description=(
        "One rating per citizen per service per 30 days: inside the window a new rating replaces the current one "
        "(the old one is kept, not counted). A score of 1 or 2 opens a rectification case for the service's "
        "department. Officers may not rate their own department's services."
    ),
)
def rate_service(service_id: int):
    """Rate a service; 201 with the stored rating."""
    service = get_service(service_id)
    require_can_rate(current_user, service)
    payload = Payload()
    score = payload.integer("score")
    comment = payload.string("comment", required=False)
    payload.check()
    result = ratings.rate(current_user, service, score, comment)
    view = queries.rating_view(result.rating, current_user, result.case if result.case and result.case.rating_id == result.rating.id else None)
    return jsonify({"rating": _rating_json(view), "replaced": result.replaced.id if result.replaced else None}), 201


@bp.get("/services/<int:service_id>/ratings")
@spec(
    "Counted ratings of a service, newest first (raters masked)",
    tag="ratings",
    params=PAGE_PARAMS,
    responses={200: page_of(RATING)},
)
def list_service_ratings(service_id: int):
    """Ratings of a service with masked raters and comments."""
    service = get_service(service_id)
    page, per_page = page_args(request.args)
    result = paginate(queries.counted_ratings_query(service.id), page, per_page, scalars=False)
    items = [_rating_json(view) for view in queries.views(result.items)]
    return jsonify({"items": items, "page": result.page, "per_page": result.per_page, "total": result.total})


@bp.get("/services/<int:service_id>/rating-summary")
@spec("Count, mean and distribution of a service's ratings", tag="ratings", responses={200: RATING_SUMMARY})
def service_rating_summary(service_id: int):
    """The stored aggregates of a service."""
    service = get_service(service_id)
    return jsonify(queries.service_summary(service.id).as_json())


@bp.get("/ratings/<int:rating_id>")
@spec("One rating with its rectification case", tag="ratings", responses={200: obj(["rating"], rating=RATING)})
def get_rating(rating_id: int):
    """One rating (also a replaced one, with counted=false)."""
    detail = queries.rating_detail(rating_id)
    if detail is None:
        abort(404)
    return jsonify({"rating": _rating_json(detail[0])})


@bp.post("/ratings/<int:rating_id>/rectification")
@spec(
    "Answer a bad rating's rectification case (officer of the service's department)",
    tag="ratings",
    auth=True,
    body=obj(["body"], body=string(1, NOTE_MAX)),
    responses={201: obj(["rectification"], rectification=RECTIFICATION)},
    errors=(403, 409),
    description="409 when the rating has no case, or the case was already answered or withdrawn.",
)
def answer_rectification(rating_id: int):
    """Publish the department's rectification note."""
    rating = ratings.get_rating(rating_id)
    require_can_answer(current_user, rating)
    payload = Payload()
    body = payload.string("body")
    payload.check()
    case = ratings.answer(current_user, rating, body)
    return jsonify({"rectification": queries.case_view(case).as_json()}), 201


@bp.post("/ratings/<int:rating_id>/confirmation")
@spec(
    "Confirm whether the rectification resolved the problem (the rater)",
    tag="ratings",
    auth=True,
    body=obj(["resolved"], resolved=boolean()),
    responses={200: obj(["rectification"], rectification=RECTIFICATION)},
    errors=(403, 409),
    description="409 before the department's note and after a first confirmation.",
)
def confirm_rectification(rating_id: int):
    """The rater's verdict on the rectification."""
    rating = ratings.get_rating(rating_id)
    require_can_confirm(current_user, rating)
    payload = Payload()
    resolved = payload.boolean("resolved")
    payload.check()
    case = ratings.confirm(current_user, rating, resolved)
    return jsonify({"rectification": queries.case_view(case).as_json()})


@bp.get("/rectifications")
@spec(
    "Rectification cases, newest first; filter by department and state",
    tag="ratings",
    params=PAGE_PARAMS
    + [
        query_param("department", description="department slug"),
        query_param("state", {"type": "string", "enum": list(PUBLIC_STATES)}),
    ],
    responses={200: page_of(CASE_ITEM)},
)
def list_rectifications():
    """Public list of cases; overdue and unresolved ones included."""
    page, per_page = page_args(request.args)
    slug = request.args.get("department")
    department_id = None
    if slug:
        department_id = db.session.scalar(select(Department.id).where(Department.slug == slug))
        if department_id is None:
            raise ValidationFailed(fields={"department": [gettext("No department with this name.")]})
    state = request.args.get("state") or None
    if state is not None and state not in PUBLIC_STATES:
        raise ValidationFailed(fields={"state": [gettext("Must be one of: %(choices)s.", choices=", ".join(PUBLIC_STATES))]})
    result = paginate(queries.cases_query(department_id, state), page, per_page, scalars=False)
    items = [
        {
            "rectification": row.case.as_json(),
            "rating": row.rating.as_json(),
            "service": {"id": row.service.id, "name": row.service.name, "code": row.service.code},
            "department": row.department.slug,
        }
        for row in queries.case_rows(result.items)
    ]
    return jsonify({"items": items, "page": result.page, "per_page": result.per_page, "total": result.total})
