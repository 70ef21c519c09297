"""Who may run campaigns, who may vote, and who sees results (named predicates, also for templates)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_datetime, gettext

from app.campaigns.models import CLOSED, LIVE, Campaign
from app.permissions import is_moderator, is_officer_of, is_signed_in, is_suspended, suspension_message


def can_manage_campaigns(user: Any) -> bool:
    """Moderators (and admins) create, edit and police campaigns."""
    return is_moderator(user)


def can_see_results(user: Any, campaign: Campaign, now: datetime) -> bool:
    """Everyone after closing, or at any time for live campaigns; moderators always (to spot fraud)."""
    return campaign.results_visibility == LIVE or campaign.state(now) == CLOSED or is_moderator(user)


def voting_problem(user: Any, campaign: Campaign, case_department_id: int | None, now: datetime) -> tuple[str, str] | None:
    """Why this user may not vote for this case in this campaign: (code, message), or None.

    Only the voter's own standing: signing in, suspension, verification,
    account age and the officer's own department. The window and the limits
    are the voting service's business.
    """
    if not is_signed_in(user):
        return "not_authenticated", gettext("Please sign in to vote.")
    if is_suspended(user):
        return "suspended", suspension_message(user)
    if campaign.require_verified and not user.verified:
        return "verification_required", gettext("Only real-name verified accounts may vote in this campaign.")
    if campaign.min_account_age_days:
        allowed_from = user.created_at + timedelta(days=campaign.min_account_age_days)
        if now < allowed_from:
            return "account_too_new", gettext(
                "Accounts must be at least %(days)d days old to vote in this campaign; yours may vote from %(date)s.",
                days=campaign.min_account_age_days,
                date=format_datetime(allowed_from, "yyyy-MM-dd HH:mm"),
            )
    if case_department_id is not None and is_officer_of(user, case_department_id):
        return "own_department", gettext("Officers may not vote for their own department's cases.")
    return None


def template_predicates() -> dict[str, Any]:
    """The predicates exposed to Jinja."""
    return {"can_manage_campaigns": can_manage_campaigns, "can_see_results": can_see_results}
