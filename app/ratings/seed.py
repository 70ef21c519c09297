"""Seed step: a year of service ratings and rectification cases in every state.

Departments get a quality profile (some clearly better than others); most
services get ratings spread over the last year with Chinese comments. Bad
ratings open cases that are, depending on their age and the department,
open, overdue, rectified on time or late, confirmed resolved or not; a few
citizens replaced a rating inside its window (one of them withdrawing a
case). Rows are written directly (the services would stamp "now"), then
the windows and stored aggregates are built from them, exactly as the
services keep them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.ratings.models import (
    BAD_SCORES,
    OPEN,
    RECTIFICATION_WORKING_DAYS,
    RECTIFIED,
    RESOLVED,
    UNRESOLVED,
    WINDOW,
    WITHDRAWN,
    Rating,
    RatingWindow,
    RectificationCase,
    ServiceRatingStats,
)
from app.workdays import add_working_days

# weights of the levels 5, 4, 3, 2, 1
PROFILES = {
    "excellent": (62, 26, 8, 3, 1),
    "good": (42, 34, 14, 7, 3),
    "average": (24, 30, 24, 14, 8),
    "poor": (12, 18, 24, 26, 20),
}
# share of cases the department answers at all, and on time among those
DILIGENCE = {"excellent": (0.99, 0.93), "good": (0.95, 0.82), "average": (0.88, 0.65), "poor": (0.75, 0.45)}

COMMENTS = {
    5: ("窗口工作人员很耐心，一次就办好了。", "网上申报很方便，材料一次性告知，点赞！", "全程不到二十分钟，比预想的快很多。",
        "工作人员主动帮我核对材料，非常专业。", "“最多跑一次”名副其实，感谢！"),
    4: ("整体顺利，就是排队时间稍长。", "线上办理基本顺畅，个别页面提示不够清楚。", "服务态度好，希望能增加周末窗口。",
        "办理很快，但停车不太方便。"),
    3: ("能办成，但要准备的材料比较多。", "流程还行，导办人员不太够。", "网上预约名额偏少，只能现场排队。"),
    2: ("材料清单和窗口要求不一致，白跑了一趟。", "电话一直打不通，咨询很困难。", "线上提交后三天没有任何进度提示。",
        "窗口说要补的证明在办事指南里没有写。"),
    1: ("跑了三次还没办好，每次说法都不一样。", "系统一直报错，窗口让我回家自己网上弄。", "工作人员态度生硬，问两句就不耐烦。",
        "预约了还要重新排队，预约形同虚设。联系电话13857461234"),
}
NOTES = (
    "经核查，情况属实。我们已更新办事指南中的材料清单，并对窗口人员开展业务培训，请您再次办理时直接携带新清单所列材料。",
    "已联系您本人了解情况。系统故障已于本周修复，并新增了线上办理进度短信提醒。",
    "已对相关工作人员进行批评教育，并在大厅增设导办岗，高峰时段增开两个窗口。",
    "咨询电话已增加坐席，工作日延长接听时间至18:00，欢迎再次来电。",
    "已将预约号源增加一倍，预约用户可走绿色通道，无需重新取号。",
)


def _level(context: Any, profile: str) -> int:
    return context.rng.choices((5, 4, 3, 2, 1), weights=PROFILES[profile])[0]


def _comment(context: Any, score: int) -> str | None:
    return context.rng.choice(COMMENTS[score]) if context.rng.random() < 0.6 else None


def _profiles(context: Any) -> dict[int, str]:
    """A quality profile per department id; the order is shuffled by the seed."""
    slugs = sorted(context.departments)
    context.rng.shuffle(slugs)
    names = ("excellent", "good", "average", "poor")
    return {context.departments[slug].id: names[i % len(names)] for i, slug in enumerate(slugs)}


def _plan_ratings(context: Any, now) -> list[dict]:
    """Counted ratings (with replaced predecessors) spread over the last year."""
    profiles = _profiles(context)
    plans: list[dict] = []
    for service in context.services:
        if context.rng.random() < 0.15:
            continue  # some services have no ratings yet
        profile = profiles[service.department_id]
        raters = context.rng.sample(context.citizens, k=min(len(context.citizens), context.rng.randint(3, 24)))
        for user in raters:
            at = now - timedelta(days=context.rng.uniform(0.2, 360))
            plan = {"service": service, "user": user, "at": at, "score": _level(context, profile), "profile": profile}
            if context.rng.random() < 0.08 and at < now - timedelta(days=2):
                # the citizen first gave another rating a few days earlier and replaced it
                plan["earlier"] = {"at": at - timedelta(days=context.rng.uniform(1, 20)), "score": _level(context, profile)}
            plans.append(plan)
            if context.rng.random() < 0.12 and at < now - WINDOW - timedelta(days=5):
                later = at + WINDOW + timedelta(days=context.rng.uniform(1, 60))
                if later < now:  # a second window, a new rating that counts on its own
                    plans.append({"service": service, "user": user, "at": later, "score": _level(context, profile), "profile": profile})
    return plans


def _case_for(context: Any, rating: Rating, profile: str, officer: Any, now, opened=None, due=None) -> RectificationCase:
    """A case for ``rating``, moved along as far as its age and the department's diligence allow."""
    rng = context.rng
    opened = opened or rating.created_at
    case = RectificationCase(
        rating_id=rating.id,
        service_id=rating.service_id,
        department_id=rating.department_id,
        user_id=rating.user_id,
        status=OPEN,
        opened_at=opened,
        due_at=due or add_working_days(opened, RECTIFICATION_WORKING_DAYS),
    )
    answers, on_time = DILIGENCE[profile]
    if rng.random() < answers:
        start = max(opened, rating.created_at)
        if rng.random() < on_time or case.due_at > now:
            answered = start + (max(min(case.due_at, now), start) - start) * rng.uniform(0.1, 0.95)
        else:
            answered = case.due_at + timedelta(days=rng.uniform(1, 20))
        if answered < now:
            case.status = RECTIFIED
            case.note = rng.choice(NOTES)
            case.rectified_at = answered
            case.rectified_by_id = officer.id if officer is not None else None
            case.rectified_on_time = answered <= case.due_at
            confirm_at = answered + timedelta(days=rng.uniform(0.5, 10))
            if confirm_at < now and rng.random() < 0.8:
                case.confirmed_at = confirm_at
                case.resolved = rng.random() < (0.75 if case.rectified_on_time else 0.45)
                case.status = RESOLVED if case.resolved else UNRESOLVED
    return case


