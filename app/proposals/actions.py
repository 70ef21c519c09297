"""Form posts from the thread page: support, status, answer, transfer, send-back,
extension, merge, rating, and moderators' extension decisions.

Each loads the thread, calls the same service as the API, and redirects back
to the thread with a message (Post/Redirect/Get). A refused action rolls
back and shows why.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.clock import parse_iso
from app.errors import NotAuthenticated, NotFound, ServiceError, ValidationFailed
from app.extensions import db
from app.proposals import answers, bp, extension_requests, queries, routing, services, supports



def _problems(exc: ServiceError) -> str:
    from app.proposals.presentation import field_label

    if isinstance(exc, ValidationFailed) and exc.fields:
        return " ".join(gettext("%(field)s: %(problems)s", field=field_label(name), problems=" ".join(map(str, errs)))
                        for name, errs in exc.fields.items())
    return str(exc.message)


def thread_action(anchor: str = "") -> Callable:
    """Run the view; on a refused action roll back, flash why and go back to the thread."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(proposal_id: int, *args: Any, **kwargs: Any):
            back = url_for("proposals.detail", proposal_id=proposal_id) + (f"#{anchor}" if anchor else "")
            try:
                message = view(proposal_id, *args, **kwargs)
            except NotAuthenticated:
                db.session.rollback()
                return redirect(url_for("accounts.login", next=url_for("proposals.detail", proposal_id=proposal_id)))
            except ServiceError as exc:
                if exc.status in (403, 404):
                    raise  # the error page, with its status
                db.session.rollback()
                flash(_problems(exc), "error")
                return redirect(back, 303)
            if message:
                flash(message, "success")
            return redirect(back, 303)

        return wrapper

    return decorate


def _form(name: str) -> str | None:
    value = request.form.get(name)
    return value if value is not None else None


@bp.post("/proposals/<int:proposal_id>/support")
@thread_action("support")
def support(proposal_id: int):
    """Add or withdraw my support (``action`` = add / remove)."""
    proposal = queries.get_for_action(proposal_id, current_user)
    if request.form.get("action") == "remove":
        supports.withdraw(proposal, current_user)
        return gettext("Your support was withdrawn.")
    supports.support(proposal, current_user)
    return gettext("Thank you for your support.")


@bp.post("/proposals/<int:proposal_id>/follow")
@thread_action("follow")
def follow(proposal_id: int):
    """Follow or stop following (``action`` = follow / unfollow): news arrive in the inbox."""
    from app.permissions import require_signed_in
    from app.proposals import following

    require_signed_in(current_user)
    proposal = queries.get_for_action(proposal_id, current_user)
    if request.form.get("action") == "unfollow":
        following.unfollow(proposal, current_user)
        return gettext("You no longer follow this thread.")
    following.follow(proposal, current_user)
    return gettext("You follow this thread: its news arrive in your notifications.")


@bp.post("/proposals/<int:proposal_id>/status")
@thread_action("timeline")
def change_status(proposal_id: int):
    """Move the thread through the state machine."""
    proposal = queries.get_for_action(proposal_id, current_user)
    services.change_status(proposal, current_user, _form("status"), _form("note"))
    from app.proposals.states import label

    return gettext("The thread is now %(status)s.", status=label(proposal.status))


@bp.post("/proposals/<int:proposal_id>/answers")
@thread_action("answers")
def post_answer(proposal_id: int):
    """Post an official answer as the department."""
    proposal = queries.get_for_action(proposal_id, current_user)
    answers.post_answer(proposal, current_user, _form("body"))
    return gettext("The official answer is published.")


@bp.route("/proposals/<int:proposal_id>/answers/<int:answer_id>/edit", methods=["GET", "POST"])
def edit_answer(proposal_id: int, answer_id: int):
    """Edit an official answer; earlier versions stay visible."""
    proposal = queries.get_for_action(proposal_id, current_user)
    answer = answers.get_answer(proposal, answer_id)
    from app.proposals.access import can_edit_answer
    from app.permissions import require

    require(can_edit_answer(current_user, answer), current_user)
    errors: list[str] = []
    body = answer.body
    if request.method == "POST":
        body = request.form.get("body", "")
        try:
            answers.edit_answer(proposal, answer, current_user, body)
        except ValidationFailed as exc:
            db.session.rollback()
            errors = [str(problem) for problems in (exc.fields or {}).values() for problem in problems]
        else:
            flash(gettext("The answer was updated; the earlier version stays visible."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id) + f"#answer-{answer.id}", 303)
    return render_template("proposals/edit_answer.html", proposal=proposal, answer=answer, body=body, errors=errors), (
        400 if errors else 200
    )


