"""Follows and notifications for threads.

The author follows their thread automatically; anyone signed in may follow
or stop following it. Followers are told of state changes, hand-overs and
official answers (never of their own actions). When a thread is escalated,
the officers of its department are told.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.accounts.models import User
from app.events import signal
from app.extensions import db
from app.notifications import services as notifications
from app.privacy import mask_personal_info
from app.proposals import signals, states
from app.proposals.models import Proposal

TARGET = "proposal"


def _url(proposal: Proposal, anchor: str = "") -> str:
    return f"/proposals/{proposal.id}" + (f"#{anchor}" if anchor else "")


def _title(proposal: Proposal) -> str:
    return mask_personal_info(proposal.title)


def follow(proposal: Proposal, user: Any) -> bool:
    """Follow a thread the user may see; True if newly followed."""
    return notifications.follow(user, TARGET, proposal.id)


def unfollow(proposal: Proposal, user: Any) -> bool:
    """Stop following a thread; True if a follow was removed."""
    return notifications.unfollow(user, TARGET, proposal.id)


def is_following(proposal: Proposal, user: Any) -> bool:
    """False for visitors (one query for signed-in users)."""
    return notifications.is_following(user, TARGET, proposal.id)


@signal(signals.CREATED).connect
def _author_follows(proposal: Proposal, actor: Any = None, **_: Any) -> None:
    if proposal.author_id is not None and actor is not None:
        notifications.follow(actor, TARGET, proposal.id)


@signal(signals.STATUS_CHANGED).connect
def _tell_status(proposal: Proposal, old: str = "", new: str = "", actor: Any = None, note: Any = None, **_: Any) -> None:
    if new == states.ANSWERED:
        return  # the answer itself is the news
    notifications.notify_followers(
        TARGET, proposal.id, "proposal.status_changed", url=_url(proposal, "timeline"), actor=actor,
        params={"title": _title(proposal), "status": new},
    )


@signal(signals.ANSWERED).connect
def _tell_answer(proposal: Proposal, answer: Any = None, actor: Any = None, **_: Any) -> None:
    notifications.notify_followers(
        TARGET, proposal.id, "proposal.answered", url=_url(proposal, f"answer-{answer.id}"), actor=actor,
        params={"title": _title(proposal), "department": answer.department.name if answer.department else ""},
    )


@signal(signals.TRANSFERRED).connect
def _tell_transfer(proposal: Proposal, to_department_id: int | None = None, actor: Any = None, **_: Any) -> None:
    if proposal.status == states.PENDING_REVIEW:
        return
    department = proposal.department
    notifications.notify_followers(
        TARGET, proposal.id, "proposal.transferred", url=_url(proposal, "timeline"), actor=actor,
        params={"title": _title(proposal), "department": department.name if department is not None else ""},
    )


@signal(signals.ESCALATED).connect
def _tell_department(proposal: Proposal, supports: int = 0, **_: Any) -> None:
    if proposal.department_id is None:
        return
    officers = db.session.scalars(
        select(User.id).where(User.role == "officer", User.department_id == proposal.department_id, User.deleted_at.is_(None))
    ).all()
    notifications.notify(
        officers, "proposal.escalated", target_type=TARGET, target_id=proposal.id, url=_url(proposal, "deadlines"),
        params={"title": _title(proposal), "supports": supports},
    )


def _status_text(params: dict) -> str:
    return gettext("“%(title)s” is now: %(status)s.", title=params["title"], status=states.label(params["status"]))


def _transfer_text(params: dict) -> str:
    if params.get("department"):
        return gettext("“%(title)s” was handed to %(department)s.", **params)
    return gettext("“%(title)s” was sent back to the moderators to find the right department.", title=params["title"])


notifications.register_kind("proposal.status_changed", _status_text)
notifications.register_kind(
    "proposal.answered", lambda p: gettext("%(department)s answered “%(title)s”.", department=p["department"], title=p["title"])
)
notifications.register_kind("proposal.transferred", _transfer_text)
notifications.register_kind(
    "proposal.escalated",
    lambda p: gettext("“%(title)s” reached %(supports)d supports and is escalated: answer within 3 working days.", **p),
)
