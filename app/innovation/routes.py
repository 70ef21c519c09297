"""Pages: the gallery /cases, a case /cases/<id>, writing, submitting and reviewing cases."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.departments.models import Department
from app.departments.services import departments_query
from app.errors import ServiceError, ValidationFailed
from app.extensions import db
from app.forms import apply_field_errors
from app.innovation import bp
from app.innovation import services as cases
from app.innovation.forms import CaseForm, ReviewForm
from app.innovation.models import PUBLISHED, CaseTag, InnovationCase
from app.innovation.permissions import can_review_cases, can_submit_case, template_predicates
from app.innovation.tags import normalize_tag
from app.pagination import page_args, paginate
from app.permissions import is_officer, require

POPULAR_TAGS = 20


@bp.app_context_processor
def _predicates() -> dict:
    return {**template_predicates(), "status_label": cases.status_label}


def _page_args() -> tuple[int, int]:
    try:
        return page_args(request.args)
    except ValidationFailed:
        return 1, 20


@bp.get("/cases", endpoint="cases")
def gallery():
    """The gallery of published cases, filterable by department and tag."""
    page, per_page = _page_args()
    slug = request.args.get("department", "")[:64].replace("\x00", "")
    tag = normalize_tag(request.args.get("tag", "")[:40].replace("\x00", ""))
    department = db.session.scalar(select(Department).where(Department.slug == slug)) if slug else None
    result = paginate(cases.published_cases_query(department.id if department else None, tag or None), page, per_page)
    popular = db.session.execute(
        select(CaseTag.tag, func.count().label("n"))
        .join(InnovationCase, InnovationCase.id == CaseTag.case_id)
        .where(InnovationCase.status == PUBLISHED, InnovationCase.hidden_at.is_(None))
        .group_by(CaseTag.tag)
        .order_by(func.count().desc(), CaseTag.tag)
        .limit(POPULAR_TAGS)
    ).all()
    args = {key: value for key, value in (("department", department.slug if department else ""), ("tag", tag)) if value}
    return render_template(
        "innovation/index.html",
        page=result,
        department=department,
        tag=tag,
        departments=db.session.scalars(departments_query()).all(),
        popular_tags=popular,
        args=args,
    )


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    """One case: published ones for everyone; drafts, submitted and rejected ones for the department and moderators."""
    item = cases.case_for_viewer(current_user, case_id)
    review_form = ReviewForm(prefix=f"case-{item.id}") if item.status == "submitted" and can_review_cases(current_user) else None
    return render_template("innovation/case.html", case=item, review_form=review_form)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    """An officer writes a case for their department: save a draft or submit it."""
    require(can_submit_case(current_user), current_user, gettext("Only officers submit innovation cases, for their own department."))
    form = CaseForm()
    if form.validate_on_submit():
        try:
            item = cases.create_case(
                current_user,
                title=form.title.data,
                summary=form.summary.data,
                body=form.body.data,
                tags=form.tags.data,
                submit=bool(form.submit.data),
            )
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        else:
            flash(_saved_message(item), "success")
            return redirect(url_for("innovation.case", case_id=item.id))
    return render_template("innovation/form.html", form=form, case=None), 400 if form.errors else 200


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    """Edit a draft or rejected case; save it again or submit it."""
    item = cases.case_for_viewer(current_user, case_id)
    form = CaseForm(obj=item) if request.method == "GET" else CaseForm()
    if request.method == "GET":
        form.tags.data = ", ".join(item.tag_names)
    if form.validate_on_submit():
        try:
            cases.update_case(current_user, item, title=form.title.data, summary=form.summary.data, body=form.body.data, tags=form.tags.data)
            if form.submit.data:
                cases.submit_case(current_user, item)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        else:
            flash(_saved_message(item), "success")
            return redirect(url_for("innovation.case", case_id=item.id))
    else:
        # show why it cannot be edited (403 / 409) before anyone types
        cases.check_editable(current_user, item)
    return render_template("innovation/form.html", form=form, case=item), 400 if form.errors else 200


def _saved_message(item: InnovationCase) -> str:
    if item.status == "submitted":
        return gettext("The case was submitted. A moderator will review it.")
    return gettext("The draft was saved. Submit it when it is ready.")


@bp.post("/cases/<int:case_id>/submit")
@login_required
def submit(case_id: int):
    """Send a draft or rejected case to the moderators."""
    item = cases.case_for_viewer(current_user, case_id)
    cases.submit_case(current_user, item)
    flash(_saved_message(item), "success")
    return redirect(url_for("innovation.case", case_id=item.id))


@bp.get("/cases/mine")
@login_required
def mine():
    """Every case of the officer's department, with its state and any rejection reason."""
    require(is_officer(current_user), current_user, gettext("This page is for officers of a department."))
    page, per_page = _page_args()
    result = paginate(cases.department_cases_query(current_user.department_id), page, per_page)
    return render_template("innovation/mine.html", page=result)


@bp.get("/cases/review")
@login_required
def review_queue():
    """Moderators: the submitted cases, oldest first, each with publish / reject."""
    require(can_review_cases(current_user), current_user, gettext("Only moderators review innovation cases."))
    return _render_queue()


def _render_queue(failed: InnovationCase | None = None, failed_form: ReviewForm | None = None, status: int = 200):
    page, per_page = _page_args()
    result = paginate(cases.submitted_cases_query(), page, per_page)
    forms = {item.id: ReviewForm(prefix=f"case-{item.id}", formdata=None) for item in result.items}
    if failed is not None and failed_form is not None:
        forms[failed.id] = failed_form
    return render_template("innovation/review.html", page=result, forms=forms), status


@bp.post("/cases/<int:case_id>/review")
@login_required
def review(case_id: int):
    """Publish or reject one submitted case (from the queue or the case page)."""
    require(can_review_cases(current_user), current_user, gettext("Only moderators review innovation cases."))
    item = cases.get_case(case_id)
    form = ReviewForm(prefix=f"case-{item.id}")
    decision = "publish" if form.publish.data else "reject" if form.reject.data else None
    if form.validate_on_submit():
        try:
            cases.review_case(current_user, item, decision, form.reason.data)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("innovation.review_queue"))
        else:
            message = (
                gettext("“%(title)s” is published.", title=item.title)
                if item.status == PUBLISHED
                else gettext("“%(title)s” was rejected; the department sees your reason.", title=item.title)
            )
            flash(message, "success")
            return redirect(url_for("innovation.review_queue"))
    return _render_queue(item, form, 400)
