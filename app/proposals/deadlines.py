"""Deadlines in working days, department stints, and escalation.

A department holding a thread must acknowledge it, answer it and close it
within its ``ack_days`` / ``answer_days`` / ``close_days`` working days,
counted from when the thread became open or was handed to it. Each holding
period is a stint (``Assignment``) with its own due dates and the moments
each milestone was reached, so the portrait charges a department only for
its own time. ``Proposal.next_due_at`` is the deadline of the next pending
milestone (NULL when nothing is pending): overdue is ``next_due_at < now``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.departments.models import Department
from app.extensions import db
from app.proposals import states
from app.proposals.models import Assignment, Proposal
from app.workdays import add_working_days

ACKNOWLEDGE = "acknowledge"
ANSWER = "answer"
CLOSE = "close"
MILESTONES = (ACKNOWLEDGE, ANSWER, CLOSE)
_DUE = {ACKNOWLEDGE: "ack_due_at", ANSWER: "answer_due_at", CLOSE: "close_due_at"}
_REACHED = {ACKNOWLEDGE: "acknowledged_at", ANSWER: "first_answer_at", CLOSE: "closed_at"}
_MISSED = {ACKNOWLEDGE: "ack_missed", ANSWER: "answer_missed", CLOSE: "close_missed"}
# the milestone a department is working towards, by status
PENDING_MILESTONE = {
    states.OPEN: ACKNOWLEDGE,
    states.ACKNOWLEDGED: ANSWER,
    states.IN_PROGRESS: ANSWER,
    states.REOPENED: ANSWER,
    states.ANSWERED: CLOSE,
}


def pending_milestone(proposal: Proposal) -> str | None:
    """The milestone whose deadline is running, or None."""
    if proposal.department_id is None:
        return None
    return PENDING_MILESTONE.get(proposal.status)


def due_of(proposal: Proposal, milestone: str) -> datetime | None:
    """The thread's current deadline for a milestone."""
    return getattr(proposal, _DUE[milestone])


def refresh_next_due(proposal: Proposal) -> None:
    """Set ``next_due_at`` from the status and the due dates."""
    milestone = pending_milestone(proposal)
    proposal.next_due_at = due_of(proposal, milestone) if milestone else None


def current_stint(proposal: Proposal) -> Assignment | None:
    """The stint of the department holding the thread now."""
    if proposal.id is None:
        return None
    return db.session.scalar(
        select(Assignment)
        .where(Assignment.proposal_id == proposal.id, Assignment.ended_at.is_(None))
        .order_by(Assignment.started_at.desc(), Assignment.id.desc())
        .limit(1)
    )


def start_stint(proposal: Proposal, department: Department, now: datetime, *, acknowledged: bool = False) -> Assignment:
    """Hand the thread to ``department``: new deadlines from ``now`` and a new stint.

    ``acknowledged`` is for a reopened thread: the department already knows it.
    """
    proposal.department_id = department.id
    proposal.ack_due_at = add_working_days(now, department.ack_days)
    proposal.answer_due_at = add_working_days(now, department.answer_days)
    proposal.close_due_at = add_working_days(now, department.close_days)
    if proposal.escalated_at is not None:
        proposal.answer_due_at = min(proposal.answer_due_at, escalated_answer_due(now))
    stint = Assignment(
        proposal_id=proposal.id,
        department_id=department.id,
        started_at=now,
        ack_due_at=proposal.ack_due_at,
        answer_due_at=proposal.answer_due_at,
        close_due_at=proposal.close_due_at,
    )
    if acknowledged:
        stint.acknowledged_at = now
        stint.ack_missed = False
    db.session.add(stint)
    refresh_next_due(proposal)
    return stint


def clear_deadlines(proposal: Proposal) -> None:
    """No department holds the thread: no clock runs."""
    proposal.ack_due_at = proposal.answer_due_at = proposal.close_due_at = None
    proposal.next_due_at = None


def reach(stint: Assignment | None, milestone: str, now: datetime) -> None:
    """Record that a milestone was reached in this stint (the first time only)."""
    if stint is None or getattr(stint, _REACHED[milestone]) is not None:
        return
    setattr(stint, _REACHED[milestone], now)
    due = getattr(stint, _DUE[milestone])
    setattr(stint, _MISSED[milestone], due is not None and now > due)


def settle(stint: Assignment | None, now: datetime) -> None:
    """Decide the milestones still pending in a stint that stops running: missed if overdue now."""
    if stint is None:
        return
    for milestone in MILESTONES:
        if getattr(stint, _MISSED[milestone]) is None and getattr(stint, _REACHED[milestone]) is None:
            due = getattr(stint, _DUE[milestone])
            setattr(stint, _MISSED[milestone], due is not None and now > due)


def end_stint(stint: Assignment | None, now: datetime, reason: str) -> None:
    """The department stops holding the thread."""
    if stint is None:
        return
    settle(stint, now)
    stint.ended_at = now
    stint.end_reason = reason


def on_status_change(proposal: Proposal, old: str, new: str, now: datetime, stint: Assignment | None) -> None:
    """Record the milestones a change of status reaches, then the next deadline."""
    if old == states.OPEN and new in (states.ACKNOWLEDGED, states.IN_PROGRESS, states.ANSWERED, states.DECLINED):
        reach(stint, ACKNOWLEDGE, now)
    if new == states.ANSWERED:
        reach(stint, ACKNOWLEDGE, now)
        reach(stint, ANSWER, now)
    if new in (states.CLOSED, states.DECLINED):
        reach(stint, CLOSE, now)
        settle(stint, now)
    refresh_next_due(proposal)


def escalated_answer_due(now: datetime) -> datetime:
    """The shortened answer deadline of an escalated thread."""
    return add_working_days(now, current_app.config.get("ESCALATED_ANSWER_DAYS", 3))


def shorten_for_escalation(proposal: Proposal, now: datetime, stint: Assignment | None) -> None:
    """The answer deadline becomes min(current, now + 3 working days)."""
    if proposal.answer_due_at is None:
        return
    proposal.answer_due_at = min(proposal.answer_due_at, escalated_answer_due(now))
    if stint is not None and stint.first_answer_at is None:
        stint.answer_due_at = proposal.answer_due_at
    refresh_next_due(proposal)


def move_deadline(proposal: Proposal, milestone: str, until: datetime, stint: Assignment | None) -> None:
    """An approved extension: the milestone's deadline becomes ``until`` (later ones follow)."""
    setattr(proposal, _DUE[milestone], until)
    if stint is not None:
        setattr(stint, _DUE[milestone], until)
    later = MILESTONES[MILESTONES.index(milestone) + 1 :]
    for other in later:
        current = getattr(proposal, _DUE[other])
        if current is not None and current < until:
            setattr(proposal, _DUE[other], until)
            if stint is not None:
                setattr(stint, _DUE[other], until)
    refresh_next_due(proposal)


def deadlines_json(proposal: Proposal) -> dict[str, Any]:
    """The deadlines as the API shows them (filled in by the serializer)."""
    return {
        "acknowledge": proposal.ack_due_at,
        "answer": proposal.answer_due_at,
        "close": proposal.close_due_at,
        "next": proposal.next_due_at,
        "pending": pending_milestone(proposal),
    }
