"""/campaigns: voting campaigns, votes, results and invalidations."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from app.api import bp
from app.api.openapi import (
    PAGE_PARAMS,
    array,
    boolean,
    component,
    integer,
    nullable,
    obj,
    page_of,
    spec,
    string,
)
from app.api.payload import Payload
from app.campaigns import services as campaigns
from app.campaigns.invalidation import invalidate_votes
from app.campaigns.models import (
    DESCRIPTION_MAX,
    MAX_ACCOUNT_AGE_DAYS,
    REASON_MAX,
    RESULTS_MODES,
    TITLE_MAX,
    Campaign,
    CampaignCase,
)
from app.campaigns.permissions import can_manage_campaigns, can_see_results
from app.campaigns.results import Results, campaign_results
from app.campaigns.voting import ballot_state, cast_vote, withdraw_vote
from app.clock import isoformat, utcnow
from app.pagination import page_args, paginate
from app.permissions import require

STATES = ["upcoming", "open", "closed"]

BALLOT_CASE = component(
    "BallotCase",
    obj(
        ["id", "title"],
        id=integer(),
        title=string(),
        summary=string(),
        department=string(description="department slug"),
        department_name=string(),
        votes=nullable(integer(description="valid votes; null unless the results are visible to you")),
    ),
)
CAMPAIGN_FIELDS = dict(
    id=integer(),
    title=string(),
    description=string(),
    description_html=string(),
    state=string(enum=STATES),
    opens_at=string(format="date-time"),
    closes_at=string(format="date-time"),
    votes_per_voter=integer(minimum=1),
    require_verified=boolean(),
    min_account_age_days=integer(minimum=0),
    results=string(enum=list(RESULTS_MODES)),
    results_visible=boolean(),
)
CAMPAIGN_SUMMARY = component(
    "CampaignSummary", obj(["id", "title", "state", "opens_at", "closes_at", "votes_per_voter"], **CAMPAIGN_FIELDS)
)
CAMPAIGN = component(
    "Campaign",
    obj(
        ["id", "title", "state", "opens_at", "closes_at", "votes_per_voter", "cases", "my_votes"],
        **CAMPAIGN_FIELDS,
        cases=array(BALLOT_CASE),
        my_votes=array(integer(description="case id")),
        votes_left=nullable(integer()),
    ),
)
MY_VOTES = component(
    "MyVotes", obj(["my_votes"], my_votes=array(integer(description="case id")), votes_left=integer())
)
RESULTS = component(
    "CampaignResults",
    obj(
        ["state", "turnout", "items"],
        campaign_id=integer(),
        state=string(enum=STATES),
        turnout=integer(description="distinct voters with at least one valid vote"),
        items=array(
            obj(
                ["case_id", "title", "votes", "rank"],
                case_id=integer(),
                title=string(),
                department_name=string(),
                votes=integer(),
                rank=integer(description="ties share a rank: 1, 2, 2, 4"),
            )
        ),
        total_votes=integer(),
        invalidated_votes=integer(),
        invalidations=array(
            obj(reason=string(), votes=integer(), accounts=integer(), created_at=string(format="date-time"))
        ),
        frozen=boolean(),
        frozen_at=nullable(string(format="date-time")),
    ),
)
CAMPAIGN_BODY = dict(
    title=string(1, TITLE_MAX),
    description=string(0, DESCRIPTION_MAX, description="Markdown"),
    opens_at=string(format="date-time"),
    closes_at=string(format="date-time", description="voting is open while opens_at <= now < closes_at"),
    case_ids=array(integer()),
    votes_per_voter=integer(minimum=1),
    require_verified=boolean(),
    min_account_age_days=integer(minimum=0, maximum=MAX_ACCOUNT_AGE_DAYS),
    results=string(enum=list(RESULTS_MODES)),
)


def campaign_summary_json(campaign: Campaign, now: Any) -> dict:
    """A campaign in lists."""
    return {
        "id": campaign.id,
        "title": campaign.title,
        "description": campaign.description,
        "description_html": campaign.description_html,
        "state": campaign.state(now),
        "opens_at": isoformat(campaign.opens_at),
        "closes_at": isoformat(campaign.closes_at),
        "votes_per_voter": campaign.votes_per_voter,
        "require_verified": campaign.require_verified,
        "min_account_age_days": campaign.min_account_age_days,
        "results": campaign.results_visibility,
        "results_visible": can_see_results(current_user, campaign, now),
    }


def _entry_json(entry: CampaignCase, show_votes: bool) -> dict:
    case = entry.case
    return {
        "id": case.id,
        "title": case.display_title,
        "summary": case.display_summary,
        "department": case.department.slug,
        "department_name": case.department.name,
        "votes": entry.votes if show_votes else None,
    }


def campaign_json(campaign: Campaign) -> dict:
    """A campaign with its ballot and the current user's votes."""
    now = utcnow()
    data = campaign_summary_json(campaign, now)
    state = ballot_state(campaign, current_user)
    data["cases"] = [_entry_json(entry, data["results_visible"]) for entry in campaigns.ballot_entries(campaign.id)]
    data["my_votes"] = state.my_votes if state else []
    data["votes_left"] = state.votes_left if state else None
    return data


