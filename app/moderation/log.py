"""The public moderation log: moderators' decisions with their public reasons, without personal data.

It shows what was done, to which public item, when and why — never who the
citizens involved are: no usernames, no e-mail addresses; reasons are shown
with personal information masked; a suspended account is "an account". The
actor is named by role only (moderator, administrator, the system).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.clock import isoformat
from app.extensions import db
from app.pagination import Page, paginate
from app.privacy import mask_name, mask_personal_info
from app.proposals import states
from app.proposals.models import Proposal

ACTIONS = {
    "moderation.approve": _l("Approved"),
    "moderation.hide": _l("Hidden"),
    "moderation.auto_hide": _l("Hidden after three flags, pending review"),
    "moderation.restore": _l("Restored"),
    "moderation.lock": _l("Locked"),
    "moderation.unlock": _l("Unlocked"),
    "moderation.pin": _l("Pinned"),
    "moderation.unpin": _l("Unpinned"),
    "moderation.appeal_upheld": _l("Appeal rejected"),
    "moderation.appeal_restored": _l("Appeal accepted"),
    "proposal.status": _l("Status changed"),
    "proposal.merge": _l("Merged into another thread"),
    "proposal.route": _l("Assigned to a department"),
    "proposal.transfer": _l("Re-routed to another department"),
    "proposal.extension_decision": _l("Deadline extension decided"),
    "case.publish": _l("Innovation case published"),
    "campaign.invalidate_votes": _l("Votes invalidated"),
    "user.suspend": _l("Account suspended"),
    "user.ban": _l("Account banned"),
    "user.lift": _l("Suspension lifted"),
}
MODERATING_ROLES = ("moderator", "admin", "system")
ACTOR_LABELS = {"moderator": _l("Moderator"), "admin": _l("Administrator"), "system": _l("System")}
TARGET_LABELS = {
    "proposal": _l("Thread"), "comment": _l("User comment"), "case": _l("Innovation case"), "user": _l("An account"),
    "extension": _l("Deadline extension"), "campaign": _l("Voting campaign"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def log_query(action: str | None = None) -> Select:
    """Public entries of moderating roles, newest first (optionally one action)."""
    query = select(AuditEntry).where(
        AuditEntry.public.is_(True),
        AuditEntry.action.in_(sorted(ACTIONS)),
        AuditEntry.actor_role.in_(MODERATING_ROLES),
    )
    if action:
        query = query.where(AuditEntry.action == action)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


@dataclass
class LogPage:
    """A page of the log with what it needs to stay free of personal data."""

    page: Page
    public_threads: set[int] = field(default_factory=set)  # threads the public may open
    names: dict[int, str] = field(default_factory=dict)  # usernames of the accounts concerned, to mask


def log_page(action: str | None, page: int, per_page: int) -> LogPage:
    """A page of the log (two queries), which of its threads are public and whose names to mask (one each)."""
    result = paginate(log_query(action), page, per_page)
    thread_ids = {entry.target_id for entry in result.items if entry.target_type == "proposal" and entry.target_id}
    public_threads = (
        set(db.session.scalars(select(Proposal.id).where(Proposal.id.in_(thread_ids), Proposal.status != states.PENDING_REVIEW)))
        if thread_ids
        else set()
    )
    subject_ids = {entry.subject_user_id for entry in result.items if entry.subject_user_id and entry.reason}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(subject_ids))).all()) if subject_ids else {}
    return LogPage(result, public_threads, names)


def target_url(entry: AuditEntry, public_threads: set[int]) -> str | None:
    """Where the public may look at the item (None for accounts and items that are not public)."""
    if entry.target_id is None:
        return None
    if entry.target_type == "proposal":
        return f"/proposals/{entry.target_id}" if entry.target_id in public_threads else None
    if entry.target_type == "comment":
        return f"/comments/{entry.target_id}"
    if entry.target_type == "case":
        return f"/cases/{entry.target_id}"
    if entry.target_type == "campaign":
        return f"/campaigns/{entry.target_id}"
    return None


def target_label(entry: AuditEntry) -> str:
    """"Thread #12", "Comment #40" … and "An account" (never which one)."""
    label = str(TARGET_LABELS.get(entry.target_type, entry.target_type))
    if entry.target_type == "user" or entry.target_id is None:
        return label
    return f"{label} #{entry.target_id}"


def public_reason(entry: AuditEntry, names: dict[int, str] | None = None) -> str:
    """The reason as the public reads it: personal information masked, and the name of the
    account concerned (a moderator may have written it) masked too (张** / z****)."""
    reason = mask_personal_info(entry.reason or "")
    name = (names or {}).get(entry.subject_user_id) if entry.subject_user_id else None
    if name and reason:
        reason = re.sub(re.escape(name), mask_name(name), reason, flags=re.IGNORECASE)
    return reason


def detail(entry: AuditEntry) -> str:
    """A short public detail: the change of status, the thread merged into, the suspension's length."""
    after = entry.after if isinstance(entry.after, dict) else {}
    before = entry.before if isinstance(entry.before, dict) else {}
    if entry.action == "proposal.status" and after.get("status"):
        return gettext("%(old)s → %(new)s", old=states.label(before.get("status", "")), new=states.label(after["status"]))
    if entry.action == "proposal.merge" and after.get("into"):
        return gettext("into thread #%(id)s", id=after["into"])
    if entry.action == "user.suspend" and after.get("days"):
        return gettext("for %(days)s days", days=after["days"])
    return ""


def actor_label(entry: AuditEntry) -> str:
    return str(ACTOR_LABELS.get(entry.actor_role or "system", ACTOR_LABELS["system"]))


def entry_json(entry: AuditEntry, view: LogPage) -> dict[str, Any]:
    """One entry of the public log as JSON."""
    return {
        "id": entry.id,
        "action": entry.action,
        "label": action_label(entry.action),
        "target_type": entry.target_type,
        "target_id": None if entry.target_type == "user" else entry.target_id,
        "url": target_url(entry, view.public_threads),
        "reason": public_reason(entry, view.names) or None,
        "detail": detail(entry) or None,
        "actor_role": entry.actor_role or "system",
        "created_at": isoformat(entry.created_at),
    }
