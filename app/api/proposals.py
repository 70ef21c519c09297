"""/proposals: list, raise, read, edit, support, answer, change status, transfer, merge, rate."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import (
    PAGE_PARAMS, array, boolean, component, integer, nullable, obj, page_of, query_param, spec, string,
)
from app.api.payload import Payload
from app.pagination import page_args
from app.permissions import require_participation, require_signed_in
from app.proposals import answers, following, queries, routing, services, states, supports
from app.proposals.models import ANSWER_MAX, BODY_MAX, CONTACT_MAX, KINDS, NOTE_MAX, RATINGS, TITLE_MAX, TITLE_MIN
from app.proposals.serializers import answer_json, detail_json, summary_json
from app.proposals.supports import supported_by

SUMMARY_PROPERTIES = dict(
    id=integer(),
    kind=string(enum=list(KINDS)),
    title=string(),
    status=string(enum=list(states.STATES)),
    department=nullable(string(description="department slug; null while moderators route it")),
    department_name=nullable(string()),
    service=nullable(integer()),
    author=nullable(string(description="null when anonymous or deleted")),
    supports=integer(minimum=0),
    created_at=string(format="date-time"),
    last_activity_at=string(format="date-time"),
    overdue=boolean(),
    escalated=boolean(),
    next_due_at=nullable(string(format="date-time")),
    pinned=boolean(),
    locked=boolean(),
    hidden=boolean(),
    hidden_reason=nullable(string()),
    merged_into=nullable(integer()),
)
SUMMARY_REQUIRED = ["id", "kind", "title", "status", "department", "service", "author", "supports", "created_at", "overdue", "escalated"]
PROPOSAL_SUMMARY = component("ProposalSummary", obj(SUMMARY_REQUIRED, **SUMMARY_PROPERTIES))
ANSWER = component(
    "OfficialAnswer",
    obj(
        ["id", "department", "body_html", "created_at"],
        id=integer(), department=string(), department_name=string(), author=nullable(string()), body_html=string(),
        created_at=string(format="date-time"), updated_at=string(format="date-time"), edited=boolean(),
        rating=nullable(string(enum=list(RATINGS))),
        revisions=array(obj(number=integer(), body_html=string(), created_at=string(format="date-time"))),
    ),
)
EVENT = component(
    "TimelineEntry",
    obj(
        ["id", "kind", "created_at"],
        id=integer(), kind=string(), label=string(), from_status=nullable(string()), to_status=nullable(string()),
        actor=nullable(string()), department=nullable(string()), note=nullable(string()), data={"type": "object"},
        created_at=string(format="date-time"),
    ),
)
EXTENSION = component(
    "Extension",
    obj(
        ["id", "proposal", "until", "reason", "status"],
        id=integer(), proposal=integer(), department=string(), milestone=string(),
        previous_due_at=string(format="date-time"), until=string(format="date-time"), reason=string(),
        status=string(enum=["requested", "approved", "refused"]), decided_at=nullable(string(format="date-time")),
        decision_reason=nullable(string()), created_at=string(format="date-time"),
    ),
)
PROPOSAL = component(
    "Proposal",
    obj(
        ["id", "kind", "title", "body_html", "status", "department", "service", "author", "supports",
         "supported_by_me", "official_answers", "timeline", "created_at"],
        **SUMMARY_PROPERTIES,
        body_html=string(),
        supported_by_me=boolean(),
        anonymous=boolean(),
        official_answers=array(ANSWER),
        timeline=array(EVENT),
        extensions=array(EXTENSION),
        deadlines=obj(
            acknowledge=nullable(string(format="date-time")), answer=nullable(string(format="date-time")),
            close=nullable(string(format="date-time")), next=nullable(string(format="date-time")),
            pending=nullable(string(enum=["acknowledge", "answer", "close"])),
        ),
        escalated_at=nullable(string(format="date-time")),
        status_label=string(),
        following=boolean(),
        contact=nullable(string(description="only for the assigned department and moderators")),
    ),
)
PROPOSAL_ENVELOPE = obj(["proposal"], proposal=PROPOSAL)
LIST_PARAMS = PAGE_PARAMS + [
    query_param("department", description="department slug, or 'unsure' for threads waiting to be routed"),
    query_param("service", {"type": "integer"}, "service id"),
    query_param("status", {"type": "string", "enum": list(states.STATES)}),
    query_param("kind", {"type": "string", "enum": list(KINDS)}),
    query_param("overdue", {"type": "string", "enum": ["1", "0"]}, "only overdue threads"),
    query_param("q", description="words to search for"),
    query_param("sort", {"type": "string", "enum": list(queries.SORTS)}),
]


def full_json(proposal, supported: bool | None = None) -> dict:
    """A thread with its answers, timeline and extensions, for the current user."""
    if supported is None:
        supported = supported_by(proposal, current_user)
    data = detail_json(
        proposal,
        current_user,
        supported_by_me=supported,
        answers=queries.answers_of(proposal),
        events=queries.events_of(proposal),
        extensions=queries.extensions_of(proposal),
    )
    data["following"] = following.is_following(proposal, current_user)
    return data


@bp.get("/proposals")
@spec("Published threads, filtered and sorted", tag="proposals", params=LIST_PARAMS, responses={200: page_of(PROPOSAL_SUMMARY)})
def list_proposals():
    """Threads; pinned first; overdue ones are marked."""
    page, per_page = page_args(request.args)
    filters = queries.parse_filters(request.args, current_user)
    queries.check(filters)
    result = queries.list_page(filters, page, per_page)
    items = [summary_json(proposal, current_user) for proposal in result.items]
    return jsonify({"items": items, "page": result.page, "per_page": result.per_page, "total": result.total})


@bp.post("/proposals")
@spec(
    "Raise a thread",
    tag="proposals",
    auth=True,
    body=obj(
        ["kind", "title", "body", "department"],
        kind=string(enum=list(KINDS)),
        title=string(TITLE_MIN, TITLE_MAX),
        body=string(10, BODY_MAX, description="Markdown"),
        department=string(description="department slug, or 'unsure'"),
        service=integer(description="a service of that department"),
        contact=string(0, CONTACT_MAX, description="private: only the department and moderators see it"),
        anonymous=boolean(),
    ),
    responses={201: PROPOSAL_ENVELOPE},
    errors=(403,),
)
def create_proposal():
    """Raise a thread: status open, or pending_review for new accounts and filtered text."""
    payload = Payload()
    fields = dict(
        kind=payload.string("kind"),
        title=payload.string("title"),
        body=payload.string("body"),
        department=payload.string("department"),
        service=payload.integer("service", required=False),
        contact=payload.string("contact", required=False),
        anonymous=payload.boolean("anonymous", required=False, default=False),
    )
    require_participation(current_user)
    payload.check()
    proposal = services.create_proposal(current_user, **fields)
    return jsonify({"proposal": full_json(proposal, supported=False)}), 201


@bp.get("/proposals/<int:proposal_id>")
@spec("One thread with answers and timeline", tag="proposals", responses={200: PROPOSAL})
def get_proposal(proposal_id: int):
    """One thread; pending ones only for the author, the department and moderators."""
    proposal, supported = queries.get_visible(proposal_id, current_user)
    return jsonify(full_json(proposal, supported))


@bp.patch("/proposals/<int:proposal_id>")
@spec(
    "Correct title or body (the author, while pending or open)",
    tag="proposals",
    auth=True,
    body=obj(title=string(TITLE_MIN, TITLE_MAX), body=string(10, BODY_MAX)),
    responses={200: PROPOSAL_ENVELOPE},
    errors=(403, 409),
)
def update_proposal(proposal_id: int):
    """The author edits a thread no department has acted on yet."""
    payload = Payload()
    title = payload.string("title", required=False)
    body = payload.string("body", required=False)
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    services.update_proposal(proposal, current_user, title=title, body=body)
    return jsonify({"proposal": full_json(proposal)})


@bp.post("/proposals/<int:proposal_id>/support")
@spec(
    "Support a thread (idempotent)",
    tag="proposals",
    auth=True,
    responses={200: obj(["supports", "supported_by_me"], supports=integer(), supported_by_me=boolean())},
    errors=(403, 409),
)
def support(proposal_id: int):
    """Add my support; 403 on my own thread."""
    proposal = queries.get_for_action(proposal_id, current_user)
    count = supports.support(proposal, current_user)
    return jsonify({"supports": count, "supported_by_me": True})


@bp.delete("/proposals/<int:proposal_id>/support")
@spec(
    "Withdraw my support (idempotent)",
    tag="proposals",
    auth=True,
    responses={200: obj(["supports", "supported_by_me"], supports=integer(), supported_by_me=boolean())},
)
def withdraw_support(proposal_id: int):
    """Remove my support."""
    proposal = queries.get_for_action(proposal_id, current_user)
    count = supports.withdraw(proposal, current_user)
    return jsonify({"supports": count, "supported_by_me": False})


@bp.post("/proposals/<int:proposal_id>/follow")
@spec("Follow a thread: its news arrive in the notification inbox", tag="proposals", auth=True,
      responses={200: obj(["following"], following=boolean())})
def follow(proposal_id: int):
    """Follow (idempotent)."""
    require_signed_in(current_user)
    proposal = queries.get_for_action(proposal_id, current_user)
    following.follow(proposal, current_user)
    return jsonify({"following": True})


@bp.delete("/proposals/<int:proposal_id>/follow")
@spec("Stop following a thread", tag="proposals", auth=True, responses={200: obj(["following"], following=boolean())})
def unfollow(proposal_id: int):
    """Stop following (idempotent)."""
    require_signed_in(current_user)
    proposal = queries.get_for_action(proposal_id, current_user)
    following.unfollow(proposal, current_user)
    return jsonify({"following": False})


@bp.post("/proposals/<int:proposal_id>/answers")
@spec(
    "Answer as the department (officers of the assigned department)",
    tag="proposals",
    auth=True,
    body=obj(["body"], body=string(2, ANSWER_MAX, description="Markdown")),
    responses={201: obj(["answer"], answer=ANSWER)},
    errors=(403, 409),
)
def post_answer(proposal_id: int):
    """Post an official answer; the thread becomes answered."""
    payload = Payload()
    body = payload.string("body")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    answer = answers.post_answer(proposal, current_user, body)
    return jsonify({"answer": answer_json(answer, with_revisions=False)}), 201


@bp.patch("/proposals/<int:proposal_id>/answers/<int:answer_id>")
@spec(
    "Edit an official answer (officers of the answering department; revisions are kept)",
    tag="proposals",
    auth=True,
    body=obj(["body"], body=string(2, ANSWER_MAX)),
    responses={200: obj(["answer"], answer=ANSWER)},
    errors=(403,),
)
def edit_answer(proposal_id: int, answer_id: int):
    """Edit an answer; the earlier versions stay visible."""
    payload = Payload()
    body = payload.string("body")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    answer = answers.get_answer(proposal, answer_id)
    answers.edit_answer(proposal, answer, current_user, body)
    return jsonify({"answer": answer_json(answer, with_revisions=False)})


@bp.post("/proposals/<int:proposal_id>/status")
@spec(
    "Change the status (the state machine decides; merged needs 'into')",
    tag="proposals",
    auth=True,
    body=obj(
        ["status"],
        status=string(enum=list(states.STATES)),
        note=string(0, NOTE_MAX, description="required for declined and merged"),
        into=integer(description="for merged: the thread to merge into"),
    ),
    responses={200: PROPOSAL_ENVELOPE},
    errors=(403, 409),
)
def change_status(proposal_id: int):
    """Move a thread through its states; 409 for a change the state machine forbids."""
    payload = Payload()
    status = payload.string("status")
    note = payload.string("note", required=False)
    into = payload.integer("into", required=False)
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    if status == states.MERGED:
        services.merge(proposal, current_user, into, note)
    else:
        services.change_status(proposal, current_user, status, note)
    return jsonify({"proposal": full_json(proposal)})


@bp.post("/proposals/<int:proposal_id>/merge")
@spec(
    "Merge a duplicate into another open thread (moderators)",
    tag="proposals",
    auth=True,
    body=obj(["into", "reason"], into=integer(), reason=string(1, NOTE_MAX)),
    responses={200: PROPOSAL_ENVELOPE},
    errors=(403, 409),
)
def merge(proposal_id: int):
    """Merge: supports move to the target without double counting."""
    payload = Payload()
    into = payload.integer("into")
    reason = payload.string("reason")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    services.merge(proposal, current_user, into, reason)
    return jsonify({"proposal": full_json(proposal)})


@bp.post("/proposals/<int:proposal_id>/transfer")
@spec(
    "Transfer to another department (officers of the holding department, moderators)",
    tag="proposals",
    auth=True,
    body=obj(["department", "reason"], department=string(description="slug"), reason=string(1, NOTE_MAX)),
    responses={200: PROPOSAL_ENVELOPE},
    errors=(403, 409),
)
def transfer(proposal_id: int):
    """转办: the receiving department's deadlines start now."""
    payload = Payload()
    department = payload.string("department")
    reason = payload.string("reason", required=False)
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    routing.transfer(proposal, current_user, department, reason)
    return jsonify({"proposal": full_json(proposal)})


