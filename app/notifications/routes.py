"""Pages: /notifications (the inbox), opening one, marking all read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.errors import ValidationFailed
from app.notifications import bp
from app.notifications import services as notifications
from app.pagination import page_args, paginate
from app.templating import safe_next


@bp.get("/notifications")
@login_required
def index():
    """The signed-in user's notifications, newest first, unread marked."""
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    unread_only = request.args.get("unread") == "1"
    result = paginate(notifications.inbox_query(current_user, unread_only=unread_only), page, per_page)
    return render_template(
        "notifications/index.html",
        page=result,
        unread_only=unread_only,
        render_text=notifications.render_text,
        args={"unread": "1"} if unread_only else {},
    )


@bp.get("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark one of one's notifications read and go to what it is about."""
    notification = notifications.get_own(current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(current_user, [notification.id])
    return redirect(safe_next(notification.url, "notifications.index"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    """Mark every notification read (CSRFProtect checks the form's token)."""
    count = notifications.mark_read(current_user)
    flash(gettext("All notifications are marked as read.") if count else gettext("There was nothing unread."), "success")
    return redirect(url_for("notifications.index"))
