"""/flags, /moderation/{target_type}/{id}, /moderation/log, suspensions and appeals."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from app.api import bp
from app.api.openapi import PAGE_PARAMS, boolean, component, integer, nullable, obj, page_of, query_param, spec, string
from app.api.payload import Payload
from app.clock import isoformat
from app.errors import ValidationFailed
from app.moderation import accounts, actions, appeals, flags, log
from app.moderation.models import APPEAL_MAX, NOTE_MAX, REASON_MAX, REASONS, TARGET_TYPES
from app.pagination import page_args
from app.permissions import is_suspended, require_participation, require_signed_in

TARGET_TYPE = string(enum=list(TARGET_TYPES))
FLAG = component("Flag", obj(
    ["id", "target_type", "target_id", "reason", "created_at"],
    id=integer(), target_type=TARGET_TYPE, target_id=integer(), reason=string(enum=list(REASONS)),
    note=nullable(string()), created_at=string(format="date-time"),
))
MODERATED = component("ModeratedItem", obj(
    ["target_type", "id", "hidden"],
    target_type=TARGET_TYPE, id=integer(), status=nullable(string()), hidden=boolean(), hidden_by_flags=boolean(),
    hidden_reason=nullable(string(description="the public reason shown in place of the content")),
    locked=nullable(boolean()), pinned=nullable(boolean()), flags=integer(minimum=0),
))
LOG_ENTRY = component("ModerationLogEntry", obj(
    ["id", "action", "label", "target_type", "created_at"],
    id=integer(), action=string(), label=string(), target_type=string(),
    target_id=nullable(integer(description="null for accounts: the log never says which")),
    url=nullable(string()), reason=nullable(string(description="personal information masked")), detail=nullable(string()),
    actor_role=string(enum=["moderator", "admin", "system"]), created_at=string(format="date-time"),
))
SUSPENSION = component("Suspension", obj(
    ["user", "suspended", "banned"],
    user=integer(), suspended=boolean(), banned=boolean(), until=nullable(string(format="date-time")), reason=nullable(string()),
))
APPEAL = component("Appeal", obj(
    ["id", "target_type", "target_id", "status", "created_at"],
    id=integer(), target_type=TARGET_TYPE, target_id=integer(), text=string(),
    status=string(enum=["pending", "upheld", "restored"]), created_at=string(format="date-time"),
    decided_at=nullable(string(format="date-time")), decision_reason=nullable(string()),
))


def _flag_json(flag) -> dict:
    return {"id": flag.id, "target_type": flag.target_type, "target_id": flag.target_id, "reason": flag.reason,
            "note": flag.note, "created_at": isoformat(flag.created_at)}


def _item_json(kind, item) -> dict:
    return {
        "target_type": kind.target_type,
        "id": item.id,
        "status": getattr(item, "api_status", None) or getattr(item, "status", None),
        "hidden": item.hidden_at is not None,
        "hidden_by_flags": bool(item.hidden_by_flags),
        "hidden_reason": item.public_hidden_reason if item.hidden_at is not None else None,
        "locked": item.locked_at is not None if hasattr(item, "locked_at") else None,
        "pinned": item.pinned_at is not None if hasattr(item, "pinned_at") else None,
        "flags": item.flags_count,
    }


def _suspension_json(user) -> dict:
    return {"user": user.id, "suspended": is_suspended(user), "banned": user.banned_at is not None,
            "until": isoformat(user.suspended_until) if user.banned_at is None else None,
            "reason": user.suspension_reason}


def _appeal_json(appeal) -> dict:
    return {"id": appeal.id, "target_type": appeal.target_type, "target_id": appeal.target_id, "text": appeal.text,
            "status": appeal.status, "created_at": isoformat(appeal.created_at), "decided_at": isoformat(appeal.decided_at),
            "decision_reason": appeal.decision_reason}


@bp.post("/flags")
@spec(
    "Flag a thread, comment or case for the moderators",
    tag="moderation", auth=True,
    body=obj(["target_type", "target_id", "reason"], target_type=TARGET_TYPE, target_id=integer(),
             reason=string(enum=list(REASONS)), note=string(0, NOTE_MAX)),
    responses={201: obj(["flag"], flag=FLAG)}, errors=(403, 409),
    description="403 on one's own content; 409 when already flagged by you. Three flags from distinct accounts hide "
                "the item pending review (innovation cases are queued, never hidden by flags).",
)
def create_flag():
    """Flag an item."""
    payload = Payload()
    target_type = payload.string("target_type")
    target_id = payload.integer("target_id")
    reason = payload.string("reason")
    note = payload.string("note", required=False)
    require_participation(current_user)
    payload.check()
    flag = flags.flag(current_user, target_type, target_id, reason, note)
    return jsonify({"flag": _flag_json(flag)}), 201


@bp.post("/moderation/<target_type>/<int:target_id>")
@spec(
    "Approve, hide, restore, lock, unlock, pin or unpin an item (moderators)",
    tag="moderation", auth=True,
    body=obj(["action"], action=string(enum=list(actions.ACTIONS)),
             reason=string(0, REASON_MAX, description="required for hide; shown publicly")),
    responses={200: obj(["item"], item=MODERATED)}, errors=(403, 409),
)
def moderate(target_type: str, target_id: int):
    """One decision on one item; audited, and the author is told."""
    payload = Payload()
    action = payload.string("action")
    reason = payload.string("reason", required=False)
    actions.require_moderator(current_user)
    payload.check()
    kind, item = actions.moderate(current_user, target_type, target_id, action, reason)
    return jsonify({"item": _item_json(kind, item)})


@bp.get("/moderation/log")
@spec(
    "The public moderation log (no personal data)", tag="moderation",
    params=PAGE_PARAMS + [query_param("action", {"type": "string", "enum": sorted(log.ACTIONS)})],
    responses={200: page_of(LOG_ENTRY)},
)
def moderation_log():
    """Moderators' decisions with their public reasons, newest first."""
    page, per_page = page_args(request.args)
    action = request.args.get("action") or None
    if action is not None and action not in log.ACTIONS:
        raise ValidationFailed(fields={"action": [gettext("Unknown action.")]})
    view = log.log_page(action, page, per_page)
    return jsonify({"items": [log.entry_json(entry, view) for entry in view.page.items],
                    "page": view.page.page, "per_page": view.page.per_page, "total": view.page.total})