@bp.post("/proposals/<int:proposal_id>/send-back")
@spec(
    "Send back to moderators: not our responsibility (officers of the holding department)",
    tag="proposals",
    auth=True,
    body=obj(["reason"], reason=string(1, NOTE_MAX)),
    responses={200: PROPOSAL_ENVELOPE},
    errors=(403, 409),
)
def send_back(proposal_id: int):
    """退单: the thread waits for moderators without a department."""
    payload = Payload()
    reason = payload.string("reason")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    routing.send_back(proposal, current_user, reason)
    return jsonify({"proposal": full_json(proposal)})


@bp.post("/proposals/<int:proposal_id>/answer-rating")
@spec(
    "Rate the latest official answer (the author, once per answer)",
    tag="proposals",
    auth=True,
    body=obj(["rating"], rating=string(enum=list(RATINGS))),
    responses={200: obj(["rating", "answer"], rating=string(), answer=integer(), can_reopen=boolean())},
    errors=(403, 409),
)
def rate_answer(proposal_id: int):
    """满意 / 基本满意 / 不满意; unsatisfied lets the author reopen once."""
    payload = Payload()
    rating = payload.string("rating")
    payload.check()
    proposal = queries.get_for_action(proposal_id, current_user)
    result = answers.rate_answer(proposal, current_user, rating)
    can_reopen = result.rating == "unsatisfied" and proposal.reopened_at is None
    return jsonify({"rating": result.rating, "answer": result.answer_id, "can_reopen": can_reopen})
