"""/proposals/{id}/comments, /cases/{id}/comments and /comments/{id}: read, post, edit, delete comments."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import PAGE_PARAMS, array, boolean, component, integer, nullable, obj, page_of, spec, string
from app.api.payload import Payload
from app.comments import queries, services
from app.comments.models import BODY_MAX, MAX_DEPTH
from app.comments.registry import load_target
from app.comments.serializers import comment_json
from app.errors import NotFound
from app.pagination import page_args
from app.permissions import is_moderator, require_participation, require_signed_in

COMMENT = component(
    "Comment",
    obj(
        ["id", "parent_id", "author", "body_html", "status", "created_at"],
        id=integer(),
        target_type=string(enum=["proposal", "case"]),
        target_id=integer(),
        parent_id=nullable(integer()),
        depth=integer(minimum=1, maximum=MAX_DEPTH),
        author=nullable(string(description="null for deleted accounts")),
        body_html=string(description="safe HTML, personal information masked; empty when deleted or hidden"),
        status=string(enum=["published", "pending", "hidden", "deleted"]),
        deleted=boolean(),
        hidden=boolean(),
        hidden_reason=nullable(string(description="the public reason, in place of the text")),
        edited=boolean(),
        created_at=string(format="date-time"),
        edited_at=nullable(string(format="date-time")),
        revisions=array(obj(number=integer(), body_html=string(), created_at=string(format="date-time"))),
    ),
)
COMMENT_ENVELOPE = obj(["comment"], comment=COMMENT)
NEW_COMMENT = obj(
    ["body"],
    body=string(1, BODY_MAX, description="Markdown subset"),
    parent_id=integer(description=f"reply to this comment (at most {MAX_DEPTH} levels)"),
)


def _list(target_type: str, target_id: int):
    page, per_page = page_args(request.args)
    kind, target = load_target(target_type, target_id)
    if not kind.can_view(current_user, target):
        raise NotFound()
    if target.hidden_at is not None and not is_moderator(current_user):
        return jsonify({"items": [], "page": page, "per_page": per_page, "total": 0})
    from app.pagination import paginate

    result = paginate(queries.visible_query(target_type, target.id, current_user), page, per_page)
    items = [comment_json(comment, current_user) for comment in result.items]
    return jsonify({"items": items, "page": result.page, "per_page": result.per_page, "total": result.total})


def _post(target_type: str, target_id: int):
    payload = Payload()
    body = payload.string("body")
    parent_id = payload.integer("parent_id", required=False)
    require_participation(current_user)
    payload.check()
    kind, target = load_target(target_type, target_id)
    comment = services.post_comment(current_user, kind.target_type, target, body, parent_id)
    return jsonify({"comment": comment_json(comment, current_user)}), 201


@bp.get("/proposals/<int:proposal_id>/comments")
@spec("A thread's comments in reading order (replies under their parent)", tag="comments", params=PAGE_PARAMS,
      responses={200: page_of(COMMENT)})
def proposal_comments(proposal_id: int):
    """Comments of a thread; pending ones only for their author and moderators."""
    return _list("proposal", proposal_id)


@bp.post("/proposals/<int:proposal_id>/comments")
@spec("Comment on a thread, or reply to a comment", tag="comments", auth=True, body=NEW_COMMENT,
      responses={201: COMMENT_ENVELOPE}, errors=(403, 409, 429))
def post_proposal_comment(proposal_id: int):
    """409 when the thread is locked (or hidden, pending, merged); 429 with Retry-After over the limit."""
    return _post("proposal", proposal_id)


@bp.get("/cases/<int:case_id>/comments")
@spec("An innovation case's comments in reading order", tag="comments", params=PAGE_PARAMS, responses={200: page_of(COMMENT)})
def case_comments(case_id: int):
    """Comments of a published case."""
    return _list("case", case_id)


@bp.post("/cases/<int:case_id>/comments")
@spec("Comment on an innovation case, or reply to a comment", tag="comments", auth=True, body=NEW_COMMENT,
      responses={201: COMMENT_ENVELOPE}, errors=(403, 409, 429))
def post_case_comment(case_id: int):
    """409 when the case is locked, hidden or not published; 429 with Retry-After over the limit."""
    return _post("case", case_id)


@bp.get("/comments/<int:comment_id>")
@spec("One comment with every version of its text", tag="comments", responses={200: COMMENT_ENVELOPE})
def get_comment(comment_id: int):
    """A comment, its revisions included."""
    comment = services.get_comment(comment_id, current_user)
    return jsonify({"comment": comment_json(comment, current_user, queries.revisions_of(comment))})


@bp.patch("/comments/<int:comment_id>")
@spec("Edit my comment (within 15 minutes; every version is kept)", tag="comments", auth=True,
      body=obj(["body"], body=string(1, BODY_MAX)), responses={200: COMMENT_ENVELOPE}, errors=(403, 409))
def edit_comment(comment_id: int):
    """409 after the 15-minute window."""
    payload = Payload()
    body = payload.string("body")
    payload.check()
    comment = services.get_comment(comment_id, current_user)
    services.edit_comment(current_user, comment, body)
    return jsonify({"comment": comment_json(comment, current_user, queries.revisions_of(comment))})


@bp.delete("/comments/<int:comment_id>")
@spec("Delete my comment (a tombstone keeps its place)", tag="comments", auth=True, responses={200: COMMENT_ENVELOPE},
      errors=(403,))
def delete_comment(comment_id: int):
    """The text goes; replies stay under the tombstone."""
    require_signed_in(current_user)
    comment = services.get_comment(comment_id, current_user)
    services.delete_comment(current_user, comment)
    return jsonify({"comment": comment_json(comment, current_user)})


