"""The header's 通知 link with the unread count (one indexed COUNT per page for signed-in users)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.navigation import HeaderItem, register_header_item
from app.notifications.services import unread_count
from app.permissions import is_signed_in


@register_header_item
def notifications_header_item(user: Any) -> HeaderItem | None:
    """通知 (n) for signed-in users; nothing for visitors."""
    if not is_signed_in(user):
        return None
    count = unread_count(user)
    return HeaderItem(
        url=url_for("notifications.index"),
        label=_l("Notifications"),
        count=count,
        count_label=ngettext("%(num)d unread notification", "%(num)d unread notifications", count),
    )