def results_json(results: Results) -> dict:
    """Results as API.md describes them, plus totals and the published invalidations."""
    return {
        "campaign_id": results.campaign_id,
        "state": results.state,
        "turnout": results.turnout,
        "items": [
            {
                "case_id": item.case_id,
                "title": item.title,
                "department_name": item.department_name,
                "votes": item.votes,
                "rank": item.rank,
            }
            for item in results.items
        ],
        "total_votes": results.total_votes,
        "invalidated_votes": results.invalidated_votes,
        "invalidations": [
            {"reason": inv.reason, "votes": inv.votes, "accounts": inv.accounts, "created_at": isoformat(inv.created_at)}
            for inv in results.invalidations
        ],
        "frozen": results.frozen_at is not None,
        "frozen_at": isoformat(results.frozen_at),
    }


def _campaign_fields(payload: Payload, names: Any, *, required: bool) -> dict[str, Any]:
    readers = {
        "title": payload.string,
        "description": payload.string,
        "opens_at": payload.timestamp,
        "closes_at": payload.timestamp,
        "case_ids": lambda name, required: payload.integer_list(name, required=required, max_items=100),
        "votes_per_voter": payload.integer,
        "require_verified": payload.boolean,
        "min_account_age_days": payload.integer,
        "results": lambda name, required: payload.choice(name, RESULTS_MODES, required=required),
    }
    return {name: readers[name](name, required=required) for name in names}


@bp.get("/campaigns")
@spec("Voting campaigns, the latest first", tag="campaigns", params=PAGE_PARAMS, responses={200: page_of(CAMPAIGN_SUMMARY)})
def list_campaigns():
    """Every campaign with its state."""
    page, per_page = page_args(request.args)
    result = paginate(campaigns.campaigns_query(), page, per_page)
    now = utcnow()
    return jsonify(
        {
            "items": [campaign_summary_json(item, now) for item in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
        }
    )


@bp.post("/campaigns")
@spec(
    "Create a voting campaign (moderators)",
    tag="campaigns",
    auth=True,
    body=obj(
        ["title", "description", "opens_at", "closes_at", "case_ids", "votes_per_voter", "require_verified", "results"],
        **CAMPAIGN_BODY,
    ),
    responses={201: obj(["campaign"], campaign=CAMPAIGN)},
    errors=(403,),
    description="case_ids: 2 or more published cases; votes_per_voter at most their number; min_account_age_days defaults to 0.",
)
def create_campaign():
    """A moderator's new campaign."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators run voting campaigns."))
    payload = Payload()
    values = _campaign_fields(payload, [name for name in campaigns.FIELDS if name != "min_account_age_days"], required=True)
    values["min_account_age_days"] = payload.integer("min_account_age_days", required=False, default=0)
    payload.check()
    campaign = campaigns.create_campaign(current_user, **values)
    return jsonify({"campaign": campaign_json(campaign)}), 201


@bp.get("/campaigns/<int:campaign_id>")
@spec("One campaign with its ballot and your votes", tag="campaigns", responses={200: CAMPAIGN})
def get_campaign(campaign_id: int):
    """A campaign; my_votes lists the cases the signed-in voter voted for."""
    return jsonify(campaign_json(campaigns.get_campaign(campaign_id)))


@bp.patch("/campaigns/<int:campaign_id>")
@spec(
    "Change a campaign (moderators); the ballot and rules only before it opens",
    tag="campaigns",
    auth=True,
    body=obj(**CAMPAIGN_BODY),
    responses={200: obj(["campaign"], campaign=CAMPAIGN)},
    errors=(403, 409),
)
def update_campaign(campaign_id: int):
    """Change some fields; 409 for ballot or rule changes once voting has opened."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators run voting campaigns."))
    payload = Payload()
    unknown = sorted(name for name in payload.data if name not in campaigns.FIELDS)
    for name in unknown:
        payload.errors.setdefault(name, []).append(gettext("Unknown field."))
    values = _campaign_fields(payload, [name for name in campaigns.FIELDS if name in payload.data], required=True)
    payload.check()
    campaign = campaigns.update_campaign(current_user, campaign_id, **values)
    return jsonify({"campaign": campaign_json(campaign)})


