"""The items moderators act on — threads, comments, innovation cases — behind one interface.

Each kind says how to load an item, who wrote it, where it lives, how to
publish it when it waits for review (its own feature's service: proposals
go through the state machine, cases through their review, comments through
``app.comments.services.publish``) and what to do after its visibility,
lock or pin changed (the feature's signals, counts and search index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.comments import services as comment_services
from app.comments.models import PENDING as COMMENT_PENDING
from app.comments.models import Comment
from app.comments.registry import commentable
from app.comments.signals import UPDATED as COMMENT_UPDATED
from app.comments.signals import send as send_comment_signal
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.innovation import services as case_services
from app.innovation.models import SUBMITTED as CASE_SUBMITTED
from app.innovation.models import InnovationCase
from app.innovation.permissions import can_view_case
from app.moderation.models import TARGET_TYPES
from app.privacy import mask_personal_info
from app.proposals import access, signals, states
from app.proposals import services as proposal_services
from app.proposals.models import Proposal

LOCK = "lock"
PIN = "pin"


@dataclass(frozen=True)
class Moderatable:
    """What moderation needs to know about one kind of item."""

    target_type: str
    model: Any
    label: Any
    load: Callable[[int], Any]
    can_view: Callable[[Any, Any], bool]  # (viewer, item)
    author_id: Callable[[Any], int | None]
    title: Callable[[Any], str]  # masked, for lists and notifications
    url: Callable[[Any], str]
    is_pending: Callable[[Any], bool]
    approve: Callable[[Any, Any], None]  # (item, actor): publish an item waiting for review
    changed: Callable[[Any, Any, list[str], bool], None]  # (item, actor, fields, was_visible)
    supports: frozenset[str] = frozenset()  # LOCK, PIN
    never_auto_hide: Callable[[Any], bool] = lambda item: False


_kinds: dict[str, Moderatable] = {}


def register(kind: Moderatable) -> Moderatable:
    """Register a kind of moderated item."""
    _kinds[kind.target_type] = kind
    return kind


def kind_of(target_type: Any) -> Moderatable:
    """The kind for a target type, or a field error naming the allowed ones."""
    if not isinstance(target_type, str) or target_type not in _kinds:
        raise ValidationFailed(
            fields={"target_type": [gettext("Must be one of: %(choices)s.", choices=", ".join(TARGET_TYPES))]}
        )
    return _kinds[target_type]


def load(target_type: Any, target_id: Any, viewer: Any = None, *, check_view: bool = True) -> tuple[Moderatable, Any]:
    """(kind, item) or NotFound (also when the viewer may not see the item)."""
    kind = kind_of(target_type)
    if isinstance(target_id, str) and target_id.strip().isdigit():
        target_id = int(target_id.strip())
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 0 < target_id < 2**31:
        raise ValidationFailed(fields={"target_id": [gettext("Must be a whole number.")]})
    item = kind.load(target_id)
    if item is None or (check_view and not kind.can_view(viewer, item)):
        raise NotFound(gettext("No such item."))
    return kind, item


def label(target_type: str) -> str:
    """The translated name of a kind of item."""
    kind = _kinds.get(target_type)
    return str(kind.label) if kind is not None else target_type


# --- threads -------------------------------------------------------------------

def _proposal_approve(proposal: Proposal, actor: Any) -> None:
    proposal_services.change_status(proposal, actor, states.OPEN)


def _proposal_changed(proposal: Proposal, actor: Any, fields: list[str], was_visible: bool) -> None:
    signals.send(signals.UPDATED, proposal, actor=actor, fields=fields)


register(Moderatable(
    target_type="proposal",
    model=Proposal,
    label=_l("Thread"),
    load=lambda item_id: db.session.get(Proposal, item_id),
    can_view=lambda viewer, proposal: access.can_view(viewer, proposal),
    author_id=lambda proposal: proposal.author_id,
    title=lambda proposal: mask_personal_info(proposal.title),
    url=lambda proposal: f"/proposals/{proposal.id}",
    is_pending=lambda proposal: proposal.status == states.PENDING_REVIEW,
    approve=_proposal_approve,
    changed=_proposal_changed,
    supports=frozenset({LOCK, PIN}),
))


# --- comments ------------------------------------------------------------------

def _comment_target(comment: Comment) -> Any:
    return commentable(comment.target_type).load(comment.target_id)


def _comment_can_view(viewer: Any, comment: Comment) -> bool:
    return comment.deleted_at is None and comment_services.can_view(viewer, comment)


def _comment_title(comment: Comment) -> str:
    target = _comment_target(comment)
    return commentable(comment.target_type).title(target) if target is not None else ""


def _comment_url(comment: Comment) -> str:
    target = _comment_target(comment)
    if target is None:
        return f"/comments/{comment.id}"
    return f"{commentable(comment.target_type).url(target)}#comment-{comment.id}"


def _comment_changed(comment: Comment, actor: Any, fields: list[str], was_visible: bool) -> None:
    comment_services.visibility_changed(comment, was_visible)
    send_comment_signal(COMMENT_UPDATED, comment, target=None, actor=actor, fields=fields, flags=[])


register(Moderatable(
    target_type="comment",
    model=Comment,
    label=_l("User comment"),
    load=lambda item_id: db.session.get(Comment, item_id),
    can_view=_comment_can_view,
    author_id=lambda comment: comment.author_id,
    title=_comment_title,
    url=_comment_url,
    is_pending=lambda comment: comment.status == COMMENT_PENDING,
    approve=lambda comment, actor: comment_services.publish(comment, actor),
    changed=_comment_changed,
))


# --- innovation cases ----------------------------------------------------------

def _case_changed(case: InnovationCase, actor: Any, fields: list[str], was_visible: bool) -> None:
    case_services.case_updated.send(case, actor=actor)


register(Moderatable(
    target_type="case",
    model=InnovationCase,
    label=_l("Innovation case"),
    load=lambda item_id: db.session.get(InnovationCase, item_id),
    can_view=lambda viewer, case: can_view_case(viewer, case),
    author_id=lambda case: case.author_id,
    title=lambda case: case.display_title,
    url=lambda case: f"/cases/{case.id}",
    is_pending=lambda case: case.status == CASE_SUBMITTED,
    approve=lambda case, actor: case_services.review_case(actor, case, "publish"),
    changed=_case_changed,
    supports=frozenset({LOCK}),
    # a case is the department's own publication, approved by moderators: flags queue it, never hide it
    never_auto_hide=lambda case: True,
))
