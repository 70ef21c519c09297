"""What moderation tells the people concerned (in-app inbox): authors of hidden or
restored items, appellants, suspended accounts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from app.notifications import services as notifications
from app.privacy import mask_personal_info

HIDDEN = "moderation.hidden"
HIDDEN_BY_FLAGS = "moderation.hidden_by_flags"
RESTORED = "moderation.restored"
APPEAL_DECIDED = "moderation.appeal_decided"
SUSPENDED = "moderation.suspended"
LIFTED = "moderation.lifted"


def tell_author(kind: Any, item: Any, notice: str, reason: str | None = None, actor: Any = None) -> None:
    """Notify the item's author (if any) of a decision on it."""
    author_id = kind.author_id(item)
    if author_id is None:
        return
    notifications.notify(
        [author_id], notice, target_type=kind.target_type, target_id=item.id, url=kind.url(item), actor=actor,
        params={"title": kind.title(item), "kind": kind.target_type, "reason": mask_personal_info(reason or "")},
    )


def tell_user(user_id: int, notice: str, url: str, params: dict[str, Any], actor: Any = None) -> None:
    """Notify one account (suspensions)."""
    notifications.notify([user_id], notice, target_type="user", target_id=user_id, url=url, actor=actor, params=params)


def _item(params: dict) -> str:
    from app.moderation.targets import label

    return label(params.get("kind", ""))


notifications.register_kind(
    HIDDEN, lambda p: gettext("Your %(item)s “%(title)s” was hidden by the moderators. Reason: %(reason)s",
                              item=_item(p), title=p["title"], reason=p.get("reason") or "-"))
notifications.register_kind(
    HIDDEN_BY_FLAGS, lambda p: gettext("Your %(item)s “%(title)s” was hidden after several flags and waits for a moderator’s review.",
                                       item=_item(p), title=p["title"]))
notifications.register_kind(
    RESTORED, lambda p: gettext("Your %(item)s “%(title)s” is visible again.", item=_item(p), title=p["title"]))
notifications.register_kind(
    APPEAL_DECIDED, lambda p: (
        gettext("Your appeal about “%(title)s” was accepted: it is visible again. %(reason)s", title=p["title"], reason=p.get("reason") or "")
        if p.get("decision") == "restore"
        else gettext("Your appeal about “%(title)s” was rejected: it stays hidden. Reason: %(reason)s", title=p["title"], reason=p.get("reason") or "-")
    ))
notifications.register_kind(
    SUSPENDED, lambda p: (
        gettext("Your account was banned. Reason: %(reason)s", reason=p.get("reason") or "-")
        if p.get("banned")
        else gettext("Your account is suspended until %(until)s. Reason: %(reason)s", until=p.get("until", ""), reason=p.get("reason") or "-")
    ))
notifications.register_kind(LIFTED, lambda p: gettext("Your account may take part again."))
