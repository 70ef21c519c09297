"""Appeals: the author of a hidden item asks once for another look; a moderator upholds
the hide or restores the item, with a reason, and the author is told."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.moderation import actions, notices, targets
from app.moderation.models import APPEAL_MAX, APPEAL_PENDING, APPEAL_UPHELD, Appeal
from app.permissions import require_signed_in

DECISIONS = ("uphold", "restore")


def appeal(user: Any, target_type: Any, target_id: Any, text: Any) -> Appeal:
    """The author appeals the hiding of their item: once per item (409 for a second)."""
    require_signed_in(user)
    text = actions.clean_reason(text, required=True, maximum=APPEAL_MAX, field="text")
    kind, item = targets.load(target_type, target_id, user, check_view=False)
    if kind.author_id(item) is None or kind.author_id(item) != user.id:
        raise Forbidden(gettext("Only the author may appeal this decision."))
    if item.hidden_at is None:
        raise Conflict(gettext("This item is not hidden."), code="not_hidden")
    inserted = insert_or_ignore(db.session, Appeal, {
        "target_type": kind.target_type, "target_id": item.id, "user_id": user.id, "text": text,
        "hidden_reason": item.public_hidden_reason, "status": APPEAL_PENDING, "created_at": utcnow(),
    })
    if not inserted:
        raise Conflict(gettext("You can appeal a decision only once."), code="already_appealed")
    return db.session.scalar(
        select(Appeal).where(Appeal.target_type == kind.target_type, Appeal.target_id == item.id, Appeal.user_id == user.id)
    )


def get_appeal(appeal_id: int) -> Appeal:
    """The appeal, or NotFound."""
    found = db.session.get(Appeal, appeal_id) if 0 < appeal_id < 2**31 else None
    if found is None:
        raise NotFound(gettext("No such appeal."))
    return found


def decide(actor: Any, appeal_obj: Appeal, decision: Any, reason: Any) -> Appeal:
    """A moderator upholds the hide or restores the item (reason required); the author is told."""
    actions.require_moderator(actor)
    problems: dict[str, list] = {}
    if decision not in DECISIONS:
        problems["decision"] = [gettext("Must be one of: %(choices)s.", choices=", ".join(DECISIONS))]
    try:
        reason = actions.clean_reason(reason, required=True, maximum=APPEAL_MAX)
    except ValidationFailed as exc:
        problems.update(exc.fields or {})
    if problems:
        raise ValidationFailed(fields=problems)
    db.session.execute(select(Appeal.id).where(Appeal.id == appeal_obj.id).with_for_update())
    db.session.refresh(appeal_obj)
    if appeal_obj.status != APPEAL_PENDING:
        raise Conflict(gettext("This appeal was already decided."))
    kind, item = targets.load(appeal_obj.target_type, appeal_obj.target_id, actor, check_view=False)
    if decision == "restore":
        if item.hidden_at is not None:
            actions.moderate(actor, kind.target_type, item.id, "restore", reason, tell_author=False)  # settles the appeal too
        db.session.refresh(appeal_obj)
    appeal_obj.status = APPEAL_UPHELD if decision == "uphold" else "restored"
    appeal_obj.decided_at = utcnow()
    appeal_obj.decided_by_id = actor.id
    appeal_obj.decision_reason = reason
    db.session.flush()
    record(actor, f"moderation.appeal_{'upheld' if decision == 'uphold' else 'restored'}", (kind.target_type, item.id),
           reason=reason, before={"appeal": APPEAL_PENDING}, after={"appeal": appeal_obj.status},
           subject_user_id=appeal_obj.user_id)
    notices.notifications.notify(
        [appeal_obj.user_id], notices.APPEAL_DECIDED, target_type=kind.target_type, target_id=item.id, url=kind.url(item),
        actor=actor, params={"title": kind.title(item), "decision": decision, "reason": notices.mask_personal_info(reason)},
    )
    return appeal_obj


def existing_appeal(target_type: str, target_id: int, user: Any) -> Appeal | None:
    """The user's appeal about this item, if any."""
    return db.session.scalar(
        select(Appeal).where(Appeal.target_type == target_type, Appeal.target_id == target_id, Appeal.user_id == user.id)
    )
