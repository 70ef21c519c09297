"""Flags: citizens report an item; three flags from distinct accounts hide it pending review.

- one flag per account and item (the unique constraint settles it: 409 for a second);
- never on one's own content (403);
- the third open flag hides the item at once (``hidden_by_flags``, the public reads
  "已因多次举报暂时隐藏，等待审核") — except innovation cases, which are the departments'
  own publications: flags queue them for review but never hide them;
- the content policy's personal-information findings enter the queue as system flags
  (``user_id`` NULL), for threads, comments and cases alike.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update

from app.audit.services import record
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, Forbidden, ValidationFailed
from app.events import signal
from app.extensions import db
from app.moderation import notices, targets
from app.moderation.models import NOTE_MAX, REASONS, Flag
from app.permissions import require_participation
from app.privacy import find_personal_info

AUTO_HIDE_FLAGS = 3
PERSONAL_INFO = "personal_info"


def _note(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationFailed(fields={"note": [gettext("Must be text.")]})
    value = value.strip()
    if len(value) > NOTE_MAX:
        raise ValidationFailed(fields={"note": [gettext("At most %(max)d characters.", max=NOTE_MAX)]})
    return value or None


def flag(user: Any, target_type: Any, target_id: Any, reason: Any, note: Any = None) -> Flag:
    """Flag an item; see the module docstring for the rules."""
    require_participation(user)
    fields: dict[str, list[str]] = {}
    if reason not in REASONS:
        fields["reason"] = [gettext("Must be one of: %(choices)s.", choices=", ".join(REASONS))]
    try:
        clean_note = _note(note)
    except ValidationFailed as exc:
        fields.update(exc.fields or {})
    if fields:
        raise ValidationFailed(fields=fields)
    kind, item = targets.load(target_type, target_id, user)
    if kind.author_id(item) is not None and kind.author_id(item) == user.id:
        raise Forbidden(gettext("You cannot flag your own content."), code="own_content")
    now = utcnow()
    inserted = insert_or_ignore(db.session, Flag, {
        "target_type": kind.target_type, "target_id": item.id, "user_id": user.id,
        "reason": reason, "note": clean_note, "created_at": now,
    })
    if not inserted:
        raise Conflict(gettext("You have already flagged this."), code="already_flagged")
    # the stored count of open flags moves under the row's lock, so the third flag is seen exactly once
    model = kind.model
    count = db.session.execute(
        update(model).where(model.id == item.id).values(flags_count=model.flags_count + 1).returning(model.flags_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    # the row lock is ours now: read what concurrent flags committed before us (hidden already?)
    db.session.refresh(item)
    if count >= AUTO_HIDE_FLAGS and item.hidden_at is None and not kind.never_auto_hide(item):
        _auto_hide(kind, item, count, now)
    return db.session.scalar(
        select(Flag).where(Flag.target_type == kind.target_type, Flag.target_id == item.id, Flag.user_id == user.id)
    )


def _auto_hide(kind: targets.Moderatable, item: Any, count: int, now: Any) -> None:
    was_visible = getattr(item, "is_visible", True)
    item.hidden_at = now
    item.hidden_by_flags = True
    item.hidden_reason = None
    item.hidden_by_id = None
    db.session.flush()
    record(None, "moderation.auto_hide", item, before={"hidden": False}, after={"hidden": True, "flags": count},
           subject_user_id=kind.author_id(item))
    kind.changed(item, None, ["hidden"], was_visible)
    notices.tell_author(kind, item, "moderation.hidden_by_flags")


def resolve_open_flags(target_type: str, target_id: int, actor: Any, resolution: str) -> int:
    """Close every open flag of an item (a moderator decided); returns how many."""
    result = db.session.execute(
        update(Flag)
        .where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=getattr(actor, "id", None), resolution=resolution),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def has_open_flags(target_type: str, target_id: int) -> bool:
    """Whether an item has open flags (by accounts or the system)."""
    return db.session.scalar(
        select(Flag.id).where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None)).limit(1)
    ) is not None


def add_system_flag(target_type: str, target_id: int, reason: str = PERSONAL_INFO) -> bool:
    """Queue an item for review (one open system flag per item and reason); True if added."""
    exists = db.session.scalar(
        select(Flag.id).where(
            Flag.target_type == target_type, Flag.target_id == target_id, Flag.user_id.is_(None),
            Flag.reason == reason, Flag.resolved_at.is_(None),
        ).limit(1)
    )
    if exists is not None:
        return False
    db.session.add(Flag(target_type=target_type, target_id=target_id, user_id=None, reason=reason, created_at=utcnow()))
    db.session.flush()
    return True


# --- the content policy's findings become system flags -----------------------------

@signal("comment.created").connect
def _comment_written(comment: Any, flags: Any = (), **_: Any) -> None:
    if PERSONAL_INFO in (flags or ()):
        add_system_flag("comment", comment.id)


@signal("comment.updated").connect
def _comment_edited(comment: Any, flags: Any = (), fields: Any = (), **_: Any) -> None:
    if "body" in (fields or ()) and PERSONAL_INFO in (flags or ()):
        add_system_flag("comment", comment.id)


@signal("proposal.created").connect
def _thread_written(proposal: Any, **_: Any) -> None:
    if find_personal_info(f"{proposal.title}\n{proposal.body}"):
        add_system_flag("proposal", proposal.id)


@signal("proposal.updated").connect
def _thread_edited(proposal: Any, fields: Any = (), **_: Any) -> None:
    if {"title", "body"} & set(fields or ()) and find_personal_info(f"{proposal.title}\n{proposal.body}"):
        add_system_flag("proposal", proposal.id)


@signal("case.updated").connect
def _case_written(case: Any, **_: Any) -> None:
    if case.status == "submitted" and find_personal_info(f"{case.title}\n{case.summary}\n{case.body}"):
        add_system_flag("case", case.id)
