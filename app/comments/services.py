"""Comment verbs: post, edit (15 minutes, every version kept), delete (a tombstone stays),
publish a pending comment. They check everything first, then change, flush and
send signals; they never commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import update
from sqlalchemy.orm.util import identity_key

from app.accounts.models import User
from app.clock import utcnow
from app.comments import indexing, signals
from app.comments.models import (
    BODY_MAX,
    BODY_MIN,
    EDIT_WINDOW_SECONDS,
    MAX_DEPTH,
    PENDING,
    PUBLISHED,
    Comment,
    CommentRevision,
    path_segment,
)
from app.comments.registry import Commentable, closed_message, commentable
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.permissions import can_participate, is_moderator, is_signed_in, require_participation, require_signed_in
from app.policy import BANNED_WORDS, assess
from app.posting_limits import enforce_limit
from app.sanitize import render_masked


def public_html(body: str) -> str:
    """The public rendering: the comment Markdown subset, personal information masked."""
    return render_masked(body, "comment")


def _clean_body(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(fields={"body": [gettext("Please write your comment.")]})
    if "\x00" in value:
        raise ValidationFailed(fields={"body": [gettext("The text contains invalid characters.")]})
    text = value.strip()
    if len(text) < BODY_MIN:
        raise ValidationFailed(fields={"body": [gettext("Please write your comment.")]})
    if len(text) > BODY_MAX:
        raise ValidationFailed(fields={"body": [gettext("At most %(max)d characters.", max=BODY_MAX)]})
    return text


def _parent(kind: Commentable, target: Any, parent_id: Any) -> Comment | None:
    """The comment replied to, checked: same target, public, not deleted or hidden, not at the deepest level."""
    if parent_id in (None, ""):
        return None
    if isinstance(parent_id, str) and parent_id.strip().isdigit():
        parent_id = int(parent_id.strip())
    problem = None
    parent = None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int) or not 0 < parent_id < 2**31:
        problem = gettext("No such comment to reply to.")
    else:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.target_type != kind.target_type or parent.target_id != target.id:
            problem = gettext("No such comment to reply to.")
        elif not parent.is_visible:
            problem = gettext("This comment cannot be replied to.")
        elif parent.depth >= MAX_DEPTH:
            problem = gettext("Replies nest at most %(max)d levels: reply to the comment above instead.", max=MAX_DEPTH)
    if problem:
        raise ValidationFailed(fields={"parent_id": [problem]})
    return parent


def _count(comment: Comment, delta: int) -> None:
    """Move the target's stored count of visible comments (same transaction)."""
    kind = commentable(comment.target_type)
    model = kind.model
    db.session.execute(
        update(model).where(model.id == comment.target_id).values(comments_count=model.comments_count + delta),
        execution_options={"synchronize_session": False},
    )
    target = db.session.identity_map.get(identity_key(model, comment.target_id))
    if target is not None:
        db.session.expire(target, ["comments_count"])


def _gain_trust(comment: Comment) -> None:
    if comment.author_id is not None:
        db.session.execute(
            update(User).where(User.id == comment.author_id).values(approved_posts=User.approved_posts + 1),
            execution_options={"synchronize_session": False},
        )
        if comment.author is not None:
            db.session.expire(comment.author, ["approved_posts"])


def visibility_changed(comment: Comment, was_visible: bool) -> None:
    """After any change of status, hiding or deletion: keep the count and the search index in step."""
    if comment.is_visible != was_visible:
        _count(comment, 1 if comment.is_visible else -1)
    indexing.sync(comment)


def post_comment(author: Any, target_type: str, target: Any, body: Any, parent_id: Any = None) -> Comment:
    """Comment on a target (or reply to one of its comments). New accounts' and filtered comments wait for review."""
    require_participation(author)
    kind = commentable(target_type)
    if not kind.can_view(author, target):
        raise NotFound(gettext("Nothing to comment on here."))
    reason = kind.closed_reason(target)
    if reason is not None:
        raise Conflict(closed_message(reason, target), code=reason)
    text = _clean_body(body)
    parent = _parent(kind, target, parent_id)
    enforce_limit(author, "comment", Comment.author_id, Comment.created_at)
    assessment = assess(author, text)
    now = utcnow()
    comment = Comment(
        target_type=kind.target_type,
        target_id=target.id,
        parent_id=parent.id if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 1,
        author_id=author.id,
        body=text,
        body_html=public_html(text),
        status=PENDING if assessment.pending else PUBLISHED,
        review_flags=sorted(set(assessment.pending) | set(assessment.flags)),
        revisions_count=1,
        created_at=now,
        updated_at=now,
        published_at=None if assessment.pending else now,
    )
    db.session.add(comment)
    db.session.flush()
    comment.path = (parent.path + "/" if parent is not None else "") + path_segment(comment.id)
    db.session.add(CommentRevision(comment_id=comment.id, number=1, body=text, body_html=comment.body_html, created_at=now))
    db.session.flush()
    kind.follow(author, target)
    signals.send(signals.CREATED, comment, target=target, actor=author, flags=list(assessment.flags))
    if comment.status == PUBLISHED:
        _published(kind, target, comment, author)
    return comment


