"""Pages for everyone: the public moderation log, flagging an item, appealing a hide."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.errors import NotAuthenticated, ServiceError, ValidationFailed
from app.extensions import db
from app.forms import apply_field_errors
from app.moderation import appeals, bp, flags, log, targets
from app.moderation.forms import AppealForm, FlagForm
from app.pagination import page_args
from app.permissions import is_signed_in


def _page_args() -> tuple[int, int]:
    try:
        return page_args(request.args)
    except ValidationFailed:
        return 1, 20


@bp.get("/moderation/log", endpoint="log")
def public_log():
    """Moderators' decisions with their public reasons; no personal data."""
    page, per_page = _page_args()
    action = request.args.get("action", "")
    action = action if action in log.ACTIONS else ""
    view = log.log_page(action or None, page, per_page)
    return render_template(
        "moderation/log.html", page=view.page, view=view, action=action,
        actions=[(key, log.action_label(key)) for key in log.ACTIONS], log=log,
    )


def _target_from_args(source) -> tuple[str, str]:
    return (source.get("target_type") or "")[:16], (source.get("target_id") or "")[:12]


def _login_first():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


@bp.route("/flags/new", methods=["GET"], endpoint="new_flag")
def new_flag():
    """The flag form for one item."""
    if not is_signed_in(current_user):
        return _login_first()
    target_type, target_id = _target_from_args(request.args)
    kind, item = targets.load(target_type, target_id, current_user)
    form = FlagForm(formdata=None, target_type=kind.target_type, target_id=item.id)
    return render_template("moderation/flag.html", form=form, kind=kind, item=item, item_title=kind.title(item))


@bp.post("/flags", endpoint="flag")
def create_flag():
    """Flag an item; back to it with a thank-you (or the form again with the problem)."""
    form = FlagForm()
    target_type, target_id = _target_from_args(request.form)
    kind, item = targets.load(target_type, target_id, current_user)
    back = kind.url(item)
    try:
        form.validate_on_submit()
        flags.flag(current_user, kind.target_type, item.id, form.reason.data, form.note.data)
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=back))
    except ValidationFailed as exc:
        db.session.rollback()
        apply_field_errors(form, exc)
        return render_template("moderation/flag.html", form=form, kind=kind, item=item, item_title=kind.title(item)), 400
    except ServiceError as exc:
        if exc.status == 404:
            raise
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back, 303)
    flash(gettext("Thank you. The moderators will look at it."), "success")
    return redirect(back, 303)


@bp.get("/moderation/appeals/new", endpoint="new_appeal")
def new_appeal():
    """The appeal form for a hidden item of the signed-in author."""
    if not is_signed_in(current_user):
        return _login_first()
    target_type, target_id = _target_from_args(request.args)
    kind, item = targets.load(target_type, target_id, current_user, check_view=False)
    form = AppealForm(formdata=None, target_type=kind.target_type, target_id=item.id)
    existing = appeals.existing_appeal(kind.target_type, item.id, current_user)
    return render_template("moderation/appeal.html", form=form, kind=kind, item=item, item_title=kind.title(item),
                           existing=existing, is_author=kind.author_id(item) == current_user.id)


@bp.post("/moderation/appeals", endpoint="appeal")
def create_appeal():
    """Send the appeal; it appears in the moderators' queue."""
    form = AppealForm()
    target_type, target_id = _target_from_args(request.form)
    kind, item = targets.load(target_type, target_id, current_user, check_view=False)
    back = kind.url(item)
    try:
        form.validate_on_submit()
        appeals.appeal(current_user, kind.target_type, item.id, form.text.data)
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=back))
    except ValidationFailed as exc:
        db.session.rollback()
        apply_field_errors(form, exc)
        return render_template("moderation/appeal.html", form=form, kind=kind, item=item, item_title=kind.title(item),
                               existing=None, is_author=True), 400
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back, 303)
    flash(gettext("Your appeal was sent to the moderators. You will be told their decision."), "success")
    return redirect(back, 303)


