"""Hand-overs: transfer 转办 (officer or moderator), send-back 退单 (officer), and
moderators' routing of threads that have no department or are disputed.

Every hand-over ends the giving department's stint, starts a stint with new
deadlines for the receiving one, and shows on the timeline.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from app.audit.services import record
from app.clock import utcnow
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.permissions import is_moderator, require_participation
from app.proposals import access, deadlines, signals, states, timeline, validation
from app.proposals.models import NOTE_MAX, Proposal


def transfer(proposal: Proposal, actor: Any, department: Any, reason: Any) -> Proposal:
    """Hand the thread to another department (a moderator also routes threads that have none)."""
    require_participation(actor)
    moderator = is_moderator(actor)
    if not (moderator or access.is_department_officer(actor, proposal)):
        raise Forbidden(gettext("Only officers of the holding department and moderators may transfer this thread."))
    allowed = states.TRANSFERABLE + ((states.PENDING_REVIEW,) if moderator else ())
    if proposal.status not in allowed:
        raise Conflict(gettext("A thread that is %(current)s cannot change department.", current=states.label(proposal.status)))
    problems = validation.Problems()
    ok, target = validation.department(problems, department, allow_unsure=False)
    if ok and target is not None and target.id == proposal.department_id:
        problems.add("department", gettext("The thread is already with this department."))
    first_routing = proposal.department_id is None
    reason = validation.text(problems, "reason", reason, maximum=NOTE_MAX, required=not first_routing)
    if problems:
        raise ValidationFailed(fields=problems)
    assert target is not None
    now = utcnow()
    old_status = proposal.status
    from_department_id = proposal.department_id
    deadlines.end_stint(deadlines.current_stint(proposal), now, "rerouted" if moderator else "transferred")
    if proposal.service is not None and proposal.service.department_id != target.id:
        proposal.service_id = None
    proposal.department_id = target.id
    proposal.updated_at = now
    if old_status != states.PENDING_REVIEW:  # a pending thread's clock starts when a moderator approves it
        proposal.status = states.OPEN
        deadlines.start_stint(proposal, target, now)
    kind = timeline.ROUTED if first_routing else timeline.TRANSFERRED
    timeline.add_event(
        proposal, kind, actor, now,
        from_status=old_status if proposal.status != old_status else None,
        to_status=proposal.status if proposal.status != old_status else None,
        note=reason, department_id=target.id,
        data={"from_department": from_department_id, "to_department": target.id},
    )
    record(actor, "proposal.transfer" if not first_routing else "proposal.route", proposal, reason=reason,
           before={"department": from_department_id, "status": old_status},
           after={"department": target.id, "status": proposal.status}, subject_user_id=proposal.author_id)
    db.session.flush()
    db.session.expire(proposal, ["department", "service"])
    signals.send(signals.TRANSFERRED, proposal, from_department_id=from_department_id, to_department_id=target.id, actor=actor)
    if proposal.status != old_status:
        signals.send(signals.STATUS_CHANGED, proposal, old=old_status, new=proposal.status, actor=actor, note=reason)
    return proposal


def send_back(proposal: Proposal, officer: Any, reason: Any) -> Proposal:
    """"Not our responsibility": the thread goes back to moderators, without a department."""
    require_participation(officer)
    if not access.is_department_officer(officer, proposal):
        raise Forbidden(gettext("Only officers of the holding department may send this thread back."))
    if proposal.status not in states.TRANSFERABLE:
        raise Conflict(gettext("A thread that is %(current)s cannot be sent back.", current=states.label(proposal.status)))
    problems = validation.Problems()
    reason = validation.text(problems, "reason", reason, maximum=NOTE_MAX, required=True)
    if problems:
        raise ValidationFailed(fields=problems)
    now = utcnow()
    old_status = proposal.status
    from_department_id = proposal.department_id
    deadlines.end_stint(deadlines.current_stint(proposal), now, "sent_back")
    proposal.department_id = None
    proposal.service_id = None
    proposal.status = states.OPEN
    proposal.updated_at = now
    deadlines.clear_deadlines(proposal)
    timeline.add_event(
        proposal, timeline.SENT_BACK, officer, now,
        from_status=old_status if old_status != states.OPEN else None,
        to_status=states.OPEN if old_status != states.OPEN else None,
        note=reason, department_id=from_department_id,
        data={"from_department": from_department_id},
    )
    record(officer, "proposal.send_back", proposal, reason=reason, before={"department": from_department_id, "status": old_status},
           after={"department": None, "status": states.OPEN}, subject_user_id=proposal.author_id)
    db.session.flush()
    db.session.expire(proposal, ["department", "service"])
    signals.send(signals.TRANSFERRED, proposal, from_department_id=from_department_id, to_department_id=None, actor=officer)
    if old_status != states.OPEN:
        signals.send(signals.STATUS_CHANGED, proposal, old=old_status, new=states.OPEN, actor=officer, note=reason)
    return proposal
