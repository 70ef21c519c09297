"""Pages: rate a service, a service's ratings, one rating with its case,
the public list of rectification cases and an officer's open cases.

Each route loads → checks permission → calls a service → renders.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.departments.models import Department
from app.departments.services import departments_query, get_service
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.forms import apply_field_errors
from app.pagination import page_args, paginate
from app.permissions import is_officer, require
from app.ratings import bp, queries
from app.ratings import services as ratings
from app.ratings.forms import ConfirmationForm, RatingForm, RectificationForm
from app.ratings.models import PUBLIC_STATES, STATE_LABELS
from app.ratings.permissions import can_answer, can_confirm, require_can_answer, require_can_confirm, require_can_rate
from app.templating import safe_next


def _page_args() -> tuple[int, int]:
    try:
        return page_args(request.args)
    except ValidationFailed:
        return 1, 20


def _flash_rated(result: ratings.RatingResult) -> None:
    """Thank the rater; say what was replaced and, for a new case, the department's deadline."""
    if result.replaced is not None:
        flash(
            gettext(
                "Thank you. Your new rating replaces the one you gave on %(date)s.",
                date=format_datetime(result.replaced.created_at, "yyyy-MM-dd"),
            ),
            "success",
        )
    else:
        flash(gettext("Thank you for your rating."), "success")
    case = result.case
    if case is not None and case.status == "open" and case.rating_id == result.rating.id:
        due = format_datetime(case.due_at, "yyyy-MM-dd HH:mm")
        flash(gettext("The department must answer with a rectification note by %(due)s.", due=due), "info")


@bp.route("/services/<int:service_id>/rate", methods=["GET", "POST"])
@login_required
def rate(service_id: int):
    """The rating form on its own page; the service page posts here too."""
    service = get_service(service_id)
    require_can_rate(current_user, service)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            result = ratings.rate(current_user, service, int(form.score.data), form.comment.data)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        else:
            _flash_rated(result)
            return redirect(url_for("departments.service_detail", service_id=service.id, _anchor="ratings"))
    mine = queries.my_rating(current_user, service.id)
    status = 400 if form.errors else 200
    return render_template("ratings/rate.html", service=service, form=form, mine=mine), status


@bp.get("/services/<int:service_id>/ratings")
def service_ratings(service_id: int):
    """Every counted rating of a service, newest first, with the distribution."""
    service = get_service(service_id)
    page, per_page = _page_args()
    result = paginate(queries.counted_ratings_query(service.id), page, per_page, scalars=False)
    return render_template(
        "ratings/service_ratings.html",
        service=service,
        summary=queries.service_summary(service.id),
        page=result,
        items=queries.views(result.items),
    )


def _render_detail(rating_id: int, answer_form=None, confirm_form=None, status: int = 200):
    detail = queries.rating_detail(rating_id)
    if detail is None:
        abort(404)
    view, service, department, case = detail
    if answer_form is None and case is not None and case.answerable and can_answer(current_user, case):
        answer_form = RectificationForm(formdata=None)
    if confirm_form is None and case is not None and case.confirmable and can_confirm(current_user, view.rating):
        confirm_form = ConfirmationForm(formdata=None)
    return (
        render_template(
            "ratings/detail.html",
            view=view,
            service=service,
            department=department,
            answer_form=answer_form,
            confirm_form=confirm_form,
        ),
        status,
    )


@bp.get("/ratings/<int:rating_id>")
def detail(rating_id: int):
    """One rating with its rectification case, and the forms the viewer may use."""
    return _render_detail(rating_id)


@bp.post("/ratings/<int:rating_id>/rectification")
@login_required
def answer(rating_id: int):
    """An officer publishes the department's rectification note."""
    rating = ratings.get_rating(rating_id)
    require_can_answer(current_user, rating)
    form = RectificationForm()
    if form.validate_on_submit():
        try:
            ratings.answer(current_user, rating, form.body.data)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        except Conflict as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("ratings.detail", rating_id=rating.id))
        else:
            flash(gettext("The rectification note is published. The rater has been asked to confirm."), "success")
            return redirect(safe_next(request.form.get("next"), "ratings.officer_cases"))
    return _render_detail(rating.id, answer_form=form, status=400)


@bp.post("/ratings/<int:rating_id>/confirmation")
@login_required
def confirm(rating_id: int):
    """The rater says whether the rectification solved the problem."""
    rating = ratings.get_rating(rating_id)
    require_can_confirm(current_user, rating)
    form = ConfirmationForm()
    if form.validate_on_submit():
        try:
            ratings.confirm(current_user, rating, form.resolved.data == "yes")
        except Conflict as exc:
            flash(str(exc.message), "error")
        else:
            flash(gettext("Thank you. Your confirmation is recorded."), "success")
        return redirect(url_for("ratings.detail", rating_id=rating.id))
    return _render_detail(rating.id, confirm_form=form, status=400)


@bp.get("/ratings/rectifications")
def rectifications():
    """Every rectification case, public: filter by department and state."""
    page, per_page = _page_args()
    slug = request.args.get("department", "")[:64]
    department = db.session.scalar(select(Department).where(Department.slug == slug)) if slug else None
    state = request.args.get("state", "")
    if state not in PUBLIC_STATES:
        state = ""
    department_id = department.id if department is not None else None
    result = paginate(queries.cases_query(department_id, state or None), page, per_page, scalars=False)
    return render_template(
        "ratings/rectifications.html",
        page=result,
        rows=queries.case_rows(result.items),
        counts=queries.state_counts(department_id),
        departments=db.session.scalars(departments_query()).all(),
        department=department,
        state=state,
        states=[(name, STATE_LABELS[name]) for name in PUBLIC_STATES],
        args={k: v for k, v in (("department", department.slug if department else ""), ("state", state)) if v},
    )


@bp.get("/ratings/cases")
@login_required
def officer_cases():
    """An officer's department's unanswered cases, nearest deadline first, with the answer form."""
    require(is_officer(current_user), current_user, gettext("This page is for officers of a department."))
    page, per_page = _page_args()
    result = paginate(queries.open_cases_query(current_user.department_id), page, per_page, scalars=False)
    return render_template(
        "ratings/officer_cases.html",
        page=result,
        rows=queries.case_rows(result.items),
        department=current_user.department,
    )
