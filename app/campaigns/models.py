"""Voting campaigns (投票活动): ballots, votes, invalidations and frozen results.

Counts that must be exact are stored and moved in the voting transaction:
``campaign_cases.votes`` (valid votes per case), ``ballots.votes_used``
(valid votes per voter) and ``campaigns.turnout`` (voters with at least one
valid vote). Results read these few rows, never the votes table.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.innovation.models import InnovationCase

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
REASON_MAX = 500
MIN_CASES = 2
MAX_CASES = 50
MAX_ACCOUNT_AGE_DAYS = 3650

UPCOMING = "upcoming"
OPEN = "open"
CLOSED = "closed"
LIVE = "live"
AFTER_CLOSE = "after_close"
RESULTS_MODES = (LIVE, AFTER_CLOSE)


class Campaign(db.Model):
    """A vote on published innovation cases, open from opens_at until (not including) closes_at."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("opens_at < closes_at", name="window_ordered"),
        CheckConstraint("votes_per_voter >= 1", name="votes_per_voter_positive"),
        CheckConstraint("min_account_age_days >= 0", name="min_age_not_negative"),
        CheckConstraint("results_visibility IN ('live', 'after_close')", name="results_visibility_known"),
        CheckConstraint("turnout >= 0 AND invalidated_votes >= 0", name="counts_not_negative"),
        Index("ix_campaigns_opens_at_closes_at", "opens_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    votes_per_voter: Mapped[int] = mapped_column(Integer, default=1)
    require_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    min_account_age_days: Mapped[int] = mapped_column(Integer, default=0)
    results_visibility: Mapped[str] = mapped_column(String(16), default=AFTER_CLOSE)
    # stored counts, moved in the voting transaction
    turnout: Mapped[int] = mapped_column(Integer, default=0)
    invalidated_votes: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set once, when the results snapshot is written after closing
    results_frozen_at: Mapped[datetime | None]
    frozen_turnout: Mapped[int | None]
    frozen_invalidated_votes: Mapped[int | None]

    entries: Mapped[list[CampaignCase]] = relationship(
        order_by="CampaignCase.position", cascade="all, delete-orphan", back_populates="campaign", lazy="raise"
    )

    def state(self, now: datetime) -> str:
        """upcoming before opens_at, open from opens_at until closes_at (exclusive), then closed."""
        if now < self.opens_at:
            return UPCOMING
        if now < self.closes_at:
            return OPEN
        return CLOSED

    def __repr__(self) -> str:
        return f"<Campaign {self.id}>"


class CampaignCase(db.Model):
    """A published case on a campaign's ballot, with its stored count of valid votes."""

    __tablename__ = "campaign_cases"
    __table_args__ = (CheckConstraint("votes >= 0", name="votes_not_negative"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    votes: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="entries")
    case: Mapped[InnovationCase] = relationship(lazy="joined", innerjoin=True)


class Ballot(db.Model):
    """One voter's ballot in one campaign: the row locked while a vote is cast or withdrawn."""

    __tablename__ = "ballots"
    __table_args__ = (
        CheckConstraint("votes_used >= 0", name="votes_used_not_negative"),
        Index("ix_ballots_campaign_id_created_at", "campaign_id", "created_at"),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    votes_used: Mapped[int] = mapped_column(Integer, default=0)  # valid votes only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # a moderator invalidated this voter's votes; the voter may not vote again here
    invalidated_at: Mapped[datetime | None]
    invalidation_id: Mapped[int | None] = mapped_column(ForeignKey("vote_invalidations.id", ondelete="SET NULL"))


class Vote(db.Model):
    """One vote for one case; at most one per voter and case (the unique constraint decides)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "case_id"),
        ForeignKeyConstraint(
            ["campaign_id", "case_id"], ["campaign_cases.campaign_id", "campaign_cases.case_id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["campaign_id", "user_id"], ["ballots.campaign_id", "ballots.user_id"], ondelete="CASCADE"),
        Index("ix_votes_campaign_id_case_id", "campaign_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int]
    user_id: Mapped[int]
    case_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invalidated_at: Mapped[datetime | None]
    invalidation_id: Mapped[int | None] = mapped_column(
        ForeignKey("vote_invalidations.id", ondelete="SET NULL"), index=True
    )


class VoteInvalidation(db.Model):
    """A moderator's decision that some accounts' votes do not count, with a public reason."""

    __tablename__ = "vote_invalidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    votes_count: Mapped[int] = mapped_column(Integer)
    accounts_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignResult(db.Model):
    """The frozen result of one case, written once after the campaign closed."""

    __tablename__ = "campaign_results"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    department_name: Mapped[str] = mapped_column(String(100))
    votes: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
