"""What templates need to show threads: labels, predicates and names, as Jinja globals."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.clock import parse_iso, utcnow
from app.privacy import mask_personal_info
from app.proposals import access, deadlines, states, timeline
from app.proposals.answers import RATING_LABELS
from app.proposals.forms import KIND_LABELS
from app.proposals.models import Proposal

MILESTONE_LABELS = {
    deadlines.ACKNOWLEDGE: _l("acknowledgement"),
    deadlines.ANSWER: _l("official answer"),
    deadlines.CLOSE: _l("closing"),
}

FIELD_LABELS = {
    "note": _l("Note"),
    "reason": _l("Reason"),
    "body": _l("Answer"),
    "department": _l("Department"),
    "until": _l("New deadline"),
    "into": _l("Thread number"),
    "rating": _l("Rating"),
    "status": _l("Status"),
    "approve": _l("Decision"),
}


def field_label(name: str) -> str:
    """The translated name of a form field, for error messages."""
    return str(FIELD_LABELS.get(name, name))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def rating_label(rating: str | None) -> str:
    return str(RATING_LABELS.get(rating, rating or ""))


def milestone_label(milestone: str | None) -> str:
    return str(MILESTONE_LABELS.get(milestone, milestone or ""))


def author_display(viewer: Any, proposal: Proposal) -> str:
    """The author's name as this viewer may see it: a name, 匿名 or 已注销用户."""
    name = access.author_name(viewer, proposal)
    if name is not None:
        if proposal.anonymous:
            return gettext("%(name)s (shown publicly as anonymous)", name=name)
        return name
    if proposal.author is not None and proposal.author.deleted_at is not None and not proposal.anonymous:
        return gettext("deleted user")
    return gettext("Anonymous")


def event_actor(viewer: Any, proposal: Proposal, event: Any) -> str:
    """Who made a timeline entry, keeping an anonymous author anonymous."""
    if event.actor is None:
        return gettext("System")
    if event.actor_id == proposal.author_id:
        return author_display(viewer, proposal)
    if event.actor.deleted_at is not None:
        return gettext("deleted user")
    return event.actor.display_name


def public_title(viewer: Any, proposal: Proposal) -> str:
    """The title shown in lists: masked, or the reason for hiding it."""
    if not access.sees_content(viewer, proposal):
        return gettext("Hidden by moderators")
    return mask_personal_info(proposal.title)


def parse_time(value: Any) -> Any:
    """A stored ISO timestamp (timeline data) as a datetime, or None."""
    try:
        return parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None


def register_template_globals(state: Any) -> None:
    """Blueprint hook: make the helpers available to every template."""
    state.app.jinja_env.globals.update(
        access.PREDICATES,
        proposal_state_label=states.label,
        proposal_action_label=lambda to: str(states.ACTION_LABELS.get(to, states.label(to))),
        proposal_kind_label=kind_label,
        proposal_rating_label=rating_label,
        proposal_milestone_label=milestone_label,
        proposal_event_label=timeline.label,
        proposal_author=author_display,
        proposal_event_actor=event_actor,
        proposal_title=public_title,
        proposal_pending_milestone=deadlines.pending_milestone,
        proposal_now=utcnow,
        proposal_parse_time=parse_time,
        proposal_ratings=list(RATING_LABELS),
        proposal_kinds=list(KIND_LABELS),
        proposal_states=states.PUBLISHED,
    )
