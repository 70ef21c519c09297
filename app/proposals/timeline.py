"""The public timeline of a thread: every change, with actor, time and note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.permissions import is_officer
from app.proposals.models import Proposal, ProposalEvent

CREATED = "created"
STATUS_CHANGED = "status_changed"
ANSWERED = "answered"
ANSWER_EDITED = "answer_edited"
RATED = "rated"
TRANSFERRED = "transferred"
ROUTED = "routed"
SENT_BACK = "sent_back"
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_DECIDED = "extension_decided"
ESCALATED = "escalated"
MERGED_INTO = "merged_into"
MERGED_FROM = "merged_from"
EDITED = "edited"

EVENT_LABELS = {
    CREATED: _l("Thread raised"),
    STATUS_CHANGED: _l("Status changed"),
    ANSWERED: _l("Official answer posted"),
    ANSWER_EDITED: _l("Official answer edited"),
    RATED: _l("Answer rated by the author"),
    TRANSFERRED: _l("Transferred to another department"),
    ROUTED: _l("Assigned to a department by a moderator"),
    SENT_BACK: _l("Sent back to moderators as not this department's responsibility"),
    EXTENSION_REQUESTED: _l("Deadline extension requested"),
    EXTENSION_DECIDED: _l("Deadline extension decided"),
    ESCALATED: _l("Escalated: the support threshold was reached"),
    MERGED_INTO: _l("Merged into another thread"),
    MERGED_FROM: _l("A duplicate thread was merged into this one"),
    EDITED: _l("Edited by the author"),
}


def add_event(
    proposal: Proposal,
    kind: str,
    actor: Any,
    now: datetime,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    department_id: int | None = None,
    data: dict | None = None,
) -> ProposalEvent:
    """Append an entry to the thread's timeline (and mark the thread active)."""
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    if department_id is None and actor_id is not None and is_officer(actor):
        department_id = actor.department_id
    event = ProposalEvent(
        proposal_id=proposal.id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor_id,
        department_id=department_id,
        note=note or None,
        data=data or {},
        created_at=now,
    )
    db.session.add(event)
    proposal.last_activity_at = now
    return event


def label(kind: str) -> str:
    """The translated description of an event kind."""
    return str(EVENT_LABELS.get(kind, kind))
