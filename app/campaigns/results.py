"""Results: live from the stored counts, frozen into a snapshot after closing, exported as CSV.

Results never read the votes table: the stored per-case counts and the
campaign's turnout give them in a few small queries, whatever the number of
votes. After closing, the first read (or ``flask campaigns freeze-results``)
writes ``campaign_results`` once, in its own short transaction; from then on
results come from that snapshot and never change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from flask_babel import format_datetime, gettext
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.campaigns.models import CLOSED, Campaign, CampaignCase, CampaignResult, VoteInvalidation
from app.campaigns.permissions import can_see_results
from app.clock import utcnow
from app.departments.models import Department
from app.errors import Forbidden
from app.extensions import db
from app.innovation.models import InnovationCase
from app.privacy import mask_personal_info


@dataclass
class ResultItem:
    """One case's line in the results."""

    case_id: int
    title: str
    department_name: str
    votes: int
    position: int
    rank: int = 0


@dataclass
class Invalidation:
    """A published invalidation: why, how many votes and accounts."""

    reason: str
    votes: int
    accounts: int
    created_at: datetime


@dataclass
class Results:
    """What everyone may see of a campaign's outcome."""

    campaign_id: int
    state: str
    turnout: int
    items: list[ResultItem]
    invalidated_votes: int
    invalidations: list[Invalidation] = field(default_factory=list)
    frozen_at: datetime | None = None

    @property
    def total_votes(self) -> int:
        return sum(item.votes for item in self.items)


def ranked(items: Iterable[ResultItem]) -> list[ResultItem]:
    """Most votes first; ties share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(items, key=lambda item: (-item.votes, item.position))
    previous_votes: int | None = None
    for index, item in enumerate(ordered, start=1):
        if item.votes != previous_votes:
            rank = index
            previous_votes = item.votes
        item.rank = rank
    return ordered


def _live_items(session: Any, campaign_id: int) -> list[ResultItem]:
    rows = session.execute(
        select(CampaignCase.case_id, InnovationCase.title, Department.name, CampaignCase.votes, CampaignCase.position)
        .join(InnovationCase, InnovationCase.id == CampaignCase.case_id)
        .join(Department, Department.id == InnovationCase.department_id)
        .where(CampaignCase.campaign_id == campaign_id)
    ).all()
    return ranked(
        ResultItem(case_id, mask_personal_info(title), department, votes, position)
        for case_id, title, department, votes, position in rows
    )


def _snapshot_items(session: Any, campaign_id: int) -> list[ResultItem]:
    rows = session.scalars(
        select(CampaignResult)
        .where(CampaignResult.campaign_id == campaign_id)
        .order_by(CampaignResult.rank, CampaignResult.position)
    ).all()
    return [ResultItem(r.case_id, r.title, r.department_name, r.votes, r.position, r.rank) for r in rows]


def invalidations(campaign_id: int) -> list[Invalidation]:
    """The campaign's invalidations, oldest first (public: reasons and numbers, no accounts)."""
    rows = db.session.scalars(
        select(VoteInvalidation).where(VoteInvalidation.campaign_id == campaign_id).order_by(VoteInvalidation.id)
    ).all()
    return [Invalidation(row.reason, row.votes_count, row.accounts_count, row.created_at) for row in rows]


def results_not_yet(campaign: Campaign) -> Forbidden:
    """The 403 of a campaign whose results wait for the close."""
    return Forbidden(
        gettext(
            "The results of this campaign are published when voting closes, at %(time)s.",
            time=format_datetime(campaign.closes_at, "yyyy-MM-dd HH:mm"),
        ),
        code="results_not_published",
    )


def campaign_results(viewer: Any, campaign: Campaign, now: datetime | None = None) -> Results:
    """The results this viewer may see now; 403 before the close for after_close campaigns.

    Call only from reading requests (GET) or commands: freezing opens a
    transaction of its own.
    """
    now = now or utcnow()
    if not can_see_results(viewer, campaign, now):
        raise results_not_yet(campaign)
    state = campaign.state(now)
    if state == CLOSED:
        if campaign.results_frozen_at is None:
            frozen = freeze_results(campaign.id)
            if frozen is not None:
                frozen.invalidations = invalidations(campaign.id)
                return frozen
        return Results(
            campaign.id,
            state,
            campaign.frozen_turnout or 0,
            _snapshot_items(db.session, campaign.id),
            campaign.frozen_invalidated_votes or 0,
            invalidations(campaign.id),
            campaign.results_frozen_at,
        )
    return Results(
        campaign.id, state, campaign.turnout, _live_items(db.session, campaign.id), campaign.invalidated_votes,
        invalidations(campaign.id),
    )


def freeze_results(campaign_id: int) -> Results | None:
    """Write the results snapshot of a closed campaign once; return the snapshot (None if still open).

    Runs in its own transaction, so a reading request can freeze. Its first
    statement on SQLite is a write (it takes the write lock, waiting for any
    vote in flight); on PostgreSQL it first takes the campaign row FOR UPDATE,
    which waits for votes in flight (they hold FOR KEY SHARE). Whoever loses
    the race to freeze reads the winner's snapshot. Never call it while the
    request's own session holds SQLite's write lock (a POST): use
    ``freeze_in_session`` there.
    """
    with Session(db.engine, expire_on_commit=False) as session, session.begin():
        return freeze_in_session(session, campaign_id)


def freeze_in_session(session: Any, campaign_id: int) -> Results | None:
    """``freeze_results`` inside the given session's transaction (seed data, tests)."""
    now = utcnow()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update())
    won = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.results_frozen_at.is_(None), Campaign.closes_at <= now)
        .values(
            results_frozen_at=now,
            frozen_turnout=Campaign.turnout,
            frozen_invalidated_votes=Campaign.invalidated_votes,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if won:
        items = _live_items(session, campaign_id)
        session.execute(
            insert(CampaignResult),
            [
                {
                    "campaign_id": campaign_id,
                    "case_id": item.case_id,
                    "position": item.position,
                    "title": item.title,
                    "department_name": item.department_name,
                    "votes": item.votes,
                    "rank": item.rank,
                }
                for item in items
            ],
        )
    row = session.execute(
        select(Campaign.results_frozen_at, Campaign.frozen_turnout, Campaign.frozen_invalidated_votes).where(
            Campaign.id == campaign_id
        )
    ).first()
    if row is None or row.results_frozen_at is None:
        return None
    if not won:
        items = _snapshot_items(session, campaign_id)
    return Results(campaign_id, CLOSED, row.frozen_turnout or 0, items, row.frozen_invalidated_votes or 0, [], row.results_frozen_at)


def freeze_due(now: datetime | None = None) -> list[int]:
    """Freeze every closed campaign that has no snapshot yet; return their ids (for the command)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Campaign.id).where(Campaign.closes_at <= now, Campaign.results_frozen_at.is_(None)).order_by(Campaign.id)
    ).all()
    db.session.rollback()  # end our read, so each freeze sees the latest data
    return [campaign_id for campaign_id in due if freeze_results(campaign_id) is not None]


CSV_HEADER = ("rank", "case_id", "title", "department", "votes")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Keep spreadsheet programs from running text as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def results_csv(results: Results) -> str:
    """The results as CSV text, with a BOM so that spreadsheet programs read UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in results.items:
        writer.writerow([item.rank, item.case_id, _cell(item.title), _cell(item.department_name), item.votes])
    return buffer.getvalue()
