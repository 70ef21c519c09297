"""Moderators' pages: the review queue and the one-click decisions made from it
(and from thread, case and comment pages).

Every view loads → checks the role → calls a service → redirects back with a
message. Visitors are sent to sign in; citizens and officers get 403.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.departments.services import departments_query
from app.errors import NotAuthenticated, ServiceError, ValidationFailed
from app.extensions import db
from app.moderation import actions, appeals, bp, queue, targets
from app.moderation.forms import REASON_LABELS
from app.moderation.log import action_label
from app.pagination import page_args
from app.permissions import is_moderator, is_signed_in, require
from app.proposals import routing
from app.proposals import services as proposal_services
from app.proposals.queries import get_for_action
from app.templating import safe_next

def moderator_page(view: Callable) -> Callable:
    """Visitors sign in first; anyone but moderators and admins gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not is_signed_in(current_user):
            target = request.full_path.rstrip("?") if request.method == "GET" else url_for("moderation.queue")
            return redirect(url_for("accounts.login", next=target))
        require(is_moderator(current_user), current_user, gettext("This page is for moderators."))
        return view(*args, **kwargs)

    return wrapper


def problems_text(exc: ServiceError) -> str:
    """A refused action in one sentence, for a flash message."""
    if isinstance(exc, ValidationFailed) and exc.fields:
        return " ".join(str(problem) for problems in exc.fields.values() for problem in problems)
    return str(exc.message)


def acted(back: str, run: Callable[[], str]) -> Any:
    """Run a service call; flash its message or why it was refused; go back."""
    try:
        message = run()
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=back))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        flash(problems_text(exc), "error")
        return redirect(back, 303)
    flash(message, "success")
    return redirect(back, 303)


def _tab() -> str:
    tab = request.args.get("tab", "pending")
    return tab if tab in queue.TABS else "pending"


@bp.get("/moderation", endpoint="queue")
@moderator_page
def queue_view():
    """The review queue, one tab at a time."""
    tab = _tab()
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    result = queue.queue_page(tab, page, per_page)
    departments = db.session.scalars(departments_query()).all() if tab == "routing" and result.items else []
    return render_template(
        "moderation/queue.html", tab=tab, page=result, counts=queue.tab_counts(), departments=departments,
        reason_labels=REASON_LABELS, kind_label=targets.label,
    )


@bp.post("/moderation/<target_type>/<int:target_id>")
def act(target_type: str, target_id: int):
    """Approve, hide, restore, lock, unlock, pin or unpin one item."""
    back = safe_next(request.form.get("next"), "moderation.queue")
    action = request.form.get("action", "")

    def run() -> str:
        actions.moderate(current_user, target_type[:16], target_id, action, request.form.get("reason"))
        return gettext("Done: %(action)s.", action=action_label(f"moderation.{action}"))

    return acted(back, run)


@bp.post("/moderation/proposals/<int:proposal_id>/route")
def route(proposal_id: int):
    """Give a thread waiting for a department to one (or re-route it): the proposals' own service."""
    back = safe_next(request.form.get("next"), "moderation.queue")

    def run() -> str:
        actions.require_moderator(current_user)
        proposal = get_for_action(proposal_id, current_user)
        routing.transfer(proposal, current_user, request.form.get("department"), request.form.get("reason") or None)
        return gettext("The thread was handed to %(department)s.", department=proposal.department.name)

    return acted(back, run)


@bp.post("/moderation/proposals/<int:proposal_id>/merge")
def merge(proposal_id: int):
    """Merge a duplicate into another thread: the proposals' own service."""
    back = safe_next(request.form.get("next"), "moderation.queue")

    def run() -> str:
        actions.require_moderator(current_user)
        proposal = get_for_action(proposal_id, current_user)
        proposal_services.merge(proposal, current_user, request.form.get("into"), request.form.get("reason"))
        return gettext("The thread was merged into thread %(id)d.", id=proposal.merged_into_id)

    return acted(back, run)


@bp.post("/moderation/appeals/<int:appeal_id>/decision")
def decide_appeal(appeal_id: int):
    """Uphold the hide or restore the item; the author is told why."""
    back = safe_next(request.form.get("next"), "moderation.queue")

    def run() -> str:
        actions.require_moderator(current_user)
        appeal = appeals.get_appeal(appeal_id)
        appeals.decide(current_user, appeal, request.form.get("decision"), request.form.get("reason"))
        return gettext("The appeal was decided; the author was told.")

    return acted(back, run)
