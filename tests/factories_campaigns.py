"""Factories for innovation cases, campaigns and votes, through the real services (committed).

    case = factories_campaigns.case(app, department)                 # published
    draft = factories_campaigns.case(app, department, status="draft")
    campaign = factories_campaigns.campaign(app, [case1, case2], votes_per_voter=2)
    factories_campaigns.vote(app, campaign, citizen, case1)
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any, Sequence

from app.clock import utcnow
from app.extensions import db
from tests import factories

_seq = itertools.count(1)


def _user(user_obj: Any):
    from app.accounts.models import User

    return db.session.get(User, user_obj.id)


def _detached(obj: Any) -> Any:
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def officer_of(app, department, **fields: Any):
    """An officer of the department."""
    return factories.user(app, role="officer", department=department, **fields)


def case(
    app,
    department,
    *,
    status: str = "published",
    author=None,
    moderator=None,
    title: str | None = None,
    summary: str = "把群众和企业办事从跑多次变为最多跑一次。",
    body: str = "## 做法\n\n- 一窗受理\n- 集成服务\n\n## 成效\n\n办事时间平均缩短一半。",
    tags: Sequence[str] = ("数字政府",),
    reason: str = "材料不完整",
):
    """A case of the department in the given state (draft, submitted, published, rejected)."""
    from app.innovation.models import InnovationCase
    from app.innovation.services import create_case, review_case

    n = next(_seq)
    author = author or officer_of(app, department)
    if status in ("published", "rejected"):
        moderator = moderator or factories.user(app, role="moderator")
    with app.app_context():
        made = create_case(
            _user(author),
            title=title or f"创新案例{n}：最多跑一次改革",
            summary=summary,
            body=body,
            tags=list(tags),
            submit=status != "draft",
        )
        if status == "published":
            review_case(_user(moderator), made, "publish")
        elif status == "rejected":
            review_case(_user(moderator), made, "reject", reason)
        db.session.commit()
        made = db.session.get(InnovationCase, made.id)
        made.tag_names  # load before detaching
        return _detached(made)


def campaign(
    app,
    cases: Sequence[Any],
    *,
    moderator=None,
    title: str | None = None,
    description: str = "请为您认为最有价值的改革案例投票。",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    votes_per_voter: int = 1,
    require_verified: bool = False,
    min_account_age_days: int = 0,
    results: str = "after_close",
):
    """A campaign on these cases; by default open since an hour ago, for a week."""
    from app.campaigns.services import create_campaign

    now = utcnow()
    moderator = moderator or factories.user(app, role="moderator")
    with app.app_context():
        made = create_campaign(
            _user(moderator),
            title=title or f"年度最佳改革案例评选{next(_seq)}",
            description=description,
            opens_at=opens_at or now - timedelta(hours=1),
            closes_at=closes_at or now + timedelta(days=7),
            case_ids=[item.id for item in cases],
            votes_per_voter=votes_per_voter,
            require_verified=require_verified,
            min_account_age_days=min_account_age_days,
            results=results,
        )
        return _detached(made)


def vote(app, campaign_obj, voter, case_obj):
    """Cast a vote through the voting service (the campaign must be open now)."""
    from app.campaigns.voting import cast_vote

    with app.app_context():
        state = cast_vote(_user(voter), campaign_obj.id, case_obj.id)
        db.session.commit()
        return state


def voter(app, *, days_old: int = 400, verified: bool = True, **fields: Any):
    """A citizen account created ``days_old`` days ago."""
    return factories.user(app, role="citizen", verified=verified, created_at=utcnow() - timedelta(days=days_old), **fields)


def stored_counts(app, campaign_id: int) -> dict[str, Any]:
    """The stored counts next to the counts recomputed from the votes table (they must agree)."""
    from sqlalchemy import func, select

    from app.campaigns.models import Ballot, Campaign, CampaignCase, Vote

    with app.app_context():
        per_case = dict(
            db.session.execute(
                select(CampaignCase.case_id, CampaignCase.votes).where(CampaignCase.campaign_id == campaign_id)
            ).all()
        )
        counted = {case_id: 0 for case_id in per_case}
        counted.update(
            db.session.execute(
                select(Vote.case_id, func.count())
                .where(Vote.campaign_id == campaign_id, Vote.invalidated_at.is_(None))
                .group_by(Vote.case_id)
            ).all()
        )
        campaign_row = db.session.get(Campaign, campaign_id)
        voters = db.session.scalar(
            select(func.count(func.distinct(Vote.user_id))).where(
                Vote.campaign_id == campaign_id, Vote.invalidated_at.is_(None)
            )
        )
        used = dict(
            db.session.execute(select(Ballot.user_id, Ballot.votes_used).where(Ballot.campaign_id == campaign_id)).all()
        )
        used_counted = {user_id: 0 for user_id in used}
        used_counted.update(
            db.session.execute(
                select(Vote.user_id, func.count())
                .where(Vote.campaign_id == campaign_id, Vote.invalidated_at.is_(None))
                .group_by(Vote.user_id)
            ).all()
        )
        invalid = db.session.scalar(
            select(func.count()).where(Vote.campaign_id == campaign_id, Vote.invalidated_at.is_not(None))
        )
        return {
            "per_case": per_case,
            "per_case_counted": counted,
            "turnout": campaign_row.turnout,
            "turnout_counted": voters,
            "ballots": used,
            "ballots_counted": used_counted,
            "invalidated": campaign_row.invalidated_votes,
            "invalidated_counted": invalid,
        }


def assert_counts_consistent(app, campaign_id: int) -> dict[str, Any]:
    """Assert that every stored count equals the count recomputed from the votes."""
    counts = stored_counts(app, campaign_id)
    assert counts["per_case"] == counts["per_case_counted"], counts
    assert counts["turnout"] == counts["turnout_counted"], counts
    assert counts["ballots"] == counts["ballots_counted"], counts
    assert counts["invalidated"] == counts["invalidated_counted"], counts
    return counts
