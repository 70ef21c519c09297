"""Threads in the full-text search index (kind "proposal").

A thread is searchable while the public may read it: published, not hidden,
not merged. The index follows every change through the proposal signals, in
the same transaction; ``flask --app wsgi search reindex proposal`` (and the
demo seed) rebuild it from the table. Only masked text is indexed.
"""

from __future__ import annotations

from typing import Any, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.events import signal
from app.extensions import db
from app.privacy import mask_personal_info
from app.proposals import signals, states
from app.proposals.models import Proposal
from app.sanitize import plain_text
from app.search import services as search

KIND = "proposal"
BATCH = 500


def searchable(proposal: Any) -> bool:
    """True while the public may read the thread."""
    return proposal.status not in (states.PENDING_REVIEW, states.MERGED) and proposal.hidden_at is None


def document(proposal: Any) -> dict[str, Any]:
    """The searchable copy: masked title and masked plain text of the body."""
    return {
        "ref_id": proposal.id,
        "title": mask_personal_info(proposal.title),
        "body": mask_personal_info(plain_text(proposal.body)),
        "url": f"/proposals/{proposal.id}",
        "department_id": proposal.department_id,
        "created_at": proposal.created_at,
    }


def sync(proposal: Proposal, **_: Any) -> None:
    """Index the thread, or take it out of the index when the public may no longer read it."""
    if searchable(proposal):
        search.index_document(KIND, **document(proposal))
    else:
        search.remove_document(KIND, proposal.id)


def reindex_proposals() -> Iterator[dict[str, Any]]:
    """Every searchable thread, read in batches by id."""
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Proposal)
            .where(Proposal.id > last_id, Proposal.status.not_in((states.PENDING_REVIEW, states.MERGED)), Proposal.hidden_at.is_(None))
            .order_by(Proposal.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for proposal in batch:
            yield document(proposal)
        last_id = batch[-1].id


for _name in (signals.CREATED, signals.PUBLISHED, signals.UPDATED, signals.STATUS_CHANGED, signals.TRANSFERRED):
    signal(_name).connect(sync, weak=False)

search.register_source(KIND, _l("Proposal"), reindex_proposals)
