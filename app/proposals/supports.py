"""Supports: one per citizen per thread, withdrawable, exact counts under concurrency.

A unique constraint settles duplicates (``insert_or_ignore``); the stored
``supports_count`` moves by ``UPDATE … SET supports_count = supports_count ± 1``
only when a row was really inserted or deleted, in the same transaction.
Reaching ``ESCALATION_THRESHOLD`` escalates the thread once.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.permissions import require_participation
from app.proposals import access, deadlines, signals, states, timeline
from app.proposals.models import Proposal, Support


def _bump(proposal: Proposal, delta: int) -> int:
    """Move the stored count by ``delta`` in the database; return the new count."""
    new_count = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(supports_count=Proposal.supports_count + delta)
        .returning(Proposal.supports_count)
    ).scalar_one()
    set_committed_value(proposal, "supports_count", new_count)
    return new_count


def _stored_count(proposal: Proposal) -> int:
    count = db.session.scalar(select(Proposal.supports_count).where(Proposal.id == proposal.id)) or 0
    set_committed_value(proposal, "supports_count", count)
    return count


def support(proposal: Proposal, user: Any) -> int:
    """Add the user's support (idempotent); the current count."""
    require_participation(user)
    if access.is_author(user, proposal):
        raise Forbidden(gettext("You cannot support your own thread."), code="own_thread")
    if proposal.status not in states.SUPPORTABLE:
        raise Conflict(gettext("This thread no longer takes supports."))
    if proposal.is_hidden or proposal.is_locked:
        raise Conflict(gettext("This thread is locked or hidden and takes no supports."))
    inserted = insert_or_ignore(db.session, Support, {"proposal_id": proposal.id, "user_id": user.id, "created_at": utcnow()})
    if not inserted:
        return _stored_count(proposal)
    count = _bump(proposal, +1)
    signals.send(signals.SUPPORTED, proposal, user=user, delta=+1)
    if count >= current_app.config.get("ESCALATION_THRESHOLD", 100):
        check_escalation(proposal)
    return count


def withdraw(proposal: Proposal, user: Any) -> int:
    """Withdraw the user's support (idempotent); the current count."""
    require_participation(user)
    deleted = db.session.execute(
        delete(Support).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    ).rowcount
    if not deleted:
        return _stored_count(proposal)
    count = _bump(proposal, -1)
    signals.send(signals.SUPPORTED, proposal, user=user, delta=-1)
    return count


def supported_by(proposal: Proposal, user: Any) -> bool:
    """True when the user supports the thread."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(Support.id).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    ) is not None


def check_escalation(proposal: Proposal) -> bool:
    """Escalate once when the stored count reaches the threshold; True if it happened now."""
    threshold = current_app.config.get("ESCALATION_THRESHOLD", 100)
    now = utcnow()
    claimed = db.session.execute(
        update(Proposal)
        .where(
            Proposal.id == proposal.id,
            Proposal.escalated_at.is_(None),
            Proposal.supports_count >= threshold,
        )
        .values(escalated_at=now)
    ).rowcount
    if not claimed:
        return False
    db.session.refresh(proposal)
    stint = deadlines.current_stint(proposal)
    if proposal.status in (states.OPEN, states.ACKNOWLEDGED, states.IN_PROGRESS, states.REOPENED):
        deadlines.shorten_for_escalation(proposal, now, stint)
    timeline.add_event(
        proposal, timeline.ESCALATED, None, now, department_id=proposal.department_id,
        data={"supports": proposal.supports_count, "threshold": threshold},
    )
    db.session.flush()
    signals.send(signals.ESCALATED, proposal, supports=proposal.supports_count)
    return True
