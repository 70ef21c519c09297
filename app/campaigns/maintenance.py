"""Rebuilding stored counts from the votes (bulk-loaded data, repairs) and the ``flask campaigns`` commands."""

from __future__ import annotations

import click
from sqlalchemy import and_, func, select, update

from app.campaigns import bp
from app.campaigns.models import Ballot, Campaign, CampaignCase, Vote
from app.extensions import db


def recount(campaign_id: int) -> None:
    """Set every stored count of a campaign from its votes table (flushes, no commit).

    Voting keeps the counts exact by itself; this is for data loaded in bulk
    (demo data, benchmarks) and for checking. Not for a frozen campaign.
    """
    valid = Vote.invalidated_at.is_(None)
    db.session.execute(
        update(CampaignCase)
        .where(CampaignCase.campaign_id == campaign_id)
        .values(
            votes=select(func.count(Vote.id))
            .where(and_(Vote.campaign_id == CampaignCase.campaign_id, Vote.case_id == CampaignCase.case_id, valid))
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Ballot)
        .where(Ballot.campaign_id == campaign_id)
        .values(
            votes_used=select(func.count(Vote.id))
            .where(and_(Vote.campaign_id == Ballot.campaign_id, Vote.user_id == Ballot.user_id, valid))
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(
            turnout=select(func.count())
            .select_from(Ballot)
            .where(Ballot.campaign_id == campaign_id, Ballot.votes_used > 0)
            .scalar_subquery(),
            invalidated_votes=select(func.count(Vote.id))
            .where(Vote.campaign_id == campaign_id, Vote.invalidated_at.is_not(None))
            .scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


@bp.cli.command("freeze-results")
def freeze_results_command() -> None:
    """Write the results snapshot of every closed campaign that has none yet."""
    from app.campaigns.results import freeze_due

    frozen = freeze_due()
    click.echo(f"Froze the results of {len(frozen)} campaign(s): {', '.join(map(str, frozen)) or '-'}")


@bp.cli.command("recount")
@click.argument("campaign_id", type=int)
def recount_command(campaign_id: int) -> None:
    """Rebuild a campaign's stored counts from its votes (not for frozen campaigns)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    if campaign.results_frozen_at is not None:
        raise click.ClickException("the results of this campaign are frozen")
    recount(campaign_id)
    db.session.commit()
    click.echo(f"campaign {campaign_id}: turnout {db.session.get(Campaign, campaign_id).turnout}")