def _ensure_every_state(cases: list[RectificationCase], now) -> None:
    """Demo data shows every state at least once: open, overdue, rectified (awaiting
    confirmation), rectified on time and late, confirmed resolved and not resolved."""

    def has(predicate) -> bool:
        return any(predicate(c) for c in cases)

    live = sorted((c for c in cases if c.status != WITHDRAWN), key=lambda c: c.opened_at)
    future = [c for c in live if c.due_at > now]
    old = [c for c in live if c.due_at < now - timedelta(days=15)]
    if future and not has(lambda c: c.status == OPEN and c.due_at > now):
        _reset(future[-1])
    if len(future) > 1 and not has(lambda c: c.status == RECTIFIED):
        c = future[0]
        _reset(c)
        c.status, c.note, c.rectified_on_time = RECTIFIED, NOTES[0], True
        c.rectified_at = c.opened_at + (now - c.opened_at) / 2
    if old and not has(lambda c: c.status == OPEN and c.due_at <= now):
        _reset(old[0])
    wanted = ((RESOLVED, True), (UNRESOLVED, True), (RESOLVED, False), (UNRESOLVED, False))
    for index, (status, on_time) in enumerate(wanted, start=1):
        if len(old) > index and not has(lambda c, s=status, t=on_time: c.status == s and c.rectified_on_time is t):
            c = old[index]
            c.note = NOTES[index % len(NOTES)]
            c.rectified_at = c.due_at - timedelta(days=2) if on_time else c.due_at + timedelta(days=3)
            c.rectified_on_time = on_time
            c.confirmed_at = c.rectified_at + timedelta(days=1)
            c.resolved = status == RESOLVED
            c.status = status


