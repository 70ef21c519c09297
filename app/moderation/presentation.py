"""Labels and small helpers for the moderation templates, as Jinja globals."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.clock import utcnow
from app.moderation.forms import REASON_LABELS
from app.moderation.log import action_label
from app.moderation.queue import TABS

TAB_LABELS = {
    "pending": _l("Waiting for approval"),
    "flagged": _l("Flagged"),
    "appeals": _l("Appeals"),
    "personal": _l("Personal information"),
    "routing": _l("Waiting for a department"),
}
APPEAL_STATUS_LABELS = {
    "pending": _l("The moderators have not decided yet."),
    "upheld": _l("The moderators kept the decision."),
    "restored": _l("The moderators restored the item."),
}
ITEM_STATUS_LABELS = {
    "published": _l("published"),
    "pending": _l("awaiting review"),
    "hidden": _l("hidden"),
    "deleted": _l("deleted"),
}
POLICY_LABELS = {
    "new_account": _l("new account"),
    "banned_words": _l("banned word"),
    "personal_info": _l("personal information"),
}


def account_age_days(user: Any) -> int:
    """Whole days since the account was created."""
    return max(0, (utcnow() - user.created_at).days) if user is not None else 0


def register_template_globals(state: Any) -> None:
    """Blueprint hook."""
    state.app.jinja_env.globals.update(
        moderation_tabs=[(tab, TAB_LABELS[tab]) for tab in TABS],
        flag_reason_label=lambda reason: str(REASON_LABELS.get(reason, reason)),
        appeal_status_label=lambda status: str(APPEAL_STATUS_LABELS.get(status, status)),
        policy_label=lambda reason: str(POLICY_LABELS.get(reason, reason)),
        account_age_days=account_age_days,
        moderation_action_label=action_label,
        item_status_label=lambda status: str(ITEM_STATUS_LABELS.get(status, status)),
    )
