"""Campaign verbs for moderators: create and edit. They validate, flush, audit; never commit.

Before a campaign opens, its ballot and rules may change; from opens_at on
they are frozen (409) and only the title and description may be corrected.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, delete, select

from app.audit.services import record
from app.campaigns.models import (
    DESCRIPTION_MAX,
    MAX_ACCOUNT_AGE_DAYS,
    MAX_CASES,
    MIN_CASES,
    RESULTS_MODES,
    TITLE_MAX,
    UPCOMING,
    Campaign,
    CampaignCase,
)
from app.campaigns.permissions import can_manage_campaigns
from app.clock import isoformat, utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.innovation.models import InnovationCase
from app.permissions import require
from app.sanitize import render_markdown

# The fields that make up the ballot and its rules: frozen once voting opens.
RULES = ("opens_at", "closes_at", "case_ids", "votes_per_voter", "require_verified", "min_account_age_days", "results")
FIELDS = ("title", "description", *RULES)
MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer cannot exist (and would overflow SQL integers)
# Voting windows must lie in this range (and every date in it can be shown in any time zone).
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


def get_campaign(campaign_id: int) -> Campaign:
    """The campaign with this id, or NotFound."""
    campaign = db.session.get(Campaign, campaign_id) if 0 < campaign_id <= MAX_ID else None
    if campaign is None:
        raise NotFound(gettext("No such campaign."))
    return campaign


def lock_campaign(campaign_id: int, *, shared: bool = False) -> Campaign:
    """Load the campaign with a row lock (PostgreSQL; SQLite writers are serialised already).

    ``shared`` takes FOR KEY SHARE: voters do not block each other, but a
    moderator's FOR UPDATE (edit, invalidate, freeze) waits for votes in
    flight, and votes wait for it.
    """
    if not 0 < campaign_id <= MAX_ID:
        raise NotFound(gettext("No such campaign."))
    statement = (
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .with_for_update(read=shared, key_share=shared)
        .execution_options(populate_existing=True)
    )
    campaign = db.session.scalar(statement)
    if campaign is None:
        raise NotFound(gettext("No such campaign."))
    return campaign


def ballot_case_ids(campaign_id: int) -> list[int]:
    """The ids of the cases on a campaign's ballot, in ballot order."""
    return list(
        db.session.scalars(
            select(CampaignCase.case_id).where(CampaignCase.campaign_id == campaign_id).order_by(CampaignCase.position)
        )
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validated(values: dict[str, Any], now: datetime, *, check_window: bool) -> list[InnovationCase]:
    """Raise ValidationFailed naming every bad field; return the ballot's cases in order."""
    fields: dict[str, list[str]] = {}
    title, description = values.get("title"), values.get("description")
    if not isinstance(title, str) or not title.strip() or "\x00" in title:
        fields["title"] = [gettext("This field is required.")]
    elif len(title.strip()) > TITLE_MAX:
        fields["title"] = [gettext("At most %(max)d characters.", max=TITLE_MAX)]
    if description is not None and (not isinstance(description, str) or "\x00" in description):
        fields["description"] = [gettext("Must be text.")]
    elif description and len(description) > DESCRIPTION_MAX:
        fields["description"] = [gettext("At most %(max)d characters.", max=DESCRIPTION_MAX)]
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, datetime):
            fields[name] = [gettext("Please give a date and time.")]
        elif value.tzinfo is None or not EARLIEST <= value <= LATEST:
            fields[name] = [gettext("Please give a date between 2000 and 2100.")]
    if "opens_at" not in fields and "closes_at" not in fields and check_window:
        if closes_at <= opens_at:
            fields["closes_at"] = [gettext("Voting must close after it opens.")]
        elif closes_at <= now:
            fields["closes_at"] = [gettext("The closing time must be in the future.")]
    cases = _checked_cases(values.get("case_ids"), fields)
    votes = values.get("votes_per_voter")
    if not _is_int(votes) or votes < 1:
        fields["votes_per_voter"] = [gettext("A whole number of at least 1.")]
    elif cases and votes > len(cases):
        fields["votes_per_voter"] = [gettext("At most the number of cases on the ballot (%(count)d).", count=len(cases))]
    if not isinstance(values.get("require_verified"), bool):
        fields["require_verified"] = [gettext("Must be true or false.")]
    age = values.get("min_account_age_days")
    if not _is_int(age) or not 0 <= age <= MAX_ACCOUNT_AGE_DAYS:
        fields["min_account_age_days"] = [gettext("A whole number of days from 0 to %(max)d.", max=MAX_ACCOUNT_AGE_DAYS)]
    if values.get("results") not in RESULTS_MODES:
        fields["results"] = [gettext("Must be one of: %(choices)s.", choices=", ".join(RESULTS_MODES))]
    if fields:
        raise ValidationFailed(fields=fields)
    return cases


def _checked_cases(case_ids: Any, fields: dict[str, list[str]]) -> list[InnovationCase]:
    if not isinstance(case_ids, (list, tuple)) or not all(_is_int(item) for item in case_ids):
        fields["case_ids"] = [gettext("Must be a list of case ids.")]
        return []
    if len(set(case_ids)) != len(case_ids):
        fields["case_ids"] = [gettext("Each case may appear on the ballot only once.")]
        return []
    if not MIN_CASES <= len(case_ids) <= MAX_CASES:
        fields["case_ids"] = [gettext("A ballot has %(min)d to %(max)d cases.", min=MIN_CASES, max=MAX_CASES)]
        return []
    possible = [case_id for case_id in case_ids if 0 < case_id <= MAX_ID]  # others cannot exist
    found = {case.id: case for case in db.session.scalars(select(InnovationCase).where(InnovationCase.id.in_(possible)))}
    unusable = [str(case_id) for case_id in case_ids if case_id not in found or not found[case_id].is_public]
    if unusable:
        fields["case_ids"] = [
            gettext("Only published cases can be on a ballot; these are not: %(ids)s.", ids=", ".join(unusable))
        ]
        return []
    return [found[case_id] for case_id in case_ids]