@bp.post("/moderation/users/<int:user_id>/suspension")
@spec(
    "Suspend an account for N days, or ban it (moderators; reason required)", tag="moderation", auth=True,
    body=obj(["reason"], days=integer(minimum=1, maximum=accounts.MAX_DAYS), ban=boolean(), reason=string(1, REASON_MAX)),
    responses={200: obj(["suspension"], suspension=SUSPENSION)}, errors=(403, 409),
)
def suspend_user(user_id: int):
    """``ban: true`` bans; otherwise ``days`` is required."""
    payload = Payload()
    days = payload.integer("days", required=False)
    ban = payload.boolean("ban", required=False, default=False)
    reason = payload.string("reason", required=False)
    actions.require_moderator(current_user)
    payload.check()
    user = accounts.get_user(user_id)
    if ban:
        accounts.ban(current_user, user, reason)
    else:
        accounts.suspend(current_user, user, days, reason)
    return jsonify({"suspension": _suspension_json(user)})


@bp.delete("/moderation/users/<int:user_id>/suspension")
@spec("Lift a suspension or ban (moderators)", tag="moderation", auth=True,
      responses={200: obj(["suspension"], suspension=SUSPENSION)}, errors=(403, 409))
def lift_suspension(user_id: int):
    """The account may take part again."""
    actions.require_moderator(current_user)
    user = accounts.get_user(user_id)
    accounts.lift(current_user, user, request.args.get("reason"))
    return jsonify({"suspension": _suspension_json(user)})


@bp.post("/appeals")
@spec(
    "Appeal the hiding of my item (once per item)", tag="moderation", auth=True,
    body=obj(["target_type", "target_id", "text"], target_type=TARGET_TYPE, target_id=integer(), text=string(1, APPEAL_MAX)),
    responses={201: obj(["appeal"], appeal=APPEAL)}, errors=(403, 409),
)
def create_appeal():
    """409 for a second appeal or an item that is not hidden."""
    payload = Payload()
    target_type = payload.string("target_type")
    target_id = payload.integer("target_id")
    text = payload.string("text")
    require_signed_in(current_user)
    payload.check()
    appeal = appeals.appeal(current_user, target_type, target_id, text)
    return jsonify({"appeal": _appeal_json(appeal)}), 201


@bp.post("/appeals/<int:appeal_id>/decision")
@spec(
    "Decide an appeal: uphold the hide or restore the item (moderators; reason required)", tag="moderation", auth=True,
    body=obj(["decision", "reason"], decision=string(enum=list(appeals.DECISIONS)), reason=string(1, APPEAL_MAX)),
    responses={200: obj(["appeal"], appeal=APPEAL)}, errors=(403, 409),
)
def decide_appeal(appeal_id: int):
    """The author is told the decision and the reason."""
    payload = Payload()
    decision = payload.string("decision")
    reason = payload.string("reason")
    actions.require_moderator(current_user)
    payload.check()
    appeal = appeals.get_appeal(appeal_id)
    appeals.decide(current_user, appeal, decision, reason)
    return jsonify({"appeal": _appeal_json(appeal)})
