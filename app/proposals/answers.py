"""Official answers (as the department, versioned) and the author's rating of them."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.permissions import require_participation
from app.proposals import access, deadlines, signals, states, timeline, validation
from app.proposals.models import ANSWER_MAX, RATINGS, AnswerRating, AnswerRevision, OfficialAnswer, Proposal
from app.proposals.services import latest_answer
from app.sanitize import render_masked

RATING_LABELS = {
    "satisfied": _l("Satisfied"),
    "basically_satisfied": _l("Basically satisfied"),
    "unsatisfied": _l("Unsatisfied"),
}


def answer_html(body: str) -> str:
    """Answers are public text too: personal information is masked."""
    return render_masked(body, "full")


def _body(value: Any) -> str:
    problems = validation.Problems()
    body = validation.text(problems, "body", value, minimum=2, maximum=ANSWER_MAX)
    if problems:
        raise ValidationFailed(fields=problems)
    assert body is not None
    return body


def post_answer(proposal: Proposal, officer: Any, body: Any) -> OfficialAnswer:
    """An officer of the assigned department answers publicly; the thread becomes answered."""
    require_participation(officer)
    if not access.is_department_officer(officer, proposal):
        raise Forbidden(gettext("Only officers of the assigned department answer this thread."))
    if proposal.status not in states.ACTIVE:
        raise Conflict(gettext("A thread that is %(current)s cannot be answered.", current=states.label(proposal.status)))
    text = _body(body)
    now = utcnow()
    answer = OfficialAnswer(
        proposal_id=proposal.id,
        department_id=proposal.department_id,
        author_id=officer.id,
        body=text,
        body_html=answer_html(text),
        revisions_count=1,
        created_at=now,
        updated_at=now,
    )
    db.session.add(answer)
    db.session.flush()
    db.session.add(AnswerRevision(answer_id=answer.id, number=1, body=text, body_html=answer.body_html,
                                  editor_id=officer.id, created_at=now))
    old = proposal.status
    if old != states.ANSWERED:
        proposal.status = states.ANSWERED
        deadlines.on_status_change(proposal, old, states.ANSWERED, now, deadlines.current_stint(proposal))
    proposal.updated_at = now
    timeline.add_event(proposal, timeline.ANSWERED, officer, now, from_status=old if old != states.ANSWERED else None,
                       to_status=states.ANSWERED if old != states.ANSWERED else None, data={"answer": answer.id})
    record(officer, "proposal.answer", proposal, after={"answer": answer.id, "status": proposal.status},
           subject_user_id=proposal.author_id)
    db.session.flush()
    if old != states.ANSWERED:
        signals.send(signals.STATUS_CHANGED, proposal, old=old, new=states.ANSWERED, actor=officer, note=None)
    signals.send(signals.ANSWERED, proposal, answer=answer, actor=officer)
    return answer


def get_answer(proposal: Proposal, answer_id: int) -> OfficialAnswer:
    """An answer of this thread, or NotFound."""
    answer = db.session.get(OfficialAnswer, answer_id)
    if answer is None or answer.proposal_id != proposal.id:
        raise NotFound(gettext("No such answer."))
    return answer


def edit_answer(proposal: Proposal, answer: OfficialAnswer, officer: Any, body: Any) -> OfficialAnswer:
    """Officers of the answering department edit it; every version stays visible."""
    require_participation(officer)
    if not access.can_edit_answer(officer, answer):
        raise Forbidden(gettext("Only officers of the department that answered may edit the answer."))
    text = _body(body)
    if text == answer.body:
        return answer
    now = utcnow()
    before = answer.body
    answer.body = text
    answer.body_html = answer_html(text)
    answer.revisions_count += 1
    answer.updated_at = now
    db.session.add(AnswerRevision(answer_id=answer.id, number=answer.revisions_count, body=text,
                                  body_html=answer.body_html, editor_id=officer.id, created_at=now))
    timeline.add_event(proposal, timeline.ANSWER_EDITED, officer, now, department_id=answer.department_id,
                       data={"answer": answer.id, "revision": answer.revisions_count})
    record(officer, "proposal.answer_edit", answer, before={"body": before}, after={"body": text},
           subject_user_id=proposal.author_id)
    db.session.flush()
    return answer


def rate_answer(proposal: Proposal, user: Any, rating: Any) -> AnswerRating:
    """The author rates the latest official answer: once per answer."""
    require_participation(user)
    if not access.is_author(user, proposal):
        raise Forbidden(gettext("Only the author rates the official answer."))
    if rating not in RATINGS:
        raise ValidationFailed(fields={"rating": [gettext("Choose satisfied, basically satisfied or unsatisfied.")]})
    answer = latest_answer(proposal)
    if answer is None:
        raise Conflict(gettext("There is no official answer to rate yet."))
    now = utcnow()
    inserted = insert_or_ignore(db.session, AnswerRating, {
        "answer_id": answer.id, "proposal_id": proposal.id, "department_id": answer.department_id,
        "user_id": user.id, "rating": rating, "created_at": now,
    })
    if not inserted:
        raise Conflict(gettext("You have already rated this answer."))
    timeline.add_event(proposal, timeline.RATED, user, now, department_id=answer.department_id,
                       data={"answer": answer.id, "rating": rating})
    db.session.flush()
    return db.session.scalar(select(AnswerRating).where(AnswerRating.answer_id == answer.id))
