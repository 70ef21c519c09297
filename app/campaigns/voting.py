"""Casting and withdrawing votes: exact limits under concurrent requests.

One transaction per vote:

1. the campaign row FOR KEY SHARE (PostgreSQL): a moderator's FOR UPDATE
   (edit, invalidate, freeze) waits for votes in flight and the other way
   round, while voters do not block each other;
2. the window and the voter's standing are checked;
3. the voter's ballot row is created if missing (``insert_or_ignore``) and
   locked (``SELECT … FOR UPDATE``; on SQLite every writing request already
   holds the write lock through ``BEGIN IMMEDIATE``), so two requests of one
   voter run one after the other and the limit is read fresh;
4. the vote is inserted with ON CONFLICT DO NOTHING (unique campaign, voter,
   case), and the stored counts move in the same transaction.

A fixed number of SQL statements, whatever the size of the campaign.

Signals: ``vote.cast`` and ``vote.withdrawn`` (sender=campaign, voter=user, case_id=int).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_datetime, gettext
from sqlalchemy import delete, select, update

from app.campaigns.models import CLOSED, UPCOMING, Ballot, Campaign, CampaignCase, Vote
from app.campaigns.permissions import voting_problem
from app.campaigns.services import lock_campaign
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, Forbidden
from app.events import signal
from app.extensions import db
from app.innovation.models import InnovationCase
from app.permissions import require_participation

vote_cast = signal("vote.cast")
vote_withdrawn = signal("vote.withdrawn")


@dataclass
class BallotState:
    """What a voter sees of their own ballot."""

    my_votes: list[int]
    votes_left: int
    invalidated: bool = False


def require_open(campaign: Campaign, now: datetime) -> None:
    """Raise Conflict (409) with the opening or closing time unless voting is open now."""
    state = campaign.state(now)
    if state == UPCOMING:
        raise Conflict(
            gettext("Voting has not started yet. It opens at %(time)s.", time=format_datetime(campaign.opens_at, "yyyy-MM-dd HH:mm:ss")),
            code="voting_not_open",
        )
    if state == CLOSED:
        raise Conflict(
            gettext("Voting has closed. It closed at %(time)s.", time=format_datetime(campaign.closes_at, "yyyy-MM-dd HH:mm:ss")),
            code="voting_closed",
        )


def _case_department(campaign_id: int, case_id: Any) -> int:
    """The department of a case on the ballot; 409 if the case is not on it."""
    row = None
    if isinstance(case_id, int) and not isinstance(case_id, bool) and abs(case_id) < 2**31:
        row = db.session.execute(
            select(InnovationCase.department_id)
            .join(CampaignCase, CampaignCase.case_id == InnovationCase.id)
            .where(CampaignCase.campaign_id == campaign_id, CampaignCase.case_id == case_id)
        ).first()
    if row is None:
        raise Conflict(gettext("This case is not on the ballot of this campaign."), code="not_on_ballot")
    return row[0]


def _lock_ballot(campaign_id: int, user_id: int) -> Any:
    return db.session.execute(
        select(Ballot.votes_used, Ballot.invalidated_at)
        .where(Ballot.campaign_id == campaign_id, Ballot.user_id == user_id)
        .with_for_update()
    ).first()


def _invalidated() -> Forbidden:
    return Forbidden(
        gettext("A moderator invalidated your votes in this campaign; the reason is published with the results."),
        code="votes_invalidated",
    )


def my_votes(campaign_id: int, user_id: int) -> list[int]:
    """The cases this voter holds a valid vote for, in the order cast."""
    return list(
        db.session.scalars(
            select(Vote.case_id)
            .where(Vote.campaign_id == campaign_id, Vote.user_id == user_id, Vote.invalidated_at.is_(None))
            .order_by(Vote.id)
        )
    )


def ballot_state(campaign: Campaign, user: Any) -> BallotState | None:
    """The signed-in voter's votes and how many are left (None for visitors). Two queries."""
    if not getattr(user, "is_authenticated", False):
        return None
    invalidated = db.session.scalar(
        select(Ballot.invalidated_at).where(Ballot.campaign_id == campaign.id, Ballot.user_id == user.id)
    )
    votes = my_votes(campaign.id, user.id)
    return BallotState(votes, max(0, campaign.votes_per_voter - len(votes)), invalidated is not None)