@bp.post("/campaigns/<int:campaign_id>/votes")
@spec(
    "Vote for a case on the ballot",
    tag="campaigns",
    auth=True,
    body=obj(["case_id"], case_id=integer()),
    responses={201: MY_VOTES},
    errors=(403, 409),
    description="409 outside the window, over the limit, twice on one case, or for a case not on the ballot; "
    "403 where verification or a minimum account age is required, for officers on their own department's cases, "
    "and for suspended accounts.",
)
def vote(campaign_id: int):
    """Cast one vote."""
    payload = Payload()
    case_id = payload.integer("case_id")
    payload.check()
    state = cast_vote(current_user, campaign_id, case_id)
    return jsonify({"my_votes": state.my_votes, "votes_left": state.votes_left}), 201


@bp.delete("/campaigns/<int:campaign_id>/votes/<int:case_id>")
@spec("Withdraw your vote for a case", tag="campaigns", auth=True, responses={200: MY_VOTES}, errors=(403, 409))
def withdraw(campaign_id: int, case_id: int):
    """Withdraw one vote while voting is open (no vote: no change)."""
    state = withdraw_vote(current_user, campaign_id, case_id)
    return jsonify({"my_votes": state.my_votes, "votes_left": state.votes_left})


@bp.get("/campaigns/<int:campaign_id>/results")
@spec(
    "Results: counts, ranks, turnout and invalidated votes",
    tag="campaigns",
    responses={200: RESULTS},
    errors=(403,),
    description="Live while open if the campaign says so, otherwise after the close (403 before). Frozen after the close.",
)
def results(campaign_id: int):
    """The campaign's results as far as they are published."""
    campaign = campaigns.get_campaign(campaign_id)
    return jsonify(results_json(campaign_results(current_user, campaign)))


@bp.post("/campaigns/<int:campaign_id>/invalidations")
@spec(
    "Invalidate the votes of chosen accounts (moderators), before the close",
    tag="campaigns",
    auth=True,
    body=obj(["user_ids", "reason"], user_ids=array(integer()), reason=string(1, REASON_MAX)),
    responses={
        201: obj(
            ["invalidation"],
            invalidation=obj(
                id=integer(), reason=string(), votes=integer(), accounts=integer(), created_at=string(format="date-time")
            ),
        )
    },
    errors=(403, 409),
)
def invalidate(campaign_id: int):
    """Invalid votes stop counting; the reason and numbers are published with the results."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators may invalidate votes."))
    payload = Payload()
    user_ids = payload.integer_list("user_ids")
    reason = payload.string("reason")
    payload.check()
    invalidation = invalidate_votes(current_user, campaign_id, user_ids, reason)
    return (
        jsonify(
            {
                "invalidation": {
                    "id": invalidation.id,
                    "reason": invalidation.reason,
                    "votes": invalidation.votes_count,
                    "accounts": invalidation.accounts_count,
                    "created_at": isoformat(invalidation.created_at),
                }
            }
        ),
        201,
    )
