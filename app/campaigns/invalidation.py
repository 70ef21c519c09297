"""Moderators invalidate the votes of chosen accounts (e.g. a burst of new accounts) before the close.

Invalid votes stay stored but stop counting: the per-case counts, the
turnout and the voters' ballots are adjusted in the same transaction, and
the invalidated accounts may not vote again in this campaign. The reason and
the numbers are published with the results; each invalidation is audit-logged.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select, update

from app.accounts.models import User
from app.audit.services import record
from app.campaigns.models import CLOSED, REASON_MAX, UPCOMING, Ballot, Campaign, CampaignCase, Vote, VoteInvalidation
from app.campaigns.permissions import can_manage_campaigns
from app.campaigns.services import MAX_ID, lock_campaign
from app.clock import utcnow
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.permissions import require

MAX_ACCOUNTS = 1000


def _checked(user_ids: Any, reason: Any) -> tuple[list[int], str]:
    fields: dict[str, list[str]] = {}
    if (
        not isinstance(user_ids, (list, tuple))
        or not user_ids
        or len(user_ids) > MAX_ACCOUNTS
        or any(isinstance(item, bool) or not isinstance(item, int) for item in user_ids)
    ):
        fields["user_ids"] = [gettext("Choose 1 to %(max)d accounts.", max=MAX_ACCOUNTS)]
    if not isinstance(reason, str) or not reason.strip() or "\x00" in reason:
        fields["reason"] = [gettext("Please give the reason; it is published with the results.")]
    elif len(reason.strip()) > REASON_MAX:
        fields["reason"] = [gettext("At most %(max)d characters.", max=REASON_MAX)]
    if fields:
        raise ValidationFailed(fields=fields)
    # ids beyond a 32-bit integer cannot exist (and would overflow the SQL parameter)
    return sorted({user_id for user_id in user_ids if 0 < user_id <= MAX_ID}), reason.strip()


def invalidate_votes(actor: Any, campaign_id: int, user_ids: Any, reason: Any) -> VoteInvalidation:
    """Invalidate every valid vote of these accounts in an open campaign; 409 once it has closed."""
    require(can_manage_campaigns(actor), actor, gettext("Only moderators may invalidate votes."))
    ids, reason_text = _checked(user_ids, reason)
    # FOR UPDATE: waits for votes in flight, and new votes wait for us
    campaign = lock_campaign(campaign_id)
    now = utcnow()
    state = campaign.state(now)
    if state == CLOSED:
        raise Conflict(
            gettext("Voting has closed and the results are frozen; votes can no longer be invalidated."),
            code="results_frozen",
        )
    if state == UPCOMING:
        raise Conflict(gettext("Voting has not started; there are no votes to invalidate."), code="voting_not_open")
    voters = [] if not ids else db.session.execute(
        select(Ballot.user_id, Ballot.votes_used)
        .where(
            Ballot.campaign_id == campaign.id,
            Ballot.user_id.in_(ids),
            Ballot.invalidated_at.is_(None),
            Ballot.votes_used > 0,
        )
        .order_by(Ballot.user_id)
        .with_for_update()
    ).all()
    if not voters:
        raise ValidationFailed(fields={"user_ids": [gettext("None of these accounts has a valid vote in this campaign.")]})
    voter_ids = [row.user_id for row in voters]
    per_case = db.session.execute(
        select(Vote.case_id, func.count())
        .where(Vote.campaign_id == campaign.id, Vote.user_id.in_(voter_ids), Vote.invalidated_at.is_(None))
        .group_by(Vote.case_id)
        .order_by(Vote.case_id)
    ).all()
    total = sum(count for _, count in per_case)
    invalidation = VoteInvalidation(
        campaign_id=campaign.id,
        moderator_id=actor.id,
        reason=reason_text,
        votes_count=total,
        accounts_count=len(voter_ids),
        created_at=now,
    )
    db.session.add(invalidation)
    db.session.flush()
    options = {"synchronize_session": False}
    db.session.execute(
        update(Vote)
        .where(Vote.campaign_id == campaign.id, Vote.user_id.in_(voter_ids), Vote.invalidated_at.is_(None))
        .values(invalidated_at=now, invalidation_id=invalidation.id)
        .execution_options(**options)
    )
    db.session.execute(
        update(Ballot)
        .where(Ballot.campaign_id == campaign.id, Ballot.user_id.in_(voter_ids))
        .values(votes_used=0, invalidated_at=now, invalidation_id=invalidation.id)
        .execution_options(**options)
    )
    for case_id, count in per_case:
        db.session.execute(
            update(CampaignCase)
            .where(CampaignCase.campaign_id == campaign.id, CampaignCase.case_id == case_id)
            .values(votes=CampaignCase.votes - count)
            .execution_options(**options)
        )
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(turnout=Campaign.turnout - len(voter_ids), invalidated_votes=Campaign.invalidated_votes + total)
        .execution_options(**options)
    )
    db.session.expire(campaign)
    record(
        actor,
        "campaign.invalidate_votes",
        campaign,
        reason=reason_text,
        after={"invalidation_id": invalidation.id, "votes": total, "accounts": len(voter_ids)},
    )
    return invalidation


def voters_query(campaign_id: int, created_after: Any = None) -> Select:
    """The campaign's voters with their accounts, newest accounts first (to spot bursts of new accounts)."""
    query = (
        select(Ballot, User)
        .join(User, User.id == Ballot.user_id)
        .where(Ballot.campaign_id == campaign_id)
        .order_by(User.created_at.desc(), User.id.desc())
    )
    if created_after is not None:
        query = query.where(User.created_at >= created_after)
    return query
