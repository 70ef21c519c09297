"""``flask seed demo`` fills the innovation space and three campaigns with consistent, realistic data."""

from __future__ import annotations

from sqlalchemy import func, select

from app.campaigns.models import Campaign, CampaignResult, VoteInvalidation
from app.clock import utcnow
from app.extensions import db
from app.innovation.models import InnovationCase
from tests import factories_campaigns as fc


def test_seed_demo_builds_cases_and_campaigns(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        by_status = dict(db.session.execute(select(InnovationCase.status, func.count()).group_by(InnovationCase.status)).all())
        assert by_status["published"] >= 18 and by_status["submitted"] == 2 and by_status["rejected"] == 1
        departments = db.session.scalar(
            select(func.count(func.distinct(InnovationCase.department_id))).where(InnovationCase.status == "published")
        )
        assert departments >= 10
        rejected = db.session.scalar(select(InnovationCase).where(InnovationCase.status == "rejected"))
        assert rejected.rejection_reason
        now = utcnow()
        campaigns = {campaign.state(now): campaign for campaign in db.session.scalars(select(Campaign))}
        assert set(campaigns) == {"open", "closed", "upcoming"}
        open_id, closed_id = campaigns["open"].id, campaigns["closed"].id
        assert campaigns["open"].turnout > 10
        closed = campaigns["closed"]
        assert closed.results_frozen_at is not None and closed.frozen_invalidated_votes > 0
        assert db.session.scalar(select(func.count()).select_from(CampaignResult).where(CampaignResult.campaign_id == closed_id)) >= 2
        invalidation = db.session.scalar(select(VoteInvalidation).where(VoteInvalidation.campaign_id == closed_id))
        assert invalidation.reason and invalidation.votes_count == closed.frozen_invalidated_votes
    for campaign_id in (open_id, closed_id):
        fc.assert_counts_consistent(app, campaign_id)
    assert "家庭医生签约线上服务" in client.get("/cases").get_data(as_text=True)
    assert "最多跑一次" in client.get("/cases?tag=最多跑一次").get_data(as_text=True)
    results = client.get(f"/api/v1/campaigns/{closed_id}/results").get_json()
    assert results["frozen"] and results["invalidations"][0]["reason"] and results["invalidated_votes"] > 0
    assert client.get(f"/campaigns/{closed_id}").status_code == 200
    assert client.get(f"/api/v1/campaigns/{open_id}/results").get_json()["state"] == "open"
