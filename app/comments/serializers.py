"""Comments as JSON (API.md: ``{id, parent_id, author, body_html, status, created_at}`` plus more)."""

from __future__ import annotations

from typing import Any

from app.clock import isoformat
from app.comments.models import Comment, CommentRevision
from app.permissions import is_moderator


def author_name(comment: Comment) -> str | None:
    """The author's public name; None for deleted accounts."""
    if comment.author is None or comment.author.deleted_at is not None:
        return None
    return comment.author.display_name


def comment_json(comment: Comment, viewer: Any, revisions: list[CommentRevision] | None = None) -> dict[str, Any]:
    """One comment as this viewer may see it: no text for deleted or hidden ones (moderators see hidden text)."""
    shows_text = comment.deleted_at is None and (comment.hidden_at is None or is_moderator(viewer))
    data: dict[str, Any] = {
        "id": comment.id,
        "target_type": comment.target_type,
        "target_id": comment.target_id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": author_name(comment),
        "body_html": comment.body_html if shows_text else "",
        "status": comment.api_status,
        "deleted": comment.deleted_at is not None,
        "hidden": comment.hidden_at is not None,
        "hidden_reason": comment.public_hidden_reason if comment.hidden_at is not None and comment.deleted_at is None else None,
        "edited": comment.edited,
        "created_at": isoformat(comment.created_at),
        "edited_at": isoformat(comment.edited_at),
    }
    if revisions is not None:
        data["revisions"] = (
            [{"number": r.number, "body_html": r.body_html, "created_at": isoformat(r.created_at)} for r in revisions]
            if shows_text
            else []
        )
    return data
