"""Threads on other features' pages: the latest on the home page, a department's on its page."""

from __future__ import annotations

from sqlalchemy import func, select

from app.clock import utcnow
from app.extensions import db
from app.proposals import queries, states
from app.proposals.models import Proposal
from app.sections import Section, register_section

HOME_LIMIT = 6
DEPARTMENT_LIMIT = 10


@register_section("home", order=10)
def latest_threads(_subject=None) -> Section:
    """The newest published threads (one query)."""
    items = db.session.scalars(queries.latest_query(HOME_LIMIT)).all()
    return Section("proposals/_home_threads.html", {"items": items})


@register_section("department", order=10)
def department_threads(department) -> Section:
    """A department's newest threads and how many it holds, overdue included (two queries)."""
    items = db.session.scalars(queries.latest_query(DEPARTMENT_LIMIT, department)).all()
    counts = db.session.execute(
        select(
            func.count(Proposal.id),
            func.count(Proposal.id).filter(Proposal.next_due_at < utcnow()),
        ).where(Proposal.department_id == department.id, Proposal.status != states.PENDING_REVIEW)
    ).one()
    return Section(
        "proposals/_department_threads.html",
        {"department": department, "items": items, "total": counts[0], "overdue": counts[1]},
    )
