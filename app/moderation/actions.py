"""Moderators' one-click decisions on an item: approve, hide (public reason required),
restore, lock / unlock, pin / unpin. Each is audited with before and after, and the
author hears of hides and restores.

Rules:
- approve: an item waiting for review is published through its own feature's
  service (threads through the state machine, cases through their review,
  comments become public); an item hidden by flags is shown again; open flags
  are dismissed. Nothing to approve: 409.
- hide: reason required (shown publicly in place of the content); open flags
  are upheld. Already hidden by a moderator: 409 (hidden by flags: the
  moderator's hide replaces it).
- restore: only hidden items (409 otherwise); open flags are dismissed and a
  pending appeal on the item is settled as restored.
- lock / unlock: threads and cases; pin / unpin: threads (400 for other kinds,
  409 when already in that state).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update

from app.audit.services import record
from app.clock import utcnow
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.moderation import flags, notices, targets
from app.moderation.models import APPEAL_PENDING, APPEAL_RESTORED, DISMISSED, REASON_MAX, UPHELD, Appeal
from app.permissions import is_moderator, require, require_participation

ACTIONS = ("approve", "hide", "restore", "lock", "unlock", "pin", "unpin")


def clean_reason(value: Any, *, required: bool, maximum: int = REASON_MAX, field: str = "reason") -> str | None:
    """A reason as given (trimmed), or a field error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(fields={field: [gettext("Please give a reason; it is shown publicly.")]})
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationFailed(fields={field: [gettext("Must be text.")]})
    value = value.strip()
    if len(value) > maximum:
        raise ValidationFailed(fields={field: [gettext("At most %(max)d characters.", max=maximum)]})
    return value


def require_moderator(actor: Any) -> None:
    """401 for visitors, 403 for anyone but moderators and admins (and suspended moderators)."""
    require(is_moderator(actor), actor, gettext("Only moderators may do this."))
    require_participation(actor)


def moderate(
    actor: Any, target_type: Any, target_id: Any, action: Any, reason: Any = None, *, tell_author: bool = True
) -> tuple[targets.Moderatable, Any]:
    """Apply one action to one item; returns (kind, item). ``tell_author=False`` when the caller tells them."""
    require_moderator(actor)
    if action not in ACTIONS:
        raise ValidationFailed(fields={"action": [gettext("Must be one of: %(choices)s.", choices=", ".join(ACTIONS))]})
    reason = clean_reason(reason, required=action == "hide")
    kind, item = targets.load(target_type, target_id, actor, check_view=False)
    # one decision at a time on an item (a row lock on PostgreSQL; SQLite writers already queue)
    db.session.execute(select(kind.model.id).where(kind.model.id == item.id).with_for_update())
    db.session.refresh(item)
    notice = {
        "approve": _approve, "hide": _hide, "restore": _restore,
        "lock": _lock, "unlock": _lock, "pin": _pin, "unpin": _pin,
    }[action](kind, item, actor, action, reason)
    if notice is not None and tell_author:
        notices.tell_author(kind, item, notice, reason=reason, actor=actor)
    return kind, item


def _state(item: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"hidden": item.hidden_at is not None, "hidden_by_flags": bool(item.hidden_by_flags)}
    for name in ("status", "locked_at", "pinned_at"):
        if hasattr(item, name):
            value = getattr(item, name)
            state[name.removesuffix("_at") if name != "status" else name] = (
                value if name == "status" else value is not None
            )
    return state


def _visible(item: Any) -> bool:
    return bool(getattr(item, "is_visible", item.hidden_at is None))


def _unhide(item: Any) -> None:
    item.hidden_at = None
    item.hidden_reason = None
    item.hidden_by_id = None
    item.hidden_by_flags = False


def _reset_flags(kind: targets.Moderatable, item: Any, actor: Any, resolution: str) -> None:
    flags.resolve_open_flags(kind.target_type, item.id, actor, resolution)
    item.flags_count = 0


