"""What the campaigns feature adds to other features' pages (``app.sections``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.campaigns.models import Campaign, CampaignCase
from app.clock import utcnow
from app.extensions import db
from app.sections import Section, register_section


@register_section("case", order=20)
def case_campaigns(case: Any) -> Section | None:
    """On a case page: the campaigns whose ballot carries the case (one query)."""
    items = db.session.scalars(
        select(Campaign)
        .join(CampaignCase, CampaignCase.campaign_id == Campaign.id)
        .where(CampaignCase.case_id == case.id)
        .order_by(Campaign.opens_at.desc())
        .limit(20)
    ).all()
    if not items:
        return None
    return Section("campaigns/_case_campaigns.html", {"campaigns": items, "now": utcnow()})
