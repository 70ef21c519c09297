"""Deadline extensions: an officer asks for a later deadline with a reason; a
moderator grants or refuses it. Both are public on the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.permissions import is_moderator, require_participation
from app.proposals import access, deadlines, timeline, validation
from app.proposals.models import NOTE_MAX, Extension, Proposal

REQUESTED, APPROVED, REFUSED = "requested", "approved", "refused"


def _check_until(problems: validation.Problems, until: Any, current_due: datetime | None, now: datetime) -> None:
    if not isinstance(until, datetime) or until.tzinfo is None:
        problems.add("until", gettext("Give a date and time."))
    elif until <= now:
        problems.add("until", gettext("The new deadline must be in the future."))
    elif current_due is not None and until <= current_due:
        problems.add("until", gettext("The new deadline must be later than the current one."))


def request_extension(proposal: Proposal, officer: Any, until: Any, reason: Any) -> Extension:
    """Ask for the pending deadline to move to ``until``."""
    require_participation(officer)
    if not access.is_department_officer(officer, proposal):
        raise Forbidden(gettext("Only officers of the holding department may ask for more time."))
    milestone = deadlines.pending_milestone(proposal)
    if milestone is None:
        raise Conflict(gettext("No deadline is running for this thread."))
    pending = db.session.scalar(select(Extension.id).where(Extension.proposal_id == proposal.id, Extension.status == REQUESTED))
    if pending is not None:
        raise Conflict(gettext("An extension request for this thread is already waiting for a decision."))
    now = utcnow()
    current_due = deadlines.due_of(proposal, milestone)
    problems = validation.Problems()
    _check_until(problems, until, current_due, now)
    reason = validation.text(problems, "reason", reason, maximum=NOTE_MAX)
    if problems:
        raise ValidationFailed(fields=problems)
    extension = Extension(
        proposal_id=proposal.id,
        department_id=proposal.department_id,
        requested_by_id=officer.id,
        milestone=milestone,
        previous_due_at=current_due,
        until=until,
        reason=reason,
        status=REQUESTED,
        created_at=now,
    )
    db.session.add(extension)
    db.session.flush()
    timeline.add_event(proposal, timeline.EXTENSION_REQUESTED, officer, now, note=reason,
                       data={"extension": extension.id, "milestone": milestone, "until": until.isoformat()})
    record(officer, "proposal.extension_request", proposal, reason=reason,
           after={"extension": extension.id, "milestone": milestone, "until": until.isoformat()})
    db.session.flush()
    return extension


def get_extension(extension_id: int) -> Extension:
    """An extension request, or NotFound."""
    extension = db.session.get(Extension, extension_id)
    if extension is None:
        raise NotFound(gettext("No such extension request."))
    return extension


def decide_extension(extension: Extension, moderator: Any, approve: Any, reason: Any) -> Extension:
    """Grant (the pending deadline moves to ``until``) or refuse an extension request."""
    require_participation(moderator)
    if not is_moderator(moderator):
        raise Forbidden(gettext("Only moderators decide on extension requests."))
    if extension.status != REQUESTED:
        raise Conflict(gettext("This request has already been decided."))
    problems = validation.Problems()
    if not isinstance(approve, bool):
        problems.add("approve", gettext("Must be true or false."))
    reason = validation.text(problems, "reason", reason, maximum=NOTE_MAX)
    proposal = extension.proposal
    now = utcnow()
    milestone = deadlines.pending_milestone(proposal)
    if approve is True:
        if milestone is None or proposal.department_id != extension.department_id:
            raise Conflict(gettext("No deadline of the requesting department is running any more."))
        _check_until(problems, extension.until, deadlines.due_of(proposal, milestone), now)
    if problems:
        raise ValidationFailed(fields=problems)
    extension.status = APPROVED if approve else REFUSED
    extension.decided_by_id = moderator.id
    extension.decided_at = now
    extension.decision_reason = reason
    if approve:
        deadlines.move_deadline(proposal, milestone, extension.until, deadlines.current_stint(proposal))
    timeline.add_event(proposal, timeline.EXTENSION_DECIDED, moderator, now, note=reason, department_id=extension.department_id,
                       data={"extension": extension.id, "approved": bool(approve), "until": extension.until.isoformat(),
                             "milestone": milestone or extension.milestone})
    record(moderator, "proposal.extension_decision", extension, reason=reason, before={"status": REQUESTED},
           after={"status": extension.status, "until": extension.until.isoformat()})
    db.session.flush()
    return extension


def pending_extensions_query():
    """Extension requests waiting for a moderator, oldest first."""
    return select(Extension).where(Extension.status == REQUESTED).order_by(Extension.created_at, Extension.id)
