"""Threads, answers, timeline entries and extension requests as JSON (API.md shapes, plus more)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from app.clock import isoformat, utcnow
from app.privacy import mask_personal_info
from app.proposals import access, deadlines, states, timeline
from app.proposals.models import AnswerRating, Extension, OfficialAnswer, Proposal, ProposalEvent
from app.proposals.services import original_html


def _department(proposal_or_item: Any) -> str | None:
    department = getattr(proposal_or_item, "department", None)
    return department.slug if department is not None else None


def summary_json(proposal: Proposal, viewer: Any, now: Any = None) -> dict[str, Any]:
    """A thread in lists: no body, no contact details."""
    now = now or utcnow()
    visible = access.sees_content(viewer, proposal)
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "title": mask_personal_info(proposal.title) if visible else gettext("Hidden by moderators"),
        "status": proposal.status,
        "department": _department(proposal),
        "department_name": proposal.department.name if proposal.department is not None else None,
        "service": proposal.service_id,
        "author": access.author_name(viewer, proposal),
        "supports": proposal.supports_count,
        "created_at": isoformat(proposal.created_at),
        "last_activity_at": isoformat(proposal.last_activity_at),
        "overdue": proposal.overdue_at(now),
        "escalated": proposal.is_escalated,
        "next_due_at": isoformat(proposal.next_due_at),
        "pinned": proposal.pinned_at is not None,
        "locked": proposal.is_locked,
        "hidden": proposal.is_hidden,
        "hidden_reason": proposal.public_hidden_reason if proposal.is_hidden else None,
        "merged_into": proposal.merged_into_id,
    }


def answer_json(answer: OfficialAnswer, *, with_revisions: bool = True) -> dict[str, Any]:
    """An official answer with the department's badge and every revision."""
    rating: AnswerRating | None = answer.rating if with_revisions else None
    data = {
        "id": answer.id,
        "department": answer.department.slug,
        "department_name": answer.department.name,
        "author": answer.author.display_name if answer.author is not None else None,
        "body_html": answer.body_html,
        "created_at": isoformat(answer.created_at),
        "updated_at": isoformat(answer.updated_at),
        "edited": answer.edited,
        "rating": rating.rating if rating is not None else None,
    }
    if with_revisions:
        data["revisions"] = [
            {"number": r.number, "body_html": r.body_html, "created_at": isoformat(r.created_at)} for r in answer.revisions
        ]
    return data


def event_json(event: ProposalEvent, proposal: Proposal, viewer: Any) -> dict[str, Any]:
    """A timeline entry; the anonymous author stays anonymous."""
    actor = None
    if event.actor is not None:
        hide = proposal.anonymous and event.actor_id == proposal.author_id and access.author_name(viewer, proposal) is None
        actor = None if hide or event.actor.deleted_at else event.actor.display_name
    return {
        "id": event.id,
        "kind": event.kind,
        "label": timeline.label(event.kind),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": actor,
        "department": event.department.slug if event.department is not None else None,
        "note": event.note,
        "data": event.data or {},
        "created_at": isoformat(event.created_at),
    }


def extension_json(extension: Extension) -> dict[str, Any]:
    """An extension request and its decision (public)."""
    return {
        "id": extension.id,
        "proposal": extension.proposal_id,
        "department": extension.department.slug,
        "milestone": extension.milestone,
        "previous_due_at": isoformat(extension.previous_due_at),
        "until": isoformat(extension.until),
        "reason": extension.reason,
        "status": extension.status,
        "decided_at": isoformat(extension.decided_at),
        "decision_reason": extension.decision_reason,
        "created_at": isoformat(extension.created_at),
    }


def detail_json(
    proposal: Proposal,
    viewer: Any,
    *,
    supported_by_me: bool,
    answers: list[OfficialAnswer],
    events: list[ProposalEvent],
    extensions: list[Extension],
) -> dict[str, Any]:
    """One thread in full, as API.md describes it, plus deadlines and extras."""
    now = utcnow()
    data = summary_json(proposal, viewer, now)
    visible = access.sees_content(viewer, proposal)
    due = deadlines.deadlines_json(proposal)
    data.update(
        body_html=proposal.body_html if visible else "",
        supported_by_me=supported_by_me,
        anonymous=proposal.anonymous,
        official_answers=[answer_json(answer) for answer in answers],
        timeline=[event_json(event, proposal, viewer) for event in events],
        extensions=[extension_json(extension) for extension in extensions],
        deadlines={key: (isoformat(value) if key != "pending" else value) for key, value in due.items()},
        escalated_at=isoformat(proposal.escalated_at),
        status_label=states.label(proposal.status),
    )
    if access.sees_private(viewer, proposal):
        data.update(
            contact=proposal.contact,
            title_original=proposal.title,
            body_original_html=original_html(proposal.body),
            review_flags=list(proposal.review_flags or []),
            author=proposal.author.display_name if proposal.author is not None else None,
        )
    return data
