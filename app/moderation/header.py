"""The header's 审核队列 link for moderators and admins.

No count: it would cost a query on every page a moderator opens; the queue
page shows the count of each tab.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.navigation import HeaderItem, register_header_item
from app.permissions import is_moderator


@register_header_item
def review_queue_header_item(user: Any) -> HeaderItem | None:
    """审核队列 for moderators and admins; nothing for anyone else (no query)."""
    if not is_moderator(user):
        return None
    return HeaderItem(url=url_for("moderation.queue"), label=_l("Review queue"))