def _published(kind: Commentable, target: Any, comment: Comment, actor: Any) -> None:
    _gain_trust(comment)
    visibility_changed(comment, was_visible=False)
    if kind.is_public(target):
        kind.notify(target, comment, comment.author if comment.author is not None else actor)
    signals.send(signals.PUBLISHED, comment, target=target, actor=actor)


def publish(comment: Comment, actor: Any) -> Comment:
    """A moderator approves a pending comment: it becomes public, its author gains trust."""
    if comment.status != PENDING:
        raise Conflict(gettext("This comment is not waiting for review."))
    kind = commentable(comment.target_type)
    target = kind.load(comment.target_id)
    comment.status = PUBLISHED
    comment.published_at = utcnow()
    db.session.flush()
    _published(kind, target, comment, actor)
    return comment


def in_edit_window(comment: Comment, now: Any = None) -> bool:
    """Within 15 minutes of posting (15:00 still allowed)."""
    return (now or utcnow()) - comment.created_at <= timedelta(seconds=EDIT_WINDOW_SECONDS)


def can_edit(user: Any, comment: Comment) -> bool:
    """The author, within 15 minutes of posting, while the comment is neither deleted nor hidden."""
    return (
        can_participate(user)
        and comment.author_id is not None
        and comment.author_id == user.id
        and comment.deleted_at is None
        and comment.hidden_at is None
        and in_edit_window(comment)
    )


def can_delete(user: Any, comment: Comment) -> bool:
    """The author deletes their comment at any time (a tombstone stays)."""
    return is_signed_in(user) and comment.author_id is not None and comment.author_id == user.id and comment.deleted_at is None


def edit_comment(actor: Any, comment: Comment, body: Any) -> Comment:
    """The author corrects a comment within 15 minutes; every version stays visible."""
    require_participation(actor)
    if comment.author_id is None or comment.author_id != actor.id:
        raise Forbidden(gettext("Only the author may edit this comment."))
    if comment.deleted_at is not None or comment.hidden_at is not None:
        raise Conflict(gettext("A deleted or hidden comment cannot be edited."))
    now = utcnow()
    if not in_edit_window(comment, now):
        raise Conflict(gettext("Comments can be edited for 15 minutes after posting."), code="edit_window_closed")
    kind = commentable(comment.target_type)
    target = kind.load(comment.target_id)
    reason = kind.closed_reason(target)
    if reason is not None:
        raise Conflict(closed_message(reason, target), code=reason)
    text = _clean_body(body)
    if text == comment.body:
        return comment
    was_visible = comment.is_visible
    assessment = assess(actor, text)
    comment.body = text
    comment.body_html = public_html(text)
    comment.revisions_count += 1
    comment.edited_at = now
    comment.updated_at = now
    if BANNED_WORDS in assessment.pending and comment.status == PUBLISHED:
        comment.status = PENDING  # back to the queue until a moderator approves the new text
    comment.review_flags = sorted(set(comment.review_flags or []) | set(assessment.flags)
                                  | ({BANNED_WORDS} & set(assessment.pending)))
    db.session.add(CommentRevision(comment_id=comment.id, number=comment.revisions_count, body=text,
                                   body_html=comment.body_html, created_at=now))
    db.session.flush()
    visibility_changed(comment, was_visible)
    signals.send(signals.UPDATED, comment, target=target, actor=actor, fields=["body"], flags=list(assessment.flags))
    return comment


def delete_comment(actor: Any, comment: Comment) -> Comment:
    """The author deletes a comment: a tombstone keeps its place so replies stay under it."""
    require_signed_in(actor)
    if comment.author_id is None or comment.author_id != actor.id:
        raise Forbidden(gettext("Only the author may delete this comment."))
    if comment.deleted_at is not None:
        return comment
    was_visible = comment.is_visible
    now = utcnow()
    comment.deleted_at = now
    comment.updated_at = now
    db.session.flush()
    visibility_changed(comment, was_visible)
    signals.send(signals.UPDATED, comment, target=None, actor=actor, fields=["deleted"], flags=[])
    return comment


def get_comment(comment_id: int, viewer: Any) -> Comment:
    """A comment the viewer may see (its target visible; pending ones only for the author and moderators)."""
    comment = db.session.get(Comment, comment_id) if 0 < comment_id < 2**31 else None
    if comment is None or not can_view(viewer, comment):
        raise NotFound(gettext("No such comment."))
    return comment


def can_view(viewer: Any, comment: Comment, target: Any = None) -> bool:
    """Whether the viewer may see this comment (or its tombstone)."""
    kind = commentable(comment.target_type)
    target = target if target is not None else kind.load(comment.target_id)
    if target is None or not kind.can_view(viewer, target):
        return False
    if is_moderator(viewer):
        return True
    if target.hidden_at is not None:
        return False
    return comment.status == PUBLISHED or (is_signed_in(viewer) and comment.author_id == viewer.id)
