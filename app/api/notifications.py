"""/notifications: the signed-in user's inbox, and marking notifications read."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import PAGE_PARAMS, array, boolean, component, integer, obj, page_of, query_param, spec, string
from app.api.payload import Payload
from app.clock import isoformat
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.pagination import page_args, paginate
from app.permissions import require_signed_in

NOTIFICATION = component(
    "Notification",
    obj(
        ["id", "kind", "text", "url", "created_at", "read"],
        id=integer(),
        kind=string(),
        text=string(description="in the reader's language"),
        url=string(description="site path of what it is about"),
        created_at=string(format="date-time"),
        read=boolean(),
        target_type=string(),
        target_id=integer(),
    ),
)


def notification_json(notification: Notification) -> dict:
    """A notification as the API shows it."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notifications.render_text(notification),
        "url": notification.url,
        "created_at": isoformat(notification.created_at),
        "read": notification.read,
        "target_type": notification.target_type,
        "target_id": notification.target_id,
    }


@bp.get("/notifications")
@spec(
    "My notifications, newest first",
    tag="notifications",
    auth=True,
    params=PAGE_PARAMS + [query_param("unread", {"type": "string", "enum": ["0", "1"]}, "1: only unread ones")],
    responses={200: {**page_of(NOTIFICATION), "properties": {**page_of(NOTIFICATION)["properties"], "unread": integer()}}},
)
def list_notifications():
    """The signed-in user's notifications, with the unread count."""
    require_signed_in(current_user)
    page, per_page = page_args(request.args)
    unread_only = request.args.get("unread") == "1"
    result = paginate(notifications.inbox_query(current_user, unread_only=unread_only), page, per_page)
    return jsonify(
        {
            "items": [notification_json(n) for n in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
            "unread": notifications.unread_count(current_user),
        }
    )


@bp.post("/notifications/read")
@spec(
    "Mark my notifications read: the given ids, or all",
    tag="notifications",
    auth=True,
    body=obj(ids=array(integer())),
    responses={200: obj(["marked", "unread"], marked=integer(), unread=integer())},
)
def read_notifications():
    """Mark notifications read; ids of other users' notifications are ignored."""
    require_signed_in(current_user)
    payload = Payload()
    ids = payload.integer_list("ids", required=False)
    payload.check()
    marked = notifications.mark_read(current_user, ids)
    return jsonify({"marked": marked, "unread": notifications.unread_count(current_user)})
