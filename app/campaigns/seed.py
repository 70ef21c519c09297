"""Seed step: an open campaign with votes, a closed one with frozen results (some votes invalidated), an upcoming one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.accounts.models import User
from app.accounts.services import username_key
from app.audit.services import record
from app.campaigns.maintenance import recount
from app.campaigns.models import Ballot, Campaign, Vote, VoteInvalidation
from app.campaigns.results import freeze_in_session
from app.campaigns.services import create_campaign
from app.campaigns.voting import cast_vote
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.seed import DemoContext

BURST_REASON = "8个账号在10分钟内集中注册，并在同一时段全部投票给同一案例，判定为组织刷票，相关选票作废。"


def seed_campaigns(context: DemoContext) -> None:
    """Three campaigns on the published demo cases (``context.extra["campaigns"]``)."""
    moderator = context.users["moderator"]
    cases = context.extra["cases"]
    rng = context.rng
    now = utcnow()

    live = create_campaign(
        moderator,
        title="2026年度浙江省政务服务创新案例网络投票",
        description="从各地各部门报送的创新案例中评选群众最认可的改革举措。每人最多投3票，每个案例限投1票；结果实时公布。",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=10),
        case_ids=[case.id for case in cases[:8]],
        votes_per_voter=3,
        require_verified=False,
        min_account_age_days=7,
        results="live",
    )
    weights = [8, 6, 5, 4, 3, 3, 2, 1]
    for citizen in context.citizens:
        wanted = rng.randint(0, 3)
        chosen = set()
        while len(chosen) < wanted:
            chosen.add(rng.choices(range(8), weights=weights)[0])
        for index in sorted(chosen):
            try:
                cast_vote(citizen, live.id, cases[index].id)
            except ServiceError:
                pass  # too young an account, for instance: the rules hold for demo data too

    closed = _closed_campaign(context, moderator, cases[8:14], now)

    upcoming = create_campaign(
        moderator,
        title="2027年“数字政府”创新案例征集投票",
        description="投票将于下周开始，仅限实名认证用户参与，每人2票，结果在投票结束后公布。",
        opens_at=now + timedelta(days=7),
        closes_at=now + timedelta(days=21),
        case_ids=[case.id for case in cases[14:19]],
        votes_per_voter=2,
        require_verified=True,
        min_account_age_days=30,
        results="after_close",
    )
    db.session.flush()
    context.extra["campaigns"] = {"open": live, "closed": closed, "upcoming": upcoming}


def _closed_campaign(context: DemoContext, moderator: User, cases: list, now) -> Campaign:
    """Closed a month ago: votes loaded directly (the window is past), one invalidation, results frozen."""
    rng = context.rng
    opens_at, closes_at = now - timedelta(days=60), now - timedelta(days=30)
    campaign = create_campaign(
        moderator,
        title="2026年上半年“最多跑一次”优秀案例评选",
        description="评选上半年“最多跑一次”改革优秀案例。每人2票，结果在投票结束后公布。",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        case_ids=[case.id for case in cases],
        votes_per_voter=2,
        require_verified=False,
        min_account_age_days=0,
        results="after_close",
    )
    db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id).values(opens_at=opens_at, closes_at=closes_at)
    )
    voters = [user for user in context.citizens if user.created_at < opens_at]
    weights = [7, 5, 5, 3, 2, 1]
    for voter in voters:
        chosen = set()
        for _ in range(rng.randint(1, 2)):
            chosen.add(rng.choices(range(len(cases)), weights=weights)[0])
        _load_votes(campaign.id, voter.id, [cases[i].id for i in sorted(chosen)], opens_at + timedelta(hours=rng.randint(1, 700)))

    # a burst of new accounts, registered within ten minutes, all voting for the last case
    template = context.citizens[0]
    burst = []
    for index in range(1, 9):
        name = f"new_voter_{index:02d}"
        user = User(
            username=name,
            username_key=username_key(name),
            email=f"burst{index}@demo.minyi.invalid",
            password_hash=template.password_hash,
            created_at=opens_at + timedelta(days=3, minutes=index),
        )
        db.session.add(user)
        context.users[name] = user
        burst.append(user)
    db.session.flush()
    for user in burst:
        _load_votes(campaign.id, user.id, [cases[-1].id], user.created_at + timedelta(minutes=5))
    invalidated_at = opens_at + timedelta(days=4)
    invalidation = VoteInvalidation(
        campaign_id=campaign.id,
        moderator_id=moderator.id,
        reason=BURST_REASON,
        votes_count=len(burst),
        accounts_count=len(burst),
        created_at=invalidated_at,
    )
    db.session.add(invalidation)
    db.session.flush()
    burst_ids = [user.id for user in burst]
    db.session.execute(
        update(Vote)
        .where(Vote.campaign_id == campaign.id, Vote.user_id.in_(burst_ids))
        .values(invalidated_at=invalidated_at, invalidation_id=invalidation.id)
    )
    db.session.execute(
        update(Ballot)
        .where(Ballot.campaign_id == campaign.id, Ballot.user_id.in_(burst_ids))
        .values(invalidated_at=invalidated_at, invalidation_id=invalidation.id)
    )
    recount(campaign.id)
    record(
        moderator,
        "campaign.invalidate_votes",
        campaign,
        reason=BURST_REASON,
        after={"invalidation_id": invalidation.id, "votes": len(burst), "accounts": len(burst)},
    )
    db.session.expire_all()
    freeze_in_session(db.session, campaign.id)
    return db.session.get(Campaign, campaign.id)


def _load_votes(campaign_id: int, user_id: int, case_ids: list[int], at) -> None:
    db.session.add(Ballot(campaign_id=campaign_id, user_id=user_id, votes_used=len(case_ids), created_at=at))
    db.session.flush()
    for case_id in case_ids:
        db.session.add(Vote(campaign_id=campaign_id, user_id=user_id, case_id=case_id, created_at=at))
    db.session.flush()
