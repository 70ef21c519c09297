"""Signals sent by the proposal services, for other features to react to.

Every signal is sent after the change was flushed, inside the request's
transaction; receivers' writes commit or roll back with it. The sender is
always the ``Proposal``; keyword arguments:

``proposal.created``         actor — a thread was written (it may still be pending review)
``proposal.published``       actor — the thread became public (posted directly or approved by a moderator)
``proposal.updated``         actor, fields — title, body or visibility changed (``fields`` names them)
``proposal.status_changed``  old, new, actor, note — any change of status (actor None for the system)
``proposal.answered``        answer, actor — an officer posted an official answer
``proposal.transferred``     from_department_id, to_department_id, actor — the thread changed hands
                             (to_department_id None: sent back to moderators; from None: first routing)
``proposal.escalated``       supports — the support count reached ESCALATION_THRESHOLD
``proposal.supported``       user, delta — +1 when a support was added, -1 when withdrawn
                             (only when a row really changed)
``proposal.merged``          target, actor — the thread was merged into ``target``
"""

from __future__ import annotations

from typing import Any

from app.events import signal

CREATED = "proposal.created"
PUBLISHED = "proposal.published"
UPDATED = "proposal.updated"
STATUS_CHANGED = "proposal.status_changed"
ANSWERED = "proposal.answered"
TRANSFERRED = "proposal.transferred"
ESCALATED = "proposal.escalated"
SUPPORTED = "proposal.supported"
MERGED = "proposal.merged"

ALL = (CREATED, PUBLISHED, UPDATED, STATUS_CHANGED, ANSWERED, TRANSFERRED, ESCALATED, SUPPORTED, MERGED)


def send(name: str, proposal: Any, **kwargs: Any) -> None:
    """Send one of the signals above for ``proposal``."""
    signal(name).send(proposal, **kwargs)