def _approve(kind: targets.Moderatable, item: Any, actor: Any, action: str, reason: str | None) -> str | None:
    before = _state(item)
    if kind.is_pending(item):
        if item.hidden_at is not None and not item.hidden_by_flags:
            raise Conflict(gettext("This item was hidden by a moderator: restore it instead."))
        was_visible = _visible(item)
        if item.hidden_by_flags:
            _unhide(item)
        _reset_flags(kind, item, actor, DISMISSED)
        db.session.flush()
        kind.approve(item, actor)  # threads and cases audit their own publication
        if kind.target_type == "comment":
            record(actor, "moderation.approve", item, reason=reason, before=before, after=_state(item),
                   subject_user_id=kind.author_id(item))
        if was_visible != _visible(item) and kind.target_type != "comment":
            kind.changed(item, actor, ["hidden"], was_visible)
        return None
    if not (item.hidden_by_flags or flags.has_open_flags(kind.target_type, item.id)):
        raise Conflict(gettext("Nothing here waits for approval."))
    was_visible = _visible(item)
    restored = item.hidden_by_flags
    if restored:
        _unhide(item)
    _reset_flags(kind, item, actor, DISMISSED)
    db.session.flush()
    record(actor, "moderation.approve", item, reason=reason, before=before, after=_state(item),
           subject_user_id=kind.author_id(item))
    if restored:
        kind.changed(item, actor, ["hidden"], was_visible)
        return notices.RESTORED
    return None


def _hide(kind: targets.Moderatable, item: Any, actor: Any, action: str, reason: str | None) -> str | None:
    if item.hidden_at is not None and not item.hidden_by_flags:
        raise Conflict(gettext("This item is already hidden."))
    before = _state(item)
    was_visible = _visible(item)
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    item.hidden_by_id = actor.id
    item.hidden_by_flags = False
    _reset_flags(kind, item, actor, UPHELD)
    db.session.flush()
    record(actor, "moderation.hide", item, reason=reason, before=before, after=_state(item),
           subject_user_id=kind.author_id(item))
    kind.changed(item, actor, ["hidden"], was_visible)
    return notices.HIDDEN


def _restore(kind: targets.Moderatable, item: Any, actor: Any, action: str, reason: str | None) -> str | None:
    if item.hidden_at is None:
        raise Conflict(gettext("This item is not hidden."))
    before = _state(item)
    was_visible = _visible(item)
    _unhide(item)
    _reset_flags(kind, item, actor, DISMISSED)
    db.session.execute(
        update(Appeal)
        .where(Appeal.target_type == kind.target_type, Appeal.target_id == item.id, Appeal.status == APPEAL_PENDING)
        .values(status=APPEAL_RESTORED, decided_at=utcnow(), decided_by_id=actor.id, decision_reason=reason),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    record(actor, "moderation.restore", item, reason=reason, before=before, after=_state(item),
           subject_user_id=kind.author_id(item))
    kind.changed(item, actor, ["hidden"], was_visible)
    return notices.RESTORED


def _lock(kind: targets.Moderatable, item: Any, actor: Any, action: str, reason: str | None) -> str | None:
    if targets.LOCK not in kind.supports:
        raise ValidationFailed(fields={"action": [gettext("This kind of item cannot be locked.")]})
    locking = action == "lock"
    if (item.locked_at is not None) == locking:
        raise Conflict(gettext("This item is already locked.") if locking else gettext("This item is not locked."))
    before = _state(item)
    item.locked_at = utcnow() if locking else None
    db.session.flush()
    record(actor, f"moderation.{action}", item, reason=reason, before=before, after=_state(item),
           subject_user_id=kind.author_id(item))
    kind.changed(item, actor, ["locked"], _visible(item))
    return None


def _pin(kind: targets.Moderatable, item: Any, actor: Any, action: str, reason: str | None) -> str | None:
    if targets.PIN not in kind.supports:
        raise ValidationFailed(fields={"action": [gettext("This kind of item cannot be pinned.")]})
    pinning = action == "pin"
    if (item.pinned_at is not None) == pinning:
        raise Conflict(gettext("This item is already pinned.") if pinning else gettext("This item is not pinned."))
    before = _state(item)
    item.pinned_at = utcnow() if pinning else None
    db.session.flush()
    record(actor, f"moderation.{action}", item, reason=reason, before=before, after=_state(item),
           subject_user_id=kind.author_id(item))
    kind.changed(item, actor, ["pinned"], _visible(item))
    return None
