"""Moderators' pages about accounts and words: an account's history with suspend / ban /
lift, and the banned-word list."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.comments.models import Comment
from app.errors import ServiceError, ValidationFailed
from app.extensions import db
from app.forms import apply_field_errors
from app.moderation import accounts, banned_words, bp
from app.moderation.forms import BannedWordForm, LiftForm, SuspendForm
from app.moderation.routes import acted, moderator_page
from app.permissions import is_suspended
from app.proposals.models import Proposal

RECENT = 10


def _user_page(user, form: SuspendForm | None = None, status: int = 200):
    threads = db.session.scalars(
        select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.created_at.desc()).limit(RECENT)
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at.desc()).limit(RECENT)
    ).all()
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_user_id == user.id, AuditEntry.action.in_(("user.suspend", "user.ban", "user.lift")))
        .order_by(AuditEntry.created_at.desc()).limit(20)
    ).all()
    return render_template(
        "moderation/user.html", user=user, threads=threads, comments=comments, history=history,
        stats=accounts.histories([user.id]).get(user.id, {}), form=form or SuspendForm(formdata=None),
        lift_form=LiftForm(formdata=None), may_suspend=accounts.can_suspend(current_user, user),
        suspended=is_suspended(user),
    ), status


@bp.get("/moderation/users/<int:user_id>")
@moderator_page
def user(user_id: int):
    """An account's history: age, approved and hidden posts, suspensions; suspend, ban or lift."""
    return _user_page(accounts.get_user(user_id))


@bp.post("/moderation/users/<int:user_id>/suspension")
@moderator_page
def suspend(user_id: int):
    """Suspend for N days or ban, with a reason the account sees."""
    target = accounts.get_user(user_id)
    form = SuspendForm()
    form.validate_on_submit()
    try:
        if form.mode.data == "ban":
            accounts.ban(current_user, target, form.reason.data)
            message = gettext("The account is banned.")
        else:
            accounts.suspend(current_user, target, request.form.get("days"), form.reason.data)
            message = gettext("The account is suspended.")
    except ValidationFailed as exc:
        db.session.rollback()
        apply_field_errors(form, exc)
        return _user_page(target, form, 400)
    except ServiceError as exc:  # already banned (409); 403 for accounts one may not suspend
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("moderation.user", user_id=target.id), 303)
    flash(message, "success")
    return redirect(url_for("moderation.user", user_id=target.id), 303)


@bp.post("/moderation/users/<int:user_id>/lift")
@moderator_page
def lift(user_id: int):
    """End a suspension or ban."""
    target = accounts.get_user(user_id)
    back = url_for("moderation.user", user_id=target.id)
    return acted(back, lambda: (accounts.lift(current_user, target, request.form.get("lift_reason")),
                                gettext("The account may take part again."))[1])


@bp.route("/moderation/banned-words", methods=["GET", "POST"])
@moderator_page
def banned_word_list():
    """The banned words and patterns: posts matching them wait for review."""
    form = BannedWordForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            banned_words.add_word(current_user, form.pattern.data, form.is_regex.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
            status = 400
        except ServiceError as exc:  # already on the list
            if exc.status in (403, 404):
                raise
            db.session.rollback()
            form.pattern.errors = [str(exc.message)]
            status = exc.status
        else:
            flash(gettext("The word was added: posts containing it now wait for review."), "success")
            return redirect(url_for("moderation.banned_word_list"), 303)
    elif request.method == "POST":
        status = 400
    return render_template(
        "moderation/banned_words.html", form=form, words=banned_words.words(),
        configured=current_app.config.get("BANNED_PATTERNS", ()),
    ), status


@bp.post("/moderation/banned-words/<int:word_id>/delete")
@moderator_page
def remove_banned_word(word_id: int):
    """Take a word off the list."""
    back = url_for("moderation.banned_word_list")
    return acted(back, lambda: (banned_words.remove_word(current_user, word_id), gettext("The word was removed."))[1])
