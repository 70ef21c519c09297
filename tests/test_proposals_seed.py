"""``seed demo`` fills threads in every state with consistent counts."""

from __future__ import annotations

from sqlalchemy import func, select

from app.clock import utcnow
from app.extensions import db
from app.proposals import states
from app.proposals.models import AnswerRating, Assignment, Extension, OfficialAnswer, Proposal, ProposalEvent, Support


def test_seed_demo_threads(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        total = db.session.scalar(select(func.count(Proposal.id)))
        assert 200 <= total <= 500
        present = set(db.session.scalars(select(Proposal.status).distinct()))
        assert present == set(states.STATES)
        wrong = db.session.scalar(
            select(func.count(Proposal.id)).where(
                Proposal.supports_count != select(func.count(Support.id)).where(Support.proposal_id == Proposal.id).scalar_subquery()
            )
        )
        assert wrong == 0
        escalated = db.session.scalars(select(Proposal).where(Proposal.escalated_at.is_not(None))).all()
        assert len(escalated) == 1 and escalated[0].supports_count >= app.config["ESCALATION_THRESHOLD"]
        overdue = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.next_due_at < utcnow()))
        assert 0 < overdue < total / 3
        assert db.session.scalar(select(func.count(Proposal.id)).where(Proposal.department_id.is_(None), Proposal.status == "open")) > 0
        assert db.session.scalar(select(func.count(OfficialAnswer.id))) > 50
        assert db.session.scalar(select(func.count(AnswerRating.id))) > 20
        assert {"transferred", "sent_back", "rerouted"} <= set(db.session.scalars(select(Assignment.end_reason).distinct()))
        assert set(db.session.scalars(select(Extension.status).distinct())) >= {"approved", "requested"}
        kinds = set(db.session.scalars(select(ProposalEvent.kind).distinct()))
        assert {"created", "status_changed", "answered", "rated", "transferred", "merged_into", "escalated"} <= kinds
        # every thread held by a department has exactly one running stint
        held = db.session.scalars(select(Proposal).where(Proposal.department_id.is_not(None), Proposal.status != "pending_review")).all()
        running = dict(db.session.execute(
            select(Assignment.proposal_id, func.count(Assignment.id)).where(Assignment.ended_at.is_(None)).group_by(Assignment.proposal_id)
        ).all())
        assert all(running.get(p.id) == 1 for p in held if p.status != "merged")
    listed = client.get("/api/v1/proposals?per_page=100").get_json()
    assert listed["total"] == total - 8  # pending threads are not listed
    assert client.get("/proposals?overdue=1").status_code == 200