def _snapshot(campaign: Campaign, case_ids: list[int]) -> dict[str, Any]:
    """The campaign's fields as plain values (audit log, change detection)."""
    return {
        "title": campaign.title,
        "description": campaign.description,
        "opens_at": isoformat(campaign.opens_at),
        "closes_at": isoformat(campaign.closes_at),
        "case_ids": list(case_ids),
        "votes_per_voter": campaign.votes_per_voter,
        "require_verified": campaign.require_verified,
        "min_account_age_days": campaign.min_account_age_days,
        "results": campaign.results_visibility,
    }


def _assign(campaign: Campaign, values: dict[str, Any]) -> None:
    campaign.title = values["title"].strip()
    campaign.description = (values.get("description") or "").strip()
    campaign.description_html = render_markdown(campaign.description, "full")
    campaign.opens_at = values["opens_at"]
    campaign.closes_at = values["closes_at"]
    campaign.votes_per_voter = values["votes_per_voter"]
    campaign.require_verified = values["require_verified"]
    campaign.min_account_age_days = values["min_account_age_days"]
    campaign.results_visibility = values["results"]


def _replace_ballot(campaign: Campaign, cases: list[InnovationCase]) -> None:
    db.session.execute(delete(CampaignCase).where(CampaignCase.campaign_id == campaign.id))
    for position, case in enumerate(cases):
        db.session.add(CampaignCase(campaign_id=campaign.id, case_id=case.id, position=position, votes=0))
    db.session.flush()


def create_campaign(actor: Any, **values: Any) -> Campaign:
    """A moderator's new campaign (see FIELDS); min_account_age_days defaults to 0, description to ""."""
    require(can_manage_campaigns(actor), actor, gettext("Only moderators run voting campaigns."))
    values = {"description": "", "min_account_age_days": 0, **values}
    now = utcnow()
    cases = _validated(values, now, check_window=True)
    campaign = Campaign(created_by_id=actor.id, created_at=now, updated_at=now, turnout=0, invalidated_votes=0)
    _assign(campaign, values)
    db.session.add(campaign)
    db.session.flush()
    _replace_ballot(campaign, cases)
    record(actor, "campaign.create", campaign, after=_snapshot(campaign, [case.id for case in cases]))
    return campaign


def update_campaign(actor: Any, campaign_id: int, **changes: Any) -> Campaign:
    """Change some fields; the ballot and rules only while the campaign is upcoming (else 409)."""
    require(can_manage_campaigns(actor), actor, gettext("Only moderators run voting campaigns."))
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationFailed(fields={name: [gettext("Unknown field.")] for name in unknown})
    campaign = lock_campaign(campaign_id)
    now = utcnow()
    current_ids = ballot_case_ids(campaign.id)
    before = _snapshot(campaign, current_ids)
    values = {
        "title": campaign.title,
        "description": campaign.description,
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "case_ids": current_ids,
        "votes_per_voter": campaign.votes_per_voter,
        "require_verified": campaign.require_verified,
        "min_account_age_days": campaign.min_account_age_days,
        "results": campaign.results_visibility,
        **changes,
    }
    rules_changed = [name for name in RULES if name in changes and _differs(name, changes[name], before, values)]
    if rules_changed and campaign.state(now) != UPCOMING:
        raise Conflict(
            gettext("Voting has opened: the ballot and rules are frozen. Only the title and description can change."),
            code="rules_frozen",
        )
    cases = _validated(values, now, check_window=bool(rules_changed))
    _assign(campaign, values)
    campaign.updated_at = now
    if "case_ids" in rules_changed:
        _replace_ballot(campaign, cases)
    db.session.flush()
    after = _snapshot(campaign, [case.id for case in cases])
    record(
        actor,
        "campaign.update",
        campaign,
        before={key: value for key, value in before.items() if after[key] != value},
        after={key: value for key, value in after.items() if before[key] != value},
    )
    return campaign


def _differs(name: str, new: Any, before: dict[str, Any], values: dict[str, Any]) -> bool:
    if name in ("opens_at", "closes_at"):
        return not isinstance(new, datetime) or isoformat(new) != before[name]
    if name == "case_ids":
        return not isinstance(new, (list, tuple)) or list(new) != before["case_ids"]
    return new != before[name] or type(new) is not type(before[name])


# --- queries -----------------------------------------------------------------


def campaigns_query() -> Select:
    """Every campaign, the latest opening first."""
    return select(Campaign).order_by(Campaign.opens_at.desc(), Campaign.id.desc())


def ballot_entries(campaign_id: int) -> list[CampaignCase]:
    """The ballot with each case and its department, in one query."""
    return list(
        db.session.scalars(
            select(CampaignCase).where(CampaignCase.campaign_id == campaign_id).order_by(CampaignCase.position)
        ).unique()
    )


def publishable_cases() -> list[InnovationCase]:
    """Cases that may go on a ballot (published, visible), newest first, for the campaign form."""
    return list(
        db.session.scalars(
            select(InnovationCase)
            .where(InnovationCase.status == "published", InnovationCase.hidden_at.is_(None))
            .order_by(InnovationCase.published_at.desc(), InnovationCase.id.desc())
            .limit(500)
        ).unique()
    )
