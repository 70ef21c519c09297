"""The commentable objects: how the comment mechanism finds, shows and closes a target.

A feature makes its objects commentable once, at import time::

    register_commentable(
        "proposal", load=lambda id: db.session.get(Proposal, id), model=Proposal,
        can_view=access.can_view, is_public=..., closed_reason=..., url=lambda p: f"/proposals/{p.id}",
        department_id=lambda p: p.department_id, title=lambda p: mask_personal_info(p.title),
        notify=..., public_ids=lambda: select(Proposal.id).where(...),
    )

The comment services, pages, API, search and moderation then work for it
without knowing what it is. ``model`` must have an integer ``comments_count``
column (kept in step in the same transaction as every change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import gettext

from app.errors import NotFound

# why a target refuses new comments
LOCKED = "locked"
HIDDEN = "hidden"
NOT_PUBLISHED = "not_published"
MERGED = "merged"


@dataclass(frozen=True)
class Commentable:
    """What the comment mechanism needs to know about one kind of target."""

    target_type: str
    model: Any
    load: Callable[[int], Any]  # id → the target, or None
    can_view: Callable[[Any, Any], bool]  # (viewer, target) → may see the target at all
    is_public: Callable[[Any], bool]  # target → the public reads it (and its comments)
    closed_reason: Callable[[Any], str | None]  # target → why new comments are refused (None: open)
    url: Callable[[Any], str]  # target → its site path
    department_id: Callable[[Any], int | None]
    title: Callable[[Any], str]  # target → its title, masked
    follow: Callable[[Any, Any], None]  # (user, target) → the commenter follows the target
    notify: Callable[[Any, Any, Any], None]  # (target, comment, actor) → tell the target's followers
    public_ids: Callable[[], Any]  # → a select of the ids of public targets (search rebuild)
    author_id: Callable[[Any], int | None] = lambda target: getattr(target, "author_id", None)


_registry: dict[str, Commentable] = {}


def register_commentable(target_type: str, load: Callable[[int], Any], **parts: Any) -> Commentable:
    """Make a kind of object commentable; see the module docstring."""
    commentable = Commentable(target_type=target_type, load=load, **parts)
    _registry[target_type] = commentable
    return commentable


def commentable(target_type: str) -> Commentable:
    """The registered kind, or NotFound for a kind nobody registered."""
    found = _registry.get(target_type)
    if found is None:
        raise NotFound(gettext("Nothing to comment on here."))
    return found


def commentables() -> list[Commentable]:
    """Every registered kind."""
    return list(_registry.values())


def load_target(target_type: str, target_id: Any) -> tuple[Commentable, Any]:
    """(kind, target) for a type and id, or NotFound."""
    kind = commentable(target_type)
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 0 < target_id < 2**31:
        raise NotFound(gettext("Nothing to comment on here."))
    target = kind.load(target_id)
    if target is None:
        raise NotFound(gettext("Nothing to comment on here."))
    return kind, target


def closed_message(reason: str, target: Any = None) -> str:
    """Why comments are refused, in words."""
    if reason == LOCKED:
        return gettext("This discussion is locked by the moderators: no new comments.")
    if reason == HIDDEN:
        return gettext("Comments are closed while this item is hidden.")
    if reason == NOT_PUBLISHED:
        return gettext("Comments open once this item is published.")
    if reason == MERGED:
        into = getattr(target, "merged_into_id", None)
        if into:
            return gettext("This thread was merged into thread #%(id)d: please comment there.", id=into)
        return gettext("This thread was merged into another one: please comment there.")
    return gettext("Comments are closed.")