def _state(campaign: Campaign, user_id: int) -> BallotState:
    votes = my_votes(campaign.id, user_id)
    return BallotState(votes, max(0, campaign.votes_per_voter - len(votes)))


def cast_vote(voter: Any, campaign_id: int, case_id: Any) -> BallotState:
    """Cast one vote for a case on the ballot; 409/403 with a clear message when refused."""
    require_participation(voter)
    campaign = lock_campaign(campaign_id, shared=True)
    now = utcnow()
    require_open(campaign, now)
    department_id = _case_department(campaign.id, case_id)
    problem = voting_problem(voter, campaign, department_id, now)
    if problem is not None:
        raise Forbidden(problem[1], code=problem[0])
    insert_or_ignore(
        db.session, Ballot, {"campaign_id": campaign.id, "user_id": voter.id, "votes_used": 0, "created_at": now}
    )
    ballot = _lock_ballot(campaign.id, voter.id)
    if ballot.invalidated_at is not None:
        raise _invalidated()
    if ballot.votes_used >= campaign.votes_per_voter:
        if case_id in my_votes(campaign.id, voter.id):
            raise Conflict(gettext("You have already voted for this case."), code="already_voted")
        raise Conflict(
            gettext(
                "You have used all %(count)d of your votes in this campaign. Withdraw one to vote for another case.",
                count=campaign.votes_per_voter,
            ),
            code="vote_limit_reached",
        )
    inserted = insert_or_ignore(
        db.session, Vote, {"campaign_id": campaign.id, "user_id": voter.id, "case_id": case_id, "created_at": now}
    )
    if not inserted:
        raise Conflict(gettext("You have already voted for this case."), code="already_voted")
    _move_counts(campaign.id, voter.id, case_id, +1, first_or_last=ballot.votes_used == 0)
    vote_cast.send(campaign, voter=voter, case_id=case_id)
    return _state(campaign, voter.id)


def withdraw_vote(voter: Any, campaign_id: int, case_id: Any) -> BallotState:
    """Withdraw one's vote for a case while voting is open (idempotent: no vote, no change)."""
    require_participation(voter)
    campaign = lock_campaign(campaign_id, shared=True)
    require_open(campaign, utcnow())
    _case_department(campaign.id, case_id)
    ballot = _lock_ballot(campaign.id, voter.id)
    if ballot is None:
        return BallotState([], campaign.votes_per_voter)
    if ballot.invalidated_at is not None:
        raise _invalidated()
    deleted = db.session.execute(
        delete(Vote)
        .where(
            Vote.campaign_id == campaign.id,
            Vote.user_id == voter.id,
            Vote.case_id == case_id,
            Vote.invalidated_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if deleted:
        _move_counts(campaign.id, voter.id, case_id, -1, first_or_last=ballot.votes_used == 1)
        vote_withdrawn.send(campaign, voter=voter, case_id=case_id)
    return _state(campaign, voter.id)


def _move_counts(campaign_id: int, user_id: int, case_id: int, step: int, *, first_or_last: bool) -> None:
    """Move the ballot's, the case's and (for a first or last vote) the campaign's stored counts."""
    options = {"synchronize_session": False}
    db.session.execute(
        update(Ballot)
        .where(Ballot.campaign_id == campaign_id, Ballot.user_id == user_id)
        .values(votes_used=Ballot.votes_used + step)
        .execution_options(**options)
    )
    db.session.execute(
        update(CampaignCase)
        .where(CampaignCase.campaign_id == campaign_id, CampaignCase.case_id == case_id)
        .values(votes=CampaignCase.votes + step)
        .execution_options(**options)
    )
    if first_or_last:
        db.session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(turnout=Campaign.turnout + step).execution_options(**options)
        )
