"""Moderation on the thread and case pages: flag it, appeal its hide, and (moderators) act on it."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from app.moderation import appeals, targets
from app.permissions import can_participate, is_moderator, is_signed_in
from app.sections import Section, register_section


def panel(target_type: str, item: Any) -> Section | None:
    """Nothing for visitors; a flag link for others; the appeal for the author of a hidden item;
    the actions and the open flags for moderators (one query, for the author of a hidden item)."""
    if not is_signed_in(current_user):
        return None
    kind = targets.kind_of(target_type)
    author = kind.author_id(item) is not None and kind.author_id(item) == current_user.id
    moderator = is_moderator(current_user)
    open_flags = item.flags_count or 0  # the stored count of open flags by accounts
    appeal = None
    if not moderator and author and item.hidden_at is not None:
        appeal = appeals.existing_appeal(target_type, item.id, current_user)
    may_flag = can_participate(current_user) and not author and item.hidden_at is None and not moderator
    if not (moderator or may_flag or (author and item.hidden_at is not None)):
        return None
    return Section("moderation/_panel.html", {
        "kind": kind, "item": item, "target_type": target_type, "moderator": moderator, "author": author,
        "may_flag": may_flag, "open_flags": open_flags, "appeal": appeal, "supports": kind.supports,
        "url": kind.url(item),
    })


@register_section("proposal", order=40)
def thread_panel(proposal: Any) -> Section | None:
    """Under a thread."""
    return panel("proposal", proposal)


@register_section("case", order=40)
def case_panel(case: Any) -> Section | None:
    """Under a published case."""
    return panel("case", case)
