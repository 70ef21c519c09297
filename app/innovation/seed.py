"""Seed step: published, submitted and rejected innovation cases of several departments."""

from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from app.extensions import db
from app.innovation.seed_data import PUBLISHED, REJECTED, SUBMITTED
from app.innovation.services import create_case, review_case
from app.seed import DemoContext


def _body(steps: list[str], result: str) -> str:
    lines = ["## 主要做法", ""] + [f"- {step}" for step in steps] + ["", "## 取得成效", "", result]
    return "\n".join(lines)


def seed_innovation(context: DemoContext) -> None:
    """About twenty published cases, two waiting for review and one rejected (``context.extra["cases"]``)."""
    moderator = context.users["moderator"]
    published = []
    now = utcnow()
    for index, (slug, title, summary, tags, steps, result) in enumerate(PUBLISHED):
        officer = context.officers[slug][0]
        case = create_case(officer, title=title, summary=summary, body=_body(steps, result), tags=tags)
        review_case(moderator, case, "publish")
        # spread the publication dates over the last months
        case.published_at = case.reviewed_at = now - timedelta(days=120 - index * 5, hours=index)
        case.created_at = case.submitted_at = case.published_at - timedelta(days=3)
        published.append(case)
    for slug, title, summary, tags, steps, result in SUBMITTED:
        create_case(context.officers[slug][0], title=title, summary=summary, body=_body(steps, result), tags=tags)
    for slug, title, summary, tags, steps, result, reason in REJECTED:
        case = create_case(context.officers[slug][0], title=title, summary=summary, body=_body(steps, result), tags=tags)
        review_case(moderator, case, "reject", reason)
    db.session.flush()
    context.extra["cases"] = published
