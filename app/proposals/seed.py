"""Seed step: a few hundred demo threads in every state, with supports, official
answers, ratings, transfers, extensions, some overdue and one escalated.

Threads are built with the same deadline and timeline helpers as the services,
but at explicit moments in the past, so the demo shows a realistic history.
Stored counts always equal the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from app.accounts.models import User
from app.accounts.services import username_key
from app.clock import utcnow
from app.extensions import db
from app.proposals import deadlines, seed_data, states, timeline
from app.proposals.models import AnswerRating, AnswerRevision, Extension, OfficialAnswer, Proposal, Support
from app.proposals.services import public_html
from app.seed import DemoContext
from app.workdays import add_working_days

# how many threads end in each state
PLAN = {
    "pending_review": 8, "open": 45, "acknowledged": 30, "in_progress": 40, "answered": 60,
    "closed": 75, "declined": 10, "reopened": 8, "merged": 6,
}
KIND_WEIGHTS = {"suggestion": 35, "complaint": 35, "question": 20, "praise": 10}


class Story:
    """One demo thread, told step by step at moments in the past."""

    def __init__(self, context: DemoContext, now: datetime, proposal: Proposal, moment: datetime) -> None:
        self.context, self.now, self.p, self.t = context, now, proposal, moment
        self.stint = None
        self.rng = context.rng

    # -- helpers -------------------------------------------------------------
    def later(self, low_hours: float, high_hours: float) -> datetime:
        self.t = min(self.t + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.now - timedelta(minutes=5))
        return self.t

    def officer(self) -> User:
        slug = next(s for s, d in self.context.departments.items() if d.id == self.p.department_id)
        return self.context.officers[slug][0]

    def event(self, kind: str, actor: Any, **fields: Any) -> None:
        timeline.add_event(self.p, kind, actor, self.t, **fields)

    def move(self, new: str, actor: Any, note: str | None = None) -> None:
        old = self.p.status
        self.p.status = new
        if new in (states.CLOSED, states.DECLINED):
            self.p.closed_at = self.t
        deadlines.on_status_change(self.p, old, new, self.t, self.stint)
        self.event(timeline.STATUS_CHANGED, actor, from_status=old, to_status=new, note=note)

    # -- steps ---------------------------------------------------------------
    def publish(self) -> None:
        self.p.status = states.OPEN
        self.p.published_at = self.t
        self.event(timeline.CREATED, self.p.author, to_status=states.OPEN, department_id=self.p.department_id)
        author = self.p.author
        author.approved_posts = (author.approved_posts or 0) + 1
        if self.p.department_id is not None:
            self.stint = deadlines.start_stint(self.p, db.session.get(type(self.p.department), self.p.department_id), self.t)

    def hand_over(self, department: Any, actor: Any, kind: str, reason: str | None) -> None:
        old_department = self.p.department_id
        if self.stint is not None:
            deadlines.end_stint(self.stint, self.t, "rerouted" if actor.role == "moderator" else "transferred")
        old_status = self.p.status
        self.p.status = states.OPEN
        self.p.service_id = None if (self.p.service and self.p.service.department_id != department.id) else self.p.service_id
        self.stint = deadlines.start_stint(self.p, department, self.t)
        self.p.department = department
        self.event(kind, actor, note=reason, department_id=department.id,
                   from_status=old_status if old_status != states.OPEN else None,
                   to_status=states.OPEN if old_status != states.OPEN else None,
                   data={"from_department": old_department, "to_department": department.id})

    def send_back(self) -> None:
        officer = self.officer()
        deadlines.end_stint(self.stint, self.t, "sent_back")
        self.stint = None
        old = self.p.department_id
        self.p.department = None
        self.p.department_id = None
        self.p.service_id = None
        deadlines.clear_deadlines(self.p)
        self.event(timeline.SENT_BACK, officer, note=self.rng.choice(seed_data.SEND_BACK_REASONS), department_id=old,
                   data={"from_department": old})

    def answer(self, text: str, edited: bool = False) -> OfficialAnswer:
        officer = self.officer()
        answer = OfficialAnswer(proposal_id=self.p.id, department_id=self.p.department_id, author_id=officer.id, body=text,
                                body_html=public_html(text), revisions_count=1, created_at=self.t, updated_at=self.t)
        db.session.add(answer)
        db.session.flush()
        db.session.add(AnswerRevision(answer_id=answer.id, number=1, body=text, body_html=answer.body_html,
                                      editor_id=officer.id, created_at=self.t))
        old = self.p.status
        if old != states.ANSWERED:
            self.p.status = states.ANSWERED
            deadlines.on_status_change(self.p, old, states.ANSWERED, self.t, self.stint)
        self.event(timeline.ANSWERED, officer, from_status=old, to_status=states.ANSWERED, data={"answer": answer.id})
        if edited:
            self.later(2, 30)
            revised = text + "\n\n（补充）办理结果已同步至“浙里办”，可在“我的办件”中查询。"
            answer.body, answer.body_html = revised, public_html(revised)
            answer.revisions_count, answer.updated_at = 2, self.t
            db.session.add(AnswerRevision(answer_id=answer.id, number=2, body=revised, body_html=answer.body_html,
                                          editor_id=officer.id, created_at=self.t))
            self.event(timeline.ANSWER_EDITED, officer, data={"answer": answer.id, "revision": 2})
        return answer

    def rate(self, answer: OfficialAnswer, rating: str) -> None:
        db.session.add(AnswerRating(answer_id=answer.id, proposal_id=self.p.id, department_id=answer.department_id,
                                    user_id=self.p.author_id, rating=rating, created_at=self.t))
        self.event(timeline.RATED, self.p.author, department_id=answer.department_id, data={"answer": answer.id, "rating": rating})

    def reopen(self) -> None:
        old = self.p.status
        self.p.status = states.REOPENED
        self.p.reopened_at = self.t
        self.p.closed_at = None
        deadlines.end_stint(self.stint, self.t, "reopened")
        self.stint = deadlines.start_stint(self.p, self.p.department, self.t, acknowledged=True)
        self.event(timeline.STATUS_CHANGED, self.p.author, from_status=old, to_status=states.REOPENED,
                   note=self.rng.choice(seed_data.REOPEN_NOTES))

    def extension(self, approve: bool | None) -> None:
        milestone = deadlines.pending_milestone(self.p)
        current = deadlines.due_of(self.p, milestone)
        until = add_working_days(max(current, self.now), 5)
        officer = self.officer()
        reason = seed_data.EXTENSION_REASONS[0]
        extension = Extension(proposal_id=self.p.id, department_id=self.p.department_id, requested_by_id=officer.id,
                              milestone=milestone, previous_due_at=current, until=until, reason=reason,
                              status="requested", created_at=self.t)
        db.session.add(extension)
        db.session.flush()
        self.event(timeline.EXTENSION_REQUESTED, officer, note=reason,
                   data={"extension": extension.id, "milestone": milestone, "until": until.isoformat()})
        if approve is None:
            return
        self.later(1, 20)
        moderator = self.context.users["moderator"]
        extension.status = "approved" if approve else "refused"
        extension.decided_by_id, extension.decided_at = moderator.id, self.t
        extension.decision_reason = "情况属实，同意延期。" if approve else "理由不充分，请按期答复。"
        if approve:
            deadlines.move_deadline(self.p, milestone, until, self.stint)
        self.event(timeline.EXTENSION_DECIDED, moderator, note=extension.decision_reason, department_id=self.p.department_id,
                   data={"extension": extension.id, "approved": approve, "until": until.isoformat(), "milestone": milestone})

    def supports(self, supporters: list[User]) -> None:
        """Supports arriving between the publication and now; escalates at the threshold."""
        threshold = current_app.config.get("ESCALATION_THRESHOLD", 100)
        start = self.p.published_at or self.p.created_at
        span = max((self.now - start).total_seconds(), 60)
        moments = sorted(start + timedelta(seconds=self.rng.uniform(0, span)) for _ in supporters)
        for user, moment in zip(supporters, moments):
            db.session.add(Support(proposal_id=self.p.id, user_id=user.id, created_at=moment))
        self.p.supports_count = len(supporters)
        if len(supporters) >= threshold:
            self.t = moments[threshold - 1]
            self.p.escalated_at = self.t
            if self.p.status in (states.OPEN, states.ACKNOWLEDGED, states.IN_PROGRESS, states.REOPENED):
                deadlines.shorten_for_escalation(self.p, self.t, self.stint)
            self.event(timeline.ESCALATED, None, department_id=self.p.department_id,
                       data={"supports": threshold, "threshold": threshold})


def _extra_citizens(context: DemoContext, count: int) -> list[User]:
    """More residents, so that one thread can reach the escalation threshold."""
    password_hash = context.citizens[0].password_hash
    made = []
    for index in range(1, count + 1):
        name = f"resident{index:03d}"
        user = User(username=name, username_key=username_key(name), email=f"{name}@demo.minyi.invalid",
                    password_hash=password_hash, role="citizen", verified=True, approved_posts=2,
                    created_at=utcnow() - timedelta(days=context.rng.randint(30, 400)))
        db.session.add(user)
        context.users[name] = user
        made.append(user)
    db.session.flush()
    return made


def _text(rng, department: Any, services: list, kind: str) -> tuple[str, str, Any]:
    if services and rng.random() < 0.7:
        service = rng.choice(services)
        title, body = rng.choice(seed_data.SERVICE_TOPICS[kind])
        return title.format(service=service.name, dept=department.name), body.format(service=service.name, dept=department.name), service
    title, body = rng.choice(seed_data.GENERAL_TOPICS[kind])
    return title.format(dept=department.name), body.format(dept=department.name), None


def _age_days(rng, target: str) -> float:
    """How long ago a thread was raised: recent for open work, so only some are overdue."""
    if target in ("pending_review", "open"):
        return rng.uniform(0.05, 1.5) if rng.random() < 0.75 else rng.uniform(2, 12)
    if target in ("acknowledged", "in_progress"):
        return rng.uniform(1.5, 9)
    if target in ("answered", "reopened"):
        return rng.uniform(3, 24)
    return rng.uniform(14, 150)


def seed_proposals(context: DemoContext) -> None:
    """Threads across departments and services, in every state; see the module docstring."""
    rng = context.rng
    now = utcnow()
    citizens = context.citizens + _extra_citizens(context, 45)
    departments = list(context.departments.values())
    services_by_department: dict[int, list] = {}
    for service in context.services:
        services_by_department.setdefault(service.department_id, []).append(service)
    moderator = context.users["moderator"]
    plan = [state for state, count in PLAN.items() for _ in range(count)]
    rng.shuffle(plan)
    special = {"transfer": 12, "send_back": 2, "route": 3, "reroute": 1, "extension_approved": 1, "extension_pending": 1, "edited": 3}
    stories: list[Story] = []
    for index, target in enumerate(plan):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        department = rng.choice(departments)
        title, body, service = _text(rng, department, services_by_department.get(department.id, []), kind)
        unsure = target == "open" and index % 8 == 0
        route_first = not unsure and target in ("acknowledged", "answered") and special["route"] > 0 and index % 5 == 0
        if unsure or route_first:
            title, body = rng.choice(seed_data.UNSURE_TOPICS)
            service = None
            special["route"] -= int(route_first)
        author = rng.choice(citizens)
        created = now - timedelta(days=_age_days(rng, target))
        p = Proposal(
            kind=kind, title=title, body=body, body_html=public_html(body), status=states.PENDING_REVIEW,
            author_id=author.id, anonymous=rng.random() < 0.1,
            department_id=None if unsure or route_first else department.id,
            service_id=service.id if service else None,
            contact=f"{rng.choice('王李张刘陈杨赵黄')}先生 139{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}" if rng.random() < 0.3 else None,
            review_flags=[], supports_count=0, created_at=created, updated_at=created, last_activity_at=created,
        )
        p.author = author
        db.session.add(p)
        db.session.flush()
        story = Story(context, now, p, created)
        stories.append(story)
        if target == "pending_review":
            p.review_flags = ["new_account"]
            story.event(timeline.CREATED, author, to_status=states.PENDING_REVIEW, department_id=p.department_id)
            continue
        story.publish()
        if unsure:
            continue
        if route_first:
            story.later(3, 40)
            story.hand_over(department, moderator, timeline.ROUTED, None)
        _continue_story(story, target, special, departments, moderator, stories)
        p.updated_at = story.t
    _add_supports(context, stories, citizens)
    context.extra["proposals"] = [story.p for story in stories]
    db.session.flush()


def _continue_story(story: Story, target: str, special: dict, departments: list, moderator: User, stories: list[Story]) -> None:
    rng = story.rng
    if target in ("open", "acknowledged", "in_progress", "answered", "closed") and special["transfer"] > 0 and rng.random() < 0.25:
        special["transfer"] -= 1
        story.later(4, 30)
        other = rng.choice([d for d in departments if d.id != story.p.department_id])
        story.hand_over(other, story.officer(), timeline.TRANSFERRED, rng.choice(seed_data.TRANSFER_REASONS))
    if target in ("in_progress", "answered") and special["send_back"] > 0 and rng.random() < 0.2:
        special["send_back"] -= 1
        story.later(4, 30)
        story.send_back()
        story.later(2, 20)
        story.hand_over(rng.choice(departments), moderator, timeline.ROUTED, "经核实，由该部门负责办理。")
    if target in ("in_progress", "answered") and special["reroute"] > 0 and rng.random() < 0.2:
        special["reroute"] -= 1
        story.later(4, 30)
        other = rng.choice([d for d in departments if d.id != story.p.department_id])
        story.hand_over(other, moderator, timeline.TRANSFERRED, "经版主协调，改由该部门办理。")
    if target == "open":
        return
    if target == "merged":
        targets = [s for s in stories[:-1] if s.p.status in states.MERGE_TARGETS and s.p.id != story.p.id]
        if targets:
            _merge(story, rng.choice(targets), moderator)
            return
    story.later(2, 70)
    story.move(rng.choice([states.ACKNOWLEDGED, states.ACKNOWLEDGED, states.IN_PROGRESS]), story.officer())
    if target == "acknowledged":
        if special["extension_pending"] > 0:
            special["extension_pending"] -= 1
            story.later(1, 10)
            story.extension(None)
        return
    if story.p.status == states.ACKNOWLEDGED:
        story.later(4, 48)
        story.move(states.IN_PROGRESS, story.officer())
    if target == "in_progress":
        if special["extension_approved"] > 0:
            special["extension_approved"] -= 1
            story.later(1, 10)
            story.extension(True)
        return
    if target in ("declined", "merged"):
        story.later(4, 48)
        story.move(states.DECLINED, story.officer(), rng.choice(seed_data.DECLINE_NOTES))
        return
    story.later(10, 130)
    edited = special["edited"] > 0 and rng.random() < 0.2
    special["edited"] -= int(edited)
    texts = seed_data.ANSWERS[story.p.kind] if story.p.service_id or story.p.kind != "suggestion" else seed_data.ANSWERS["suggestion"]
    service_name = story.p.service.name if story.p.service is not None else "该事项"
    answer = story.answer(rng.choice(texts).format(service=service_name), edited=edited)
    if target == "reopened":
        story.later(6, 72)
        story.rate(answer, "unsatisfied")
        story.later(1, 24)
        story.reopen()
        return
    if rng.random() < 0.65:
        story.later(6, 96)
        story.rate(answer, rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], weights=[50, 32, 18])[0])
    if target == "closed":
        story.later(24, 24 * 8)
        story.move(states.CLOSED, story.officer())


def _merge(story: Story, target: Story, moderator: User) -> None:
    story.later(3, 48)
    old = story.p.status
    deadlines.end_stint(story.stint, story.t, "merged")
    story.p.status = states.MERGED
    story.p.merged_into_id = target.p.id
    story.p.closed_at = story.t
    deadlines.refresh_next_due(story.p)
    note = f"与第 {target.p.id} 号留言反映的是同一问题，合并办理。"
    story.event(timeline.MERGED_INTO, moderator, from_status=old, to_status=states.MERGED, note=note, data={"into": target.p.id})
    timeline.add_event(target.p, timeline.MERGED_FROM, moderator, story.t, note=note, data={"from": story.p.id})


def _add_supports(context: DemoContext, stories: list[Story], citizens: list[User]) -> None:
    rng = context.rng
    threshold = current_app.config.get("ESCALATION_THRESHOLD", 100)
    candidates = [s for s in stories if s.p.status in (states.IN_PROGRESS, states.ACKNOWLEDGED) and s.p.department_id]
    escalated = max(candidates, key=lambda s: s.p.created_at) if candidates else None
    for story in stories:
        if story.p.status in (states.PENDING_REVIEW, states.MERGED):
            continue
        if story is escalated:
            count = min(len(citizens) - 1, threshold + 5)
        else:
            count = min(int(rng.paretovariate(1.1)) - 1 + rng.randint(0, 3), 60)
        pool = [c for c in citizens if c.id != story.p.author_id]
        story.supports(rng.sample(pool, min(count, len(pool))))
