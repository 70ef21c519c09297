"""Who may do what with a thread: named predicates for routes, services and templates."""

from __future__ import annotations

from typing import Any

from app.permissions import can_participate, is_moderator, is_officer_of, is_signed_in
from app.proposals import states
from app.proposals.models import Proposal


def is_author(user: Any, proposal: Proposal) -> bool:
    """The signed-in user wrote the thread."""
    return is_signed_in(user) and proposal.author_id is not None and proposal.author_id == user.id


def is_department_officer(user: Any, proposal: Proposal) -> bool:
    """An officer of the department the thread is assigned to."""
    return is_officer_of(user, proposal.department_id)


def sees_private(user: Any, proposal: Proposal) -> bool:
    """Sees the contact details, the unmasked text and the anonymous author's name."""
    return is_moderator(user) or is_department_officer(user, proposal)


def can_view(user: Any, proposal: Proposal) -> bool:
    """Published threads are public; pending ones only for the author, the department and moderators."""
    return proposal.status != states.PENDING_REVIEW or is_author(user, proposal) or sees_private(user, proposal)


def sees_content(user: Any, proposal: Proposal) -> bool:
    """Hidden threads show their public reason instead of title and body to all but moderators."""
    return not proposal.is_hidden or is_moderator(user)


def roles_on(user: Any, proposal: Proposal) -> set[str]:
    """The roles of the state machine this user has on this thread."""
    roles = set()
    if is_department_officer(user, proposal):
        roles.add(states.OFFICER)
    if is_moderator(user):
        roles.add(states.MODERATOR)
    if is_author(user, proposal):
        roles.add(states.AUTHOR)
    return roles


def status_targets(user: Any, proposal: Proposal) -> list[str]:
    """The states this user may move the thread to through the status form."""
    if not can_participate(user):
        return []
    roles = roles_on(user, proposal)
    targets = states.targets(proposal.status, roles - {states.AUTHOR})
    return targets  # the author's reopen has its own form, shown after an unsatisfied rating


def can_support(user: Any, proposal: Proposal) -> bool:
    """May add a support: signed in, not suspended, not the author, thread open to supports."""
    return (
        can_participate(user)
        and not is_author(user, proposal)
        and proposal.status in states.SUPPORTABLE
        and not proposal.is_hidden
        and not proposal.is_locked
    )


def can_edit(user: Any, proposal: Proposal) -> bool:
    """The author corrects the thread until a department acts on it (pending or open, not locked)."""
    return (
        can_participate(user)
        and is_author(user, proposal)
        and proposal.status in (states.PENDING_REVIEW, states.OPEN)
        and not proposal.is_locked
    )


def can_answer(user: Any, proposal: Proposal) -> bool:
    """Officers of the assigned department answer while the thread is active."""
    return can_participate(user) and is_department_officer(user, proposal) and proposal.status in states.ACTIVE


def can_edit_answer(user: Any, answer: Any) -> bool:
    """Officers of the department that wrote the answer."""
    return can_participate(user) and is_officer_of(user, answer.department_id)


def can_transfer(user: Any, proposal: Proposal) -> bool:
    """Officers of the holding department and moderators hand a thread over (转办 / re-route)."""
    if not can_participate(user):
        return False
    if is_moderator(user):
        return proposal.status in states.TRANSFERABLE or proposal.status == states.PENDING_REVIEW
    return is_department_officer(user, proposal) and proposal.status in states.TRANSFERABLE


def can_send_back(user: Any, proposal: Proposal) -> bool:
    """Officers of the holding department send a thread back to moderators (退单)."""
    return can_participate(user) and is_department_officer(user, proposal) and proposal.status in states.TRANSFERABLE


def can_request_extension(user: Any, proposal: Proposal) -> bool:
    """Officers of the holding department ask for more time while a deadline is pending."""
    return can_participate(user) and is_department_officer(user, proposal) and proposal.next_due_at is not None


def can_merge(user: Any, proposal: Proposal) -> bool:
    """Moderators merge a duplicate into another thread."""
    return can_participate(user) and is_moderator(user) and bool(states.targets(proposal.status, {states.MODERATOR}, via="merge"))


def can_rate(user: Any, proposal: Proposal, latest_answer: Any) -> bool:
    """The author rates the latest official answer, once."""
    return (
        can_participate(user)
        and is_author(user, proposal)
        and latest_answer is not None
        and getattr(latest_answer, "rating", None) is None
    )


def can_reopen(user: Any, proposal: Proposal, latest_answer: Any) -> bool:
    """The author reopens once, after rating the latest answer unsatisfied."""
    rating = getattr(latest_answer, "rating", None) if latest_answer is not None else None
    return (
        can_participate(user)
        and is_author(user, proposal)
        and states.transition(proposal.status, states.REOPENED) is not None
        and proposal.reopened_at is None
        and rating is not None
        and rating.rating == "unsatisfied"
    )


def author_name(viewer: Any, proposal: Proposal) -> str | None:
    """The author's public name, or None when anonymous (to all but the department, moderators and the author)."""
    if proposal.author is None:
        return None
    if proposal.anonymous and not (sees_private(viewer, proposal) or is_author(viewer, proposal)):
        return None
    return proposal.author.display_name if not proposal.author.deleted_at else None


PREDICATES = {
    "proposal_can_support": can_support,
    "proposal_can_edit": can_edit,
    "proposal_can_answer": can_answer,
    "proposal_can_edit_answer": can_edit_answer,
    "proposal_can_transfer": can_transfer,
    "proposal_can_send_back": can_send_back,
    "proposal_can_request_extension": can_request_extension,
    "proposal_can_merge": can_merge,
    "proposal_can_rate": can_rate,
    "proposal_can_reopen": can_reopen,
    "proposal_sees_private": sees_private,
    "proposal_sees_content": sees_content,
    "proposal_is_author": is_author,
    "proposal_status_targets": status_targets,
}
