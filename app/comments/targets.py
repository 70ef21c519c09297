"""Threads ("proposal") and innovation cases ("case") are commentable.

Decisions on targets that are not simply open:
- pending (a thread waiting for review, a case not yet published): no
  comments (409 ``not_published``); only those who may see it see the page;
- merged threads: no new comments (409 ``merged``, the message names the
  thread to comment on); the existing ones stay readable;
- hidden targets: no new comments (409 ``hidden``) and the comments are not
  shown to the public while the target is hidden (moderators see them);
- locked targets: no new comments (409 ``locked``); existing ones stay;
- closed, declined and answered threads stay open to comments (citizens may
  discuss the outcome); moderators lock a thread to end a discussion.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.innovation.models import PUBLISHED as CASE_PUBLISHED
from app.innovation.models import InnovationCase
from app.innovation.permissions import can_view_case
from app.notifications import services as notifications
from app.privacy import mask_personal_info
from app.proposals import access, states
from app.proposals.models import Proposal
from app.comments.registry import HIDDEN, LOCKED, MERGED, NOT_PUBLISHED, register_commentable

COMMENT_KIND = "comment.created"


def _proposal_closed(proposal: Proposal) -> str | None:
    if proposal.status == states.PENDING_REVIEW:
        return NOT_PUBLISHED
    if proposal.status == states.MERGED:
        return MERGED
    if proposal.hidden_at is not None:
        return HIDDEN
    if proposal.locked_at is not None:
        return LOCKED
    return None


def _case_closed(case: InnovationCase) -> str | None:
    if case.status != CASE_PUBLISHED:
        return NOT_PUBLISHED
    if case.hidden_at is not None:
        return HIDDEN
    if case.locked_at is not None:
        return LOCKED
    return None


def _notifier(target_type: str, url: Any, title: Any):
    def notify(target: Any, comment: Any, actor: Any) -> None:
        notifications.notify_followers(
            target_type, target.id, COMMENT_KIND, url=f"{url(target)}#comment-{comment.id}", actor=actor,
            params={"title": title(target)},
        )

    return notify


def _follower(target_type: str):
    def follow(user: Any, target: Any) -> None:
        notifications.follow(user, target_type, target.id)

    return follow


def _proposal_url(proposal: Proposal) -> str:
    return f"/proposals/{proposal.id}"


def _proposal_title(proposal: Proposal) -> str:
    return mask_personal_info(proposal.title)


def _case_url(case: InnovationCase) -> str:
    return f"/cases/{case.id}"


def _case_title(case: InnovationCase) -> str:
    return case.display_title


register_commentable(
    "proposal",
    lambda target_id: db.session.get(Proposal, target_id),
    model=Proposal,
    can_view=lambda viewer, proposal: access.can_view(viewer, proposal),
    is_public=lambda proposal: proposal.status != states.PENDING_REVIEW and proposal.hidden_at is None,
    closed_reason=_proposal_closed,
    url=_proposal_url,
    department_id=lambda proposal: proposal.department_id,
    title=_proposal_title,
    follow=_follower("proposal"),
    notify=_notifier("proposal", _proposal_url, _proposal_title),
    public_ids=lambda: select(Proposal.id).where(Proposal.status != states.PENDING_REVIEW, Proposal.hidden_at.is_(None)),
)

register_commentable(
    "case",
    lambda target_id: db.session.get(InnovationCase, target_id),
    model=InnovationCase,
    can_view=lambda viewer, case: can_view_case(viewer, case),
    is_public=lambda case: case.status == CASE_PUBLISHED and case.hidden_at is None,
    closed_reason=_case_closed,
    url=_case_url,
    department_id=lambda case: case.department_id,
    title=_case_title,
    follow=_follower("case"),
    notify=_notifier("case", _case_url, _case_title),
    public_ids=lambda: select(InnovationCase.id).where(
        InnovationCase.status == CASE_PUBLISHED, InnovationCase.hidden_at.is_(None)
    ),
)

notifications.register_kind(COMMENT_KIND, lambda p: gettext("There is a new comment on “%(title)s”.", title=p["title"]))
