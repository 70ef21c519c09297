"""Pages: /proposals (list), /proposals/new, /proposals/<id> (one thread), /proposals/extensions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.departments.models import Service
from app.departments.services import departments_query
from app.errors import RateLimited, ValidationFailed
from app.extensions import db
from app.forms import apply_field_errors
from app.pagination import page_args, paginate
from app.permissions import is_moderator, is_signed_in, require
from app.proposals import access, bp, extension_requests, following, queries, services
from app.proposals.forms import ProposalForm
from app.proposals.models import UNSURE
from app.proposals.presentation import register_template_globals

bp.record_once(register_template_globals)


@bp.get("/proposals")
def index():
    """Published threads with filters (department, service, kind, status, overdue) and sorts."""
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    filters = queries.parse_filters(request.args, current_user)
    result = queries.list_page(filters, page, per_page)
    all_departments = db.session.scalars(departments_query()).all()
    department_services = (
        db.session.scalars(select(Service).where(Service.department_id == filters.department.id).order_by(Service.code)).all()
        if filters.department is not None
        else []
    )
    return render_template(
        "proposals/index.html",
        page=result,
        filters=filters,
        args=filters.args(),
        departments=all_departments,
        department_services=department_services,
    )


@bp.route("/proposals/new", methods=["GET", "POST"])
def new():
    """Raise a thread. The service list is grouped by department (filtered by JS when available)."""
    if not is_signed_in(current_user):
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    form = ProposalForm()
    all_departments = db.session.scalars(departments_query()).all()
    form.set_departments(all_departments)
    if request.method == "GET" and request.args.get("department"):
        form.department.data = request.args.get("department", "")[:64]
    chosen = next((d for d in all_departments if d.slug == form.department.data), None)
    services_query = select(Service).order_by(Service.department_id, Service.code)
    if chosen is not None:
        services_query = services_query.where(Service.department_id == chosen.id)
    grouped: dict[int, list] = {}
    for service in db.session.scalars(services_query):
        grouped.setdefault(service.department_id, []).append(service)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                proposal = services.create_proposal(
                    current_user,
                    kind=form.kind.data,
                    title=form.title.data,
                    body=form.body.data,
                    department=form.department.data,
                    service=form.service.data or None,
                    contact=form.contact.data,
                    anonymous=bool(form.anonymous.data),
                )
            except ValidationFailed as exc:
                apply_field_errors(form, exc)
            except RateLimited as exc:  # the form stays filled in; the message says when the limit lifts
                apply_field_errors(form, exc)
                headers = {"Retry-After": str(exc.retry_after)}
            else:
                if proposal.status == "pending_review":
                    flash(gettext("Thank you. Your thread waits for a moderator's review before it is public."), "info")
                else:
                    flash(gettext("Thank you. Your thread is published."), "success")
                return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        status = 429 if headers else 400
    return render_template(
        "proposals/new.html",
        form=form,
        departments=[d for d in all_departments if d.id in grouped],
        grouped=grouped,
        unsure=UNSURE,
    ), status, headers


@bp.get("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    """One thread: body, status, deadlines, official answers, timeline and the forms the viewer may use."""
    proposal, supported = queries.get_visible(proposal_id, current_user)
    answer_list = queries.answers_of(proposal)
    transfer_departments = (
        db.session.scalars(departments_query()).all() if access.can_transfer(current_user, proposal) else []
    )
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        supported=supported,
        answers=answer_list,
        latest_answer=answer_list[-1] if answer_list else None,
        events=queries.events_of(proposal),
        extensions=queries.extensions_of(proposal),
        transfer_departments=transfer_departments,
        original_html=services.original_html(proposal.body) if access.sees_private(current_user, proposal) else None,
        following=following.is_following(proposal, current_user),
    )


@bp.get("/proposals/extensions")
def extensions():
    """Moderators: extension requests waiting for a decision."""
    require(is_moderator(current_user), current_user)
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    result = paginate(extension_requests.pending_extensions_query(), page, per_page)
    return render_template("proposals/extensions.html", page=result)
