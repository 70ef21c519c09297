"""Thread verbs: raise, edit, publish, change status, merge. They flush, audit and
send signals; they never commit. Every check happens before any change."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, func, insert, literal, select, update

from app.accounts.models import User
from app.audit.services import record
from app.clock import utcnow
from app.departments.models import Department
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.permissions import require_participation
from app.policy import assess
from app.posting_limits import enforce_limit
from app.proposals import access, deadlines, signals, states, timeline, validation
from app.proposals.models import (
    BODY_MAX,
    BODY_MIN,
    CONTACT_MAX,
    KINDS,
    NOTE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    OfficialAnswer,
    Proposal,
    Support,
)
from app.sanitize import render_markdown, render_masked


def public_html(body: str) -> str:
    """The public rendering of a thread's body: personal information masked."""
    return render_masked(body, "full")


def original_html(body: str) -> str:
    """The unmasked rendering, for the assigned department and moderators only."""
    return render_markdown(body, "full")


def create_proposal(
    author: Any,
    *,
    kind: Any,
    title: Any,
    body: Any,
    department: Any,
    service: Any = None,
    contact: Any = None,
    anonymous: Any = False,
) -> Proposal:
    """Raise a thread. New accounts' and filtered posts wait for review; others are open at once."""
    require_participation(author)
    enforce_limit(author, "thread", Proposal.author_id, Proposal.created_at)
    problems = validation.Problems()
    if kind not in KINDS:
        problems.add("kind", gettext("Choose suggestion, complaint, question or praise."))
    title = validation.text(problems, "title", title, minimum=TITLE_MIN, maximum=TITLE_MAX)
    body = validation.text(problems, "body", body, minimum=BODY_MIN, maximum=BODY_MAX)
    dept_ok, dept = validation.department(problems, department)
    chosen_service = validation.service(problems, service, dept, dept_ok)
    contact = validation.text(problems, "contact", contact, maximum=CONTACT_MAX, required=False)
    if not isinstance(anonymous, bool):
        problems.add("anonymous", gettext("Must be true or false."))
    if problems:
        raise ValidationFailed(fields=problems)

    now = utcnow()
    assessment = assess(author, title, body)
    proposal = Proposal(
        kind=kind,
        title=title,
        body=body,
        body_html=public_html(body),
        status=states.PENDING_REVIEW if assessment.pending else states.OPEN,
        author_id=author.id,
        anonymous=anonymous,
        department_id=dept.id if dept else None,
        service_id=chosen_service.id if chosen_service else None,
        contact=contact,
        review_flags=sorted(set(assessment.flags) | set(assessment.pending)),
        supports_count=0,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    db.session.add(proposal)
    db.session.flush()
    timeline.add_event(proposal, timeline.CREATED, author, now, to_status=proposal.status, department_id=proposal.department_id)
    if proposal.status == states.OPEN:
        _publish(proposal, author, now)
    db.session.flush()
    signals.send(signals.CREATED, proposal, actor=author)
    if proposal.status == states.OPEN:
        signals.send(signals.PUBLISHED, proposal, actor=author)
    return proposal


def _publish(proposal: Proposal, actor: Any, now: Any) -> None:
    """The thread becomes public: the author gains trust and the department's clock starts."""
    proposal.published_at = now
    if proposal.author_id is not None:
        db.session.execute(
            update(User).where(User.id == proposal.author_id).values(approved_posts=User.approved_posts + 1)
        )
        if proposal.author is not None:
            db.session.expire(proposal.author, ["approved_posts"])
    if proposal.department_id is not None:
        department = db.session.get(Department, proposal.department_id)
        deadlines.start_stint(proposal, department, now)


def update_proposal(proposal: Proposal, actor: Any, *, title: Any = None, body: Any = None) -> Proposal:
    """The author corrects title or body while no department has acted (pending or open)."""
    require_participation(actor)
    if not access.is_author(actor, proposal):
        raise Forbidden()
    if proposal.status not in (states.PENDING_REVIEW, states.OPEN) or proposal.is_locked:
        raise Conflict(gettext("The thread can no longer be edited: the department is working on it."))
    problems = validation.Problems()
    new_title = validation.text(problems, "title", title, minimum=TITLE_MIN, maximum=TITLE_MAX) if title is not None else proposal.title
    new_body = validation.text(problems, "body", body, minimum=BODY_MIN, maximum=BODY_MAX) if body is not None else proposal.body
    if problems:
        raise ValidationFailed(fields=problems)
    changed = [name for name, new, old in (("title", new_title, proposal.title), ("body", new_body, proposal.body)) if new != old]
    if not changed:
        return proposal
    now = utcnow()
    proposal.title, proposal.body = new_title, new_body
    proposal.body_html = public_html(new_body)
    flags = assess(actor, new_title, new_body).flags
    proposal.review_flags = sorted(set(proposal.review_flags or []) | set(flags))
    proposal.updated_at = now
    timeline.add_event(proposal, timeline.EDITED, actor, now, data={"fields": changed})
    db.session.flush()
    signals.send(signals.UPDATED, proposal, actor=actor, fields=changed)
    return proposal


def latest_answer(proposal: Proposal) -> OfficialAnswer | None:
    """The most recent official answer of a thread."""
    return db.session.scalar(
        select(OfficialAnswer)
        .where(OfficialAnswer.proposal_id == proposal.id)
        .order_by(OfficialAnswer.created_at.desc(), OfficialAnswer.id.desc())
        .limit(1)
    )


def _check_transition(proposal: Proposal, actor: Any, to_state: Any, note: Any, via: str | None = None) -> tuple[states.Transition, str | None]:
    """401/403/409/400 for a change the actor may not make; the rule and the cleaned note otherwise."""
    require_participation(actor)
    roles = access.roles_on(actor, proposal)
    if not roles:
        raise Forbidden(gettext("Only the assigned department, moderators or the author may change this thread."))
    if to_state not in states.STATES:
        raise ValidationFailed(fields={"status": [gettext("Unknown status.")]})
    rule = states.transition(proposal.status, to_state)
    if rule is None or rule.via != via:
        if rule is not None and rule.via == "answer":
            raise Conflict(gettext("Post an official answer to mark the thread answered."))
        if rule is not None and rule.via == "merge":
            raise Conflict(gettext("Use the merge action to merge a thread into another."))
        raise Conflict(
            gettext(
                "A thread that is %(current)s cannot become %(target)s.",
                current=states.label(proposal.status),
                target=states.label(to_state),
            )
        )
    if not rule.who & roles:
        raise Forbidden(gettext("You may not make this change."))
    problems = validation.Problems()
    clean_note = validation.text(problems, "note", note, maximum=NOTE_MAX, required=rule.note_required)
    if problems:
        raise ValidationFailed(fields=problems)
    return rule, clean_note


def change_status(proposal: Proposal, actor: Any, to_state: Any, note: Any = None) -> Proposal:
    """Move a thread through the state machine (approve, acknowledge, start, decline, close, reopen)."""
    rule, note = _check_transition(proposal, actor, to_state, note)
    if to_state == states.REOPENED:
        if proposal.reopened_at is not None:
            raise Conflict(gettext("A thread can be reopened only once."))
        answer = latest_answer(proposal)
        if answer is None or _rating_of(answer) != "unsatisfied":
            raise Conflict(gettext("Rate the official answer as unsatisfied before reopening the thread."))
    now = utcnow()
    old = proposal.status
    stint = deadlines.current_stint(proposal)
    proposal.status = to_state
    proposal.updated_at = now
    if old == states.PENDING_REVIEW and to_state == states.OPEN:
        _publish(proposal, actor, now)
    elif to_state == states.REOPENED:
        proposal.reopened_at = now
        proposal.closed_at = None
        deadlines.end_stint(stint, now, "reopened")
        if proposal.department is not None:
            deadlines.start_stint(proposal, proposal.department, now, acknowledged=True)
    else:
        if to_state in (states.CLOSED, states.DECLINED):
            proposal.closed_at = now
        deadlines.on_status_change(proposal, old, to_state, now, stint)
    timeline.add_event(proposal, timeline.STATUS_CHANGED, actor, now, from_status=old, to_status=to_state, note=note)
    if to_state != states.REOPENED:  # staff changes are audited; the author's reopen is not privileged
        record(actor, "proposal.status", proposal, reason=note, before={"status": old}, after={"status": to_state},
               subject_user_id=proposal.author_id)
    db.session.flush()
    signals.send(signals.STATUS_CHANGED, proposal, old=old, new=to_state, actor=actor, note=note)
    if old == states.PENDING_REVIEW and to_state == states.OPEN:
        signals.send(signals.PUBLISHED, proposal, actor=actor)
    return proposal


def _rating_of(answer: OfficialAnswer) -> str | None:
    from app.proposals.models import AnswerRating

    return db.session.scalar(select(AnswerRating.rating).where(AnswerRating.answer_id == answer.id))


def merge(proposal: Proposal, actor: Any, target_id: Any, reason: Any) -> Proposal:
    """Merge a duplicate into another open thread; its supports move without double counting."""
    _, reason = _check_transition(proposal, actor, states.MERGED, reason, via="merge")
    problems = validation.Problems()
    target = None
    if isinstance(target_id, str) and target_id.strip().isdigit():
        target_id = int(target_id.strip())
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 0 < target_id < 2**31:
        problems.add("into", gettext("Give the number of the thread to merge into."))
    else:
        target = db.session.get(Proposal, target_id)
        if target is None:
            problems.add("into", gettext("No thread with this number."))
        elif target.id == proposal.id:
            problems.add("into", gettext("A thread cannot be merged into itself."))
        elif target.status not in states.MERGE_TARGETS:
            problems.add("into", gettext("The target thread must be open (not pending, closed, declined or merged)."))
    if problems:
        raise ValidationFailed(fields=problems)
    assert target is not None
    now = utcnow()
    old = proposal.status
    _move_supports(proposal, target)
    stint = deadlines.current_stint(proposal)
    deadlines.end_stint(stint, now, "merged")
    proposal.status = states.MERGED
    proposal.merged_into_id = target.id
    proposal.closed_at = now
    proposal.updated_at = now
    deadlines.refresh_next_due(proposal)
    timeline.add_event(proposal, timeline.MERGED_INTO, actor, now, from_status=old, to_status=states.MERGED,
                       note=reason, data={"into": target.id})
    timeline.add_event(target, timeline.MERGED_FROM, actor, now, note=reason, data={"from": proposal.id})
    record(actor, "proposal.merge", proposal, reason=reason, before={"status": old},
           after={"status": states.MERGED, "into": target.id}, subject_user_id=proposal.author_id)
    db.session.flush()
    signals.send(signals.STATUS_CHANGED, proposal, old=old, new=states.MERGED, actor=actor, note=reason)
    signals.send(signals.MERGED, proposal, target=target, actor=actor)
    from app.proposals.supports import check_escalation

    check_escalation(target)
    return proposal


def _move_supports(source: Proposal, target: Proposal) -> None:
    """Supports of ``source`` move to ``target``; a citizen who supported both counts once.

    The target's author cannot support their own thread, so their support is dropped.
    Both stored counts are then recounted from the rows.
    """
    already = select(Support.user_id).where(Support.proposal_id == target.id)
    moving = select(literal(target.id), Support.user_id, Support.created_at).where(
        Support.proposal_id == source.id,
        Support.user_id.not_in(already),
    )
    if target.author_id is not None:
        moving = moving.where(Support.user_id != target.author_id)
    db.session.execute(insert(Support).from_select(["proposal_id", "user_id", "created_at"], moving))
    db.session.execute(delete(Support).where(Support.proposal_id == source.id))
    for proposal in (source, target):
        count = select(func.count(Support.id)).where(Support.proposal_id == proposal.id).scalar_subquery()
        db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(supports_count=count))
    db.session.flush()
    db.session.expire(source, ["supports_count"])
    db.session.expire(target, ["supports_count"])
