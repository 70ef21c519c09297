"""The state machine of a thread, as one table.

    pending_review → open → acknowledged → in_progress → answered → closed
                       ↘ declined (reason required)      ↘ reopened (once, by the author, if unsatisfied) → in_progress
                       ↘ merged (into another thread)

``TRANSITIONS[(from, to)]`` says who may make the change and whether a note
is required. ``via`` marks changes that are not made through the status
form: ``answer`` (posting an official answer moves the thread to answered)
and ``merge`` (a moderator merges it into another thread, naming the target).
Anything not in the table is refused with 409.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PENDING_REVIEW = "pending_review"
OPEN = "open"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
ANSWERED = "answered"
CLOSED = "closed"
DECLINED = "declined"
REOPENED = "reopened"
MERGED = "merged"

STATES = (PENDING_REVIEW, OPEN, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, CLOSED, DECLINED, REOPENED, MERGED)
PUBLISHED = tuple(s for s in STATES if s != PENDING_REVIEW)
# the department still has work to do (a clock may run)
ACTIVE = (OPEN, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, REOPENED)
FINISHED = (CLOSED, DECLINED, MERGED)
# a citizen may add a support while the thread is in one of these
SUPPORTABLE = (OPEN, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, REOPENED)
# a thread may change hands while the department has not answered yet
TRANSFERABLE = (OPEN, ACKNOWLEDGED, IN_PROGRESS, REOPENED)
# merging is possible into a thread in one of these
MERGE_TARGETS = (OPEN, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, REOPENED)

# who: "officer" = an officer of the assigned department; "moderator" includes admins
OFFICER = "officer"
MODERATOR = "moderator"
AUTHOR = "author"
STAFF = frozenset({OFFICER, MODERATOR})

STATE_LABELS = {
    PENDING_REVIEW: _l("Awaiting review"),
    OPEN: _l("Open"),
    ACKNOWLEDGED: _l("Acknowledged"),
    IN_PROGRESS: _l("In progress"),
    ANSWERED: _l("Answered"),
    CLOSED: _l("Closed"),
    DECLINED: _l("Declined"),
    REOPENED: _l("Reopened"),
    MERGED: _l("Merged"),
}
# the button that makes a transition, by target state
ACTION_LABELS = {
    OPEN: _l("Approve and publish"),
    ACKNOWLEDGED: _l("Acknowledge"),
    IN_PROGRESS: _l("Start work"),
    CLOSED: _l("Close"),
    DECLINED: _l("Decline"),
    REOPENED: _l("Reopen"),
}


@dataclass(frozen=True)
class Transition:
    """Who may move a thread from one state to another."""

    who: frozenset[str]
    note_required: bool = False
    via: str | None = None  # None: the status form; "answer" or "merge": that action only


def _t(who: set[str], note_required: bool = False, via: str | None = None) -> Transition:
    return Transition(frozenset(who), note_required, via)


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (PENDING_REVIEW, OPEN): _t({MODERATOR}),
    (PENDING_REVIEW, DECLINED): _t({MODERATOR}, note_required=True),
    (OPEN, ACKNOWLEDGED): _t(STAFF),
    (OPEN, IN_PROGRESS): _t(STAFF),
    (OPEN, DECLINED): _t(STAFF, note_required=True),
    (ACKNOWLEDGED, IN_PROGRESS): _t(STAFF),
    (ACKNOWLEDGED, DECLINED): _t(STAFF, note_required=True),
    (IN_PROGRESS, DECLINED): _t(STAFF, note_required=True),
    (ANSWERED, CLOSED): _t(STAFF),
    (ANSWERED, REOPENED): _t({AUTHOR}),
    (CLOSED, REOPENED): _t({AUTHOR}),
    (REOPENED, IN_PROGRESS): _t(STAFF),
    (REOPENED, DECLINED): _t(STAFF, note_required=True),
    (REOPENED, CLOSED): _t(STAFF, note_required=True),
    # posting an official answer (officers of the assigned department)
    (OPEN, ANSWERED): _t({OFFICER}, via="answer"),
    (ACKNOWLEDGED, ANSWERED): _t({OFFICER}, via="answer"),
    (IN_PROGRESS, ANSWERED): _t({OFFICER}, via="answer"),
    (REOPENED, ANSWERED): _t({OFFICER}, via="answer"),
    # merging a duplicate into another thread (moderators)
    (OPEN, MERGED): _t({MODERATOR}, note_required=True, via="merge"),
    (ACKNOWLEDGED, MERGED): _t({MODERATOR}, note_required=True, via="merge"),
    (IN_PROGRESS, MERGED): _t({MODERATOR}, note_required=True, via="merge"),
    (ANSWERED, MERGED): _t({MODERATOR}, note_required=True, via="merge"),
    (REOPENED, MERGED): _t({MODERATOR}, note_required=True, via="merge"),
}


def transition(from_state: str, to_state: str) -> Transition | None:
    """The rule for this change, or None when the state machine forbids it."""
    return TRANSITIONS.get((from_state, to_state))


def targets(from_state: str, roles: set[str], via: str | None = None) -> list[str]:
    """The states these roles may move a thread to from ``from_state`` (in STATES order)."""
    return [
        to
        for to in STATES
        if (rule := TRANSITIONS.get((from_state, to))) is not None and rule.via == via and rule.who & roles
    ]


def label(state: str) -> str:
    """The translated name of a state."""
    return str(STATE_LABELS.get(state, state))
