"""Pages: post a comment or reply, edit it (15 minutes), delete it, follow a link to it.

The forms sit on the target's page (``comments/_section.html``); a refused
post shows the form again with the text kept and the reason (400, 409, 429).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.comments import bp, presentation, queries, services
from app.comments.forms import CommentForm
from app.comments.models import PUBLISHED
from app.comments.registry import commentable, load_target
from app.errors import NotAuthenticated, NotFound, ServiceError, ValidationFailed
from app.extensions import db

bp.record_once(presentation.register_template_globals)


def _anchor(target_url: str, comment_id: int) -> str:
    return f"{target_url}#comment-{comment_id}"


def _form_errors(exc: ServiceError) -> list[str]:
    if isinstance(exc, ValidationFailed) and exc.fields:
        return [str(problem) for problems in exc.fields.values() for problem in problems]
    return [str(exc.message)]


@bp.post("/comments/<target_type>/<int:target_id>")
def post(target_type: str, target_id: int):
    """A new comment or a reply (``parent_id``) on a thread, a case …"""
    kind, target = load_target(target_type[:16], target_id)
    form = CommentForm()
    target_url = kind.url(target)
    if not form.validate_on_submit():
        return _form_page(form, kind, target, [gettext("The form has expired. Please try again.")], 400)
    try:
        comment = services.post_comment(current_user, kind.target_type, target, form.body.data, form.parent_id.data or None)
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=target_url + "#comments"))
    except ServiceError as exc:
        if exc.status in (403, 404) and not isinstance(exc, ValidationFailed):
            raise
        db.session.rollback()
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return _form_page(form, kind, target, _form_errors(exc), exc.status, headers)
    if comment.status == PUBLISHED:
        flash(gettext("Your comment is published."), "success")
    else:
        flash(gettext("Thank you. Your comment waits for a moderator's review; until then only you and the moderators see it."), "info")
    return redirect(_anchor(target_url, comment.id), 303)


def _form_page(form: CommentForm, kind, target, errors: list[str], status: int, headers: dict | None = None):
    parent = None
    if form.parent_id.data and str(form.parent_id.data).isdigit():
        from app.comments.models import Comment

        parent = db.session.get(Comment, int(form.parent_id.data))
        if parent is not None and not services.can_view(current_user, parent):
            parent = None
    return render_template(
        "comments/form.html",
        form=form,
        errors=errors,
        target=target,
        target_type=kind.target_type,
        target_title=kind.title(target),
        target_url=kind.url(target),
        parent=parent,
        action=url_for("comments.post", target_type=kind.target_type, target_id=target.id),
    ), status, headers or {}


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    """The author corrects a comment within 15 minutes; earlier versions stay visible."""
    comment = services.get_comment(comment_id, current_user)
    kind = commentable(comment.target_type)
    target = kind.load(comment.target_id)
    if request.method == "GET":
        if not services.can_edit(current_user, comment):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.path))
            flash(gettext("Comments can be edited for 15 minutes after posting."), "error")
            return redirect(_anchor(kind.url(target), comment.id))
        form = CommentForm(formdata=None, body=comment.body)
        return _edit_page(form, comment, kind, target, [], 200)
    form = CommentForm()
    if not form.validate_on_submit():
        return _edit_page(form, comment, kind, target, [gettext("The form has expired. Please try again.")], 400)
    try:
        services.edit_comment(current_user, comment, form.body.data)
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=request.path))
    except ServiceError as exc:
        if exc.status in (403, 404) and not isinstance(exc, ValidationFailed):
            raise
        db.session.rollback()
        return _edit_page(form, comment, kind, target, _form_errors(exc), exc.status)
    flash(gettext("Your comment was updated; the earlier version stays visible."), "success")
    return redirect(_anchor(kind.url(target), comment.id), 303)


def _edit_page(form, comment, kind, target, errors, status):
    return render_template(
        "comments/edit.html",
        form=form,
        errors=errors,
        comment=comment,
        target_title=kind.title(target),
        target_url=kind.url(target),
        revisions=queries.revisions_of(comment),
    ), status


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    """The author deletes a comment; a tombstone keeps its place."""
    comment = services.get_comment(comment_id, current_user)
    kind = commentable(comment.target_type)
    back = _anchor(kind.url(kind.load(comment.target_id)), comment.id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(gettext("The form has expired. Please try again."), "error")
        return redirect(back, 303)
    try:
        services.delete_comment(current_user, comment)
    except NotAuthenticated:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=back))
    flash(gettext("Your comment was deleted."), "success")
    return redirect(back, 303)


@bp.get("/comments/<int:comment_id>")
def show(comment_id: int):
    """A link to one comment (the moderation log, notifications): its place on its target's page.

    It leads there whenever the viewer may see the target; the page then shows the comment,
    its tombstone or its hidden notice, or nothing if it is not for this viewer.
    """
    from app.comments.models import Comment

    comment = db.session.get(Comment, comment_id) if 0 < comment_id < 2**31 else None
    kind = commentable(comment.target_type) if comment is not None else None
    target = kind.load(comment.target_id) if kind is not None else None
    if target is None or not kind.can_view(current_user, target):
        raise NotFound(gettext("No such comment."))
    return redirect(_anchor(kind.url(target), comment.id))
