"""Deadline extensions: officers ask, moderators decide (/proposals/{id}/extension, /extensions)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import PAGE_PARAMS, boolean, obj, page_of, ref, spec, string
from app.api.payload import Payload
from app.api.proposals import EXTENSION
from app.pagination import page_args, paginate
from app.permissions import is_moderator, require
from app.proposals import extension_requests, queries
from app.proposals.models import NOTE_MAX
from app.proposals.serializers import extension_json


@bp.post("/proposals/<int:proposal_id>/extension")
@spec(
    "Ask for a later deadline (officers of the holding department)",
    tag="proposals",
    auth=True,
    body=obj(["until", "reason"], until=string(format="date-time"), reason=string(1, NOTE_MAX)),
    responses={201: obj(["extension"], extension=EXTENSION)},
    errors=(403, 409),
)
def request_extension(proposal_id: int):
    """The request is public; a moderator grants or refuses it."""
    payload = Payload()
    until = payload.timestamp("until")
    reason = payload.string("reason")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    extension = extension_requests.request_extension(proposal, current_user, until, reason)
    return jsonify({"extension": extension_json(extension)}), 201


@bp.post("/extensions/<int:extension_id>/decision")
@spec(
    "Grant or refuse an extension (moderators)",
    tag="proposals",
    auth=True,
    body=obj(["approve", "reason"], approve=boolean(), reason=string(1, NOTE_MAX)),
    responses={200: obj(["extension"], extension=EXTENSION)},
    errors=(403, 409),
)
def decide_extension(extension_id: int):
    """An approved extension moves the thread's pending deadline."""
    require(is_moderator(current_user), current_user)
    payload = Payload()
    approve = payload.boolean("approve")
    reason = payload.string("reason")
    payload.check()
    extension = extension_requests.get_extension(extension_id)
    extension_requests.decide_extension(extension, current_user, approve, reason)
    return jsonify({"extension": extension_json(extension)})


@bp.get("/extensions")
@spec(
    "Extension requests waiting for a decision (moderators)",
    tag="proposals",
    auth=True,
    params=PAGE_PARAMS,
    responses={200: page_of(ref("Extension"))},
    errors=(403,),
)
def pending_extensions():
    """Oldest first."""
    require(is_moderator(current_user), current_user)
    page, per_page = page_args(request.args)
    result = paginate(extension_requests.pending_extensions_query(), page, per_page)
    return jsonify({"items": [extension_json(e) for e in result.items], "page": result.page,
                    "per_page": result.per_page, "total": result.total})
