"""What the comment templates need, as Jinja globals: names and named predicates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.comments import services
from app.comments.models import MAX_DEPTH, Comment
from app.comments.serializers import author_name
from app.permissions import can_participate, is_moderator, is_signed_in


def comment_author(comment: Comment) -> str:
    """The author's public name, or 已注销用户."""
    return author_name(comment) or gettext("deleted user")


def can_reply(user: Any, comment: Comment, closed_reason: str | None) -> bool:
    """Signed in, may take part, the discussion open, the comment public and not at the deepest level."""
    return can_participate(user) and closed_reason is None and comment.is_visible and comment.depth < MAX_DEPTH


def can_flag(user: Any, comment: Comment) -> bool:
    """Others than the author flag a public comment."""
    return can_participate(user) and comment.author_id != user.id and comment.is_visible


def is_own(user: Any, comment: Comment) -> bool:
    """The viewer wrote the comment."""
    return is_signed_in(user) and comment.author_id == user.id


STATUS_LABELS = {
    "published": _l("published"),
    "pending": _l("awaiting review"),
    "hidden": _l("hidden by moderators"),
    "deleted": _l("deleted"),
}


def register_template_globals(state: Any) -> None:
    """Blueprint hook: make the helpers available to every template."""
    state.app.jinja_env.globals.update(
        comment_author=comment_author,
        comment_can_reply=can_reply,
        comment_can_edit=services.can_edit,
        comment_can_delete=services.can_delete,
        comment_can_flag=can_flag,
        comment_is_own=is_own,
        comment_is_moderator=is_moderator,
        comment_max_depth=MAX_DEPTH,
        comment_status_label=lambda status: str(STATUS_LABELS.get(status, status)),
    )
