"""The comment section on the thread page and the case page (``app.sections``)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from app.comments import queries
from app.comments.registry import closed_message, commentable
from app.permissions import is_moderator
from app.sections import Section, register_section


def _page_number() -> int:
    raw = request.args.get("comments_page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1


def comment_section(target_type: str, target: Any) -> Section:
    """The comments of a target (one query, plus one for edit histories) and the form to add one."""
    kind = commentable(target_type)
    hidden_for_viewer = target.hidden_at is not None and not is_moderator(current_user)
    page = (
        queries.comments_page(target_type, target.id, current_user, _page_number())
        if not hidden_for_viewer
        else queries.CommentPage(items=[], page=1, has_next=False)
    )
    reason = kind.closed_reason(target)
    return Section(
        "comments/_section.html",
        {
            "target_type": target_type,
            "target": target,
            "target_url": kind.url(target),
            "page": page,
            "roots": queries.tree(page.items),
            "hidden_for_viewer": hidden_for_viewer,
            "closed_reason": reason,
            "closed_message": closed_message(reason, target) if reason else None,
        },
    )


@register_section("proposal", order=50)
def thread_comments(proposal: Any) -> Section:
    """Comments under a thread."""
    return comment_section("proposal", proposal)


@register_section("case", order=50)
def case_comments(case: Any) -> Section:
    """Comments under an innovation case."""
    return comment_section("case", case)


ACCOUNT_LIMIT = 10


@register_section("account", order=40)
def my_comments(user: Any) -> Section:
    """The user's latest comments with their state (one query)."""
    from sqlalchemy import select

    from app.comments.models import Comment
    from app.extensions import db

    items = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at.desc(), Comment.id.desc()).limit(ACCOUNT_LIMIT)
    ).all()
    return Section("comments/_account_section.html", {"my_comments": items})
