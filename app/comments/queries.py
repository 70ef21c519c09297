"""Reading a target's comments in reading order, in a constant number of queries.

One query returns the comments and their authors, ordered by ``path`` (each
reply right under its parent); a second one, only when some comments were
edited, returns their revisions. ``tree`` nests the flat list for ``<ol>``
rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select

from app.comments.models import PUBLISHED, Comment, CommentRevision
from app.extensions import db
from app.permissions import is_moderator, is_signed_in

PAGE_SIZE = 200  # comments per page of a thread (each page: one query, plus one for revisions)


def visible_query(target_type: str, target_id: int, viewer: Any) -> Select:
    """The target's comments this viewer may see (tombstones included), in reading order."""
    query = select(Comment).where(Comment.target_type == target_type, Comment.target_id == target_id)
    if not is_moderator(viewer):
        condition = Comment.status == PUBLISHED
        if is_signed_in(viewer):
            condition = or_(condition, Comment.author_id == viewer.id)
        query = query.where(condition)
    return query.order_by(Comment.path)


@dataclass
class CommentPage:
    """One page of a target's comments, flat in reading order, with the revisions of the edited ones."""

    items: list[Comment]
    page: int
    has_next: bool
    revisions: dict[int, list[CommentRevision]] = field(default_factory=dict)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def comments_page(target_type: str, target_id: int, viewer: Any, page: int = 1, per_page: int = PAGE_SIZE) -> CommentPage:
    """One page of comments (one query) and the revisions of the edited ones (one more, only if any)."""
    rows = list(
        db.session.scalars(visible_query(target_type, target_id, viewer).offset((page - 1) * per_page).limit(per_page + 1))
    )
    result = CommentPage(items=rows[:per_page], page=page, has_next=len(rows) > per_page)
    edited = [comment.id for comment in result.items if comment.revisions_count > 1]
    if edited:
        for revision in db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id.in_(edited))
            .order_by(CommentRevision.comment_id, CommentRevision.number)
        ):
            result.revisions.setdefault(revision.comment_id, []).append(revision)
    return result


@dataclass
class Node:
    """A comment with its replies on this page."""

    comment: Comment
    children: list[Node] = field(default_factory=list)


def tree(comments: list[Comment]) -> list[Node]:
    """Nest a flat list in reading order; a reply whose parent is not on this page starts a new branch."""
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        node = Node(comment)
        nodes[comment.id] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def revisions_of(comment: Comment) -> list[CommentRevision]:
    """Every version of one comment, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(CommentRevision).where(CommentRevision.comment_id == comment.id).order_by(CommentRevision.number)
        )
    )