@bp.post("/proposals/<int:proposal_id>/transfer")
@thread_action("handling")
def transfer(proposal_id: int):
    """转办 (officer) or re-route (moderator)."""
    proposal = queries.get_for_action(proposal_id, current_user)
    routing.transfer(proposal, current_user, _form("department"), _form("reason"))
    return gettext("The thread was handed to %(department)s.", department=proposal.department.name)


@bp.post("/proposals/<int:proposal_id>/send-back")
@thread_action("handling")
def send_back(proposal_id: int):
    """退单: not this department's responsibility."""
    proposal = queries.get_for_action(proposal_id, current_user)
    routing.send_back(proposal, current_user, _form("reason"))
    return gettext("The thread was sent back to the moderators.")


@bp.post("/proposals/<int:proposal_id>/extension")
@thread_action("deadlines")
def request_extension(proposal_id: int):
    """Ask moderators for a later deadline."""
    proposal = queries.get_for_action(proposal_id, current_user)
    raw = (request.form.get("until") or "").strip()
    try:
        until = parse_iso(raw) if raw else None
    except ValueError:
        raise ValidationFailed(fields={"until": [gettext("Give a date and time.")]})
    extension_requests.request_extension(proposal, current_user, until, _form("reason"))
    return gettext("Your request for more time was sent to the moderators.")


@bp.post("/proposals/<int:proposal_id>/merge")
@thread_action("timeline")
def merge(proposal_id: int):
    """Moderators merge a duplicate into another thread."""
    proposal = queries.get_for_action(proposal_id, current_user)
    services.merge(proposal, current_user, _form("into"), _form("reason"))
    return gettext("The thread was merged into thread %(id)d.", id=proposal.merged_into_id)


@bp.post("/proposals/<int:proposal_id>/answer-rating")
@thread_action("answers")
def rate_answer(proposal_id: int):
    """The author rates the latest official answer."""
    proposal = queries.get_for_action(proposal_id, current_user)
    answers.rate_answer(proposal, current_user, _form("rating"))
    return gettext("Thank you for rating the answer.")


@bp.post("/proposals/extensions/<int:extension_id>/decision")
def decide_extension(extension_id: int):
    """Moderators grant or refuse a request for more time."""
    back = url_for("proposals.extensions")
    try:
        extension = extension_requests.get_extension(extension_id)
        approve = {"1": True, "0": False}.get(request.form.get("approve", ""), request.form.get("approve"))
        extension_requests.decide_extension(extension, current_user, approve, _form("reason"))
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=back))
    except NotFound:
        raise
    except ServiceError as exc:
        if exc.status == 403:
            raise
        db.session.rollback()
        flash(_problems(exc), "error")
        return redirect(back, 303)
    flash(gettext("The decision was recorded on the thread's timeline."), "success")
    return redirect(back, 303)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(proposal_id: int):
    """The author corrects title and body while the thread is pending or open."""
    from app.permissions import require
    from app.proposals.access import can_edit
    from app.proposals.forms import EditProposalForm

    proposal = queries.get_for_action(proposal_id, current_user)
    require(can_edit(current_user, proposal), current_user)
    form = EditProposalForm(obj=proposal)
    if form.validate_on_submit():
        try:
            services.update_proposal(proposal, current_user, title=form.title.data, body=form.body.data)
        except ValidationFailed as exc:
            db.session.rollback()
            from app.forms import apply_field_errors

            apply_field_errors(form, exc)
        else:
            flash(gettext("Your changes are saved."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
    return render_template("proposals/edit.html", proposal=proposal, form=form), (400 if form.errors else 200)