def _reset(case: RectificationCase) -> None:
    case.status = OPEN
    case.note = case.rectified_at = case.rectified_by_id = case.rectified_on_time = None
    case.confirmed_at = case.resolved = None


def seed_ratings(context: Any) -> None:
    """Ratings for most services over the last year, and their rectification cases."""
    now = utcnow()
    plans = _plan_ratings(context, now)
    officer_of = {d.id: (context.officers.get(slug) or [None])[0] for slug, d in context.departments.items()}
    windows: dict[tuple[int, int], tuple[Rating, RectificationCase | None]] = {}
    cases: list[RectificationCase] = []
    stats: dict[int, list[int]] = defaultdict(lambda: [0] * 6)  # [sum, n1..n5]
    for plan in sorted(plans, key=lambda p: p["at"]):
        service, user, profile = plan["service"], plan["user"], plan["profile"]
        officer = officer_of.get(service.department_id)
        earlier = None
        if "earlier" in plan:
            first = plan["earlier"]
            earlier = _rating(service, user, first["score"], first["at"], first["at"], _comment(context, first["score"]))
        rating = _rating(service, user, plan["score"], plan["at"], earlier.created_at if earlier else plan["at"], _comment(context, plan["score"]))
        db.session.add_all([r for r in (earlier, rating) if r is not None])
        db.session.flush()
        case = None
        if earlier is not None:
            earlier.superseded_at = rating.created_at
            earlier.superseded_by_id = rating.id
            if earlier.score in BAD_SCORES and rating.score in BAD_SCORES:
                # the unanswered case moved to the newer bad rating, keeping its deadline
                due = add_working_days(earlier.created_at, RECTIFICATION_WORKING_DAYS)
                case = _case_for(context, rating, profile, officer, now, opened=earlier.created_at, due=due)
            elif earlier.score in BAD_SCORES:
                case = _case_for(context, earlier, profile, officer, earlier.created_at)
                case.status, case.withdrawn_at = WITHDRAWN, rating.created_at
        if rating.score in BAD_SCORES and case is None:
            case = _case_for(context, rating, profile, officer, now)
        elif rating.score in BAD_SCORES and case.status == WITHDRAWN:
            cases.append(case)
            case = _case_for(context, rating, profile, officer, now)
        if case is not None:
            cases.append(case)
        windows[(service.id, user.id)] = (rating, case)
        totals = stats[service.id]
        totals[0] += rating.score
        totals[rating.score] += 1
    db.session.add_all(cases)
    _ensure_every_state(cases, now)
    db.session.flush()
    for (service_id, user_id), (rating, case) in windows.items():
        db.session.add(
            RatingWindow(
                service_id=service_id, user_id=user_id, rating_id=rating.id,
                started_at=rating.window_started_at, case_id=case.id if case else None,
            )
        )
    for service_id, (total, *levels) in stats.items():
        db.session.add(
            ServiceRatingStats(service_id=service_id, count=sum(levels), total=total, **{f"n{i + 1}": n for i, n in enumerate(levels)})
        )
    officers = {o.id: o for o in officer_of.values() if o is not None}
    for case in cases:
        if case.rectified_at is not None and case.rectified_by_id in officers:
            entry = record(
                officers[case.rectified_by_id],
                "rectification.answer",
                case,
                before={"status": OPEN},
                after={"status": RECTIFIED, "rating_id": case.rating_id, "on_time": case.rectified_on_time},
                subject_user_id=case.user_id,
            )
            entry.created_at = case.rectified_at
    db.session.flush()
    context.extra["ratings"] = {"ratings": len(plans), "cases": len(cases)}


def _rating(service: Any, user: Any, score: int, at, window_start, comment: str | None) -> Rating:
    return Rating(
        service_id=service.id,
        department_id=service.department_id,
        user_id=user.id,
        score=score,
        comment=comment,
        created_at=at,
        window_started_at=window_start,
    )
