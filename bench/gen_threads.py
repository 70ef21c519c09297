"""Generator: threads with stints, timelines, answers, ratings, supports and follows."""

from __future__ import annotations

import random
from array import array
from datetime import datetime, timedelta
from html import escape

from gen_text import Composer, terms

from app.workdays import add_working_days

KINDS = ("suggestion", "complaint", "question", "praise")
KIND_WEIGHTS = (35, 35, 20, 10)
# status mix by the thread's age in days: [(max_age, [(status, weight), …]), …]
STATUS_BY_AGE = [
    (2, [("open", 45), ("acknowledged", 25), ("in_progress", 10), ("pending_review", 12), ("answered", 8)]),
    (7, [("open", 8), ("acknowledged", 17), ("in_progress", 30), ("answered", 32), ("pending_review", 2), ("declined", 4), ("merged", 4), ("closed", 3)]),
    (30, [("open", 4), ("in_progress", 10), ("answered", 35), ("closed", 40), ("declined", 5), ("merged", 3), ("reopened", 3)]),
    (10_000, [("in_progress", 3), ("answered", 10), ("closed", 75), ("declined", 6), ("merged", 4), ("reopened", 2)]),
]
ANSWERED = {"answered", "closed", "reopened"}
ACKNOWLEDGED = {"acknowledged", "in_progress"} | ANSWERED
PROPOSAL_COLUMNS = ("id", "kind", "title", "body", "body_html", "status", "author_id", "anonymous", "department_id",
                    "service_id", "contact", "review_flags", "supports_count", "merged_into_id", "escalated_at",
                    "reopened_at", "published_at", "closed_at", "ack_due_at", "answer_due_at", "close_due_at",
                    "next_due_at", "created_at", "updated_at", "last_activity_at", "hidden_at", "hidden_reason",
                    "pinned_at", "locked_at", "comments_count")
ASSIGNMENT_COLUMNS = ("id", "proposal_id", "department_id", "started_at", "ended_at", "end_reason", "ack_due_at",
                      "answer_due_at", "close_due_at", "acknowledged_at", "first_answer_at", "closed_at", "ack_missed",
                      "answer_missed", "close_missed")
EVENT_COLUMNS = ("id", "proposal_id", "kind", "from_status", "to_status", "actor_id", "department_id", "note", "data", "created_at")
ANSWER_COLUMNS = ("id", "proposal_id", "department_id", "author_id", "body", "body_html", "revisions_count", "created_at", "updated_at")
REVISION_COLUMNS = ("id", "answer_id", "number", "body", "body_html", "editor_id", "created_at")
RATING_COLUMNS = ("id", "answer_id", "proposal_id", "department_id", "user_id", "rating", "created_at")
BUSY_COMMENTS = 200
SEARCH_COLUMNS = ("kind", "ref_id", "title", "body", "url", "department_id", "created_at", "terms")


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _due(start: datetime, days: int) -> datetime:
    return add_working_days(start, days, extra_holidays=())


class ThreadPlan:
    """Decides every thread once; the loaders below stream rows from it."""

    def __init__(self, count: int, supports_total: int, comments_total: int, depts: list[dict],
                 services_by_dept: dict[int, list[int]], layout: dict, now: datetime, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.now = now
        self.depts = depts
        self.services_by_dept = services_by_dept
        self.layout = layout
        citizens = layout["last_citizen"] - layout["first_citizen"] + 1
        # popularity of departments (some receive far more threads)
        self.dept_weights = [1.0 / (1 + (i % 37) * 0.15) for i in range(len(depts))]
        self.dept_quality = {d["id"]: self.rng.uniform(0.55, 0.97) for d in depts}
        weights = [self.rng.paretovariate(1.25) for _ in range(count)]
        scale = supports_total / sum(weights)
        self.supports = array("i", (min(citizens - 1, int(w * scale)) for w in weights))
        self.supports_total = sum(self.supports)
        # comments: a heavy tail too, scaled for the ~93% of threads the public can read
        self.comments_target = comments_total
        comment_weights = [self.rng.paretovariate(1.4) for _ in range(count)]
        comment_scale = comments_total / sum(comment_weights) / 0.93
        self.comments = array("i", (min(5000, int(w * comment_scale)) for w in comment_weights))
        self.busy_thread = None  # the thread page benchmark's thread: exactly BUSY_COMMENTS comments


    def threads(self):
        """Yield one dict per thread (plus everything derived from it)."""
        rng, now, layout = self.rng, self.now, self.layout
        composer = Composer(rng.randint(0, 10**9))
        dept_ids = [d["id"] for d in self.depts]
        for index in range(self.count):
            pid = index + 1
            age = min(rng.expovariate(1 / 160), 729.0)
            created = now - timedelta(days=age, seconds=rng.randint(0, 3600))
            kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
            status = _weighted(rng, next(mix for limit, mix in STATUS_BY_AGE if age < limit))
            dept = rng.choices(dept_ids, weights=self.dept_weights)[0] if rng.random() > 0.004 else None
            if dept is None and status not in ("pending_review", "open"):
                status = "open"
            domain = self.depts[dept - 1]["domain"] if dept else None
            place, issue = composer.topic(domain)
            title = composer.title(kind, place, issue)
            sentences = composer.body(place, issue, rng.choice((2, 3, 3, 4)))
            author = rng.randint(layout["first_citizen"], layout["last_citizen"])
            services = self.services_by_dept.get(dept, [])
            service = rng.choice(services) if services and rng.random() < 0.5 else None
            yield {
                "id": pid, "kind": kind, "status": status, "created": created, "age": age, "department_id": dept,
                "service_id": service, "author_id": author, "title": title, "sentences": sentences,
                "supports": self.supports[index], "quality": self.dept_quality.get(dept, 0.7),
                "transferred": dept is not None and status not in ("pending_review",) and rng.random() < 0.04,
            }


def expand(t: dict, plan: ThreadPlan, rng: random.Random, ids: dict) -> dict:
    """Everything about one thread: the row, stints, events, answer, rating, search document."""
    now = plan.now
    status, created, dept = t["status"], t["created"], t["department_id"]
    published = None if status == "pending_review" else created + timedelta(minutes=rng.randint(0, 30))
    quality = t["quality"]
    out = {"assignments": [], "events": [], "answer": None, "revision": None, "rating": None, "search": None}
    ack_due = answer_due = close_due = next_due = acknowledged = first_answer = closed = None
    officer = plan.layout["officers"].get(dept, [None])[0] if dept else None
    start = published or created

    def before_now(moment):
        # very young threads: squeeze their milestones between the start and now
        if moment is None or moment < now:
            return moment
        return start + (now - start) * rng.uniform(0.3, 0.95)

    def event(kind, at, from_status=None, to_status=None, actor=None, note=None, data=None):
        ids["event"] += 1
        out["events"].append((ids["event"], t["id"], kind, from_status, to_status, actor, dept, note, data or {}, at))

    event("created", created, None, status if status == "pending_review" else "open", t["author_id"])
    if published and dept:
        start = published
        if t["transferred"]:
            first_dept = plan.depts[(dept % len(plan.depts))]["id"]
            transfer_at = published + timedelta(hours=rng.uniform(2, 60))
            f_ack = _due(published, 2)
            ids["assignment"] += 1
            missed = transfer_at > f_ack
            out["assignments"].append((ids["assignment"], t["id"], first_dept, published, transfer_at, "transferred",
                                       f_ack, _due(published, 5), _due(published, 15), None, None, None,
                                       True if missed else None, None, None))
            event("transferred", transfer_at, "open", "open", plan.layout["officers"][first_dept][0], "不属于本部门职责，转交相关部门办理。",
                  {"from_department_id": first_dept, "to_department_id": dept})
            start = transfer_at
        ack_due, answer_due, close_due = _due(start, 2), _due(start, 5), _due(start, 15)
        slow = 1.0 + (1.0 - quality) * 4

        if status in ACKNOWLEDGED:
            acknowledged = start + timedelta(hours=rng.uniform(1, 30) * slow)
        if status in ANSWERED:
            first_answer = acknowledged + timedelta(hours=rng.uniform(4, 70) * slow)
        if status == "closed":
            closed = first_answer + timedelta(days=rng.uniform(0.5, 9) * slow)
        acknowledged, first_answer, closed = (before_now(m) for m in (acknowledged, first_answer, closed))
        if acknowledged and first_answer and first_answer < acknowledged:
            acknowledged, first_answer = first_answer, acknowledged
        if closed and first_answer and closed < first_answer:
            first_answer, closed = closed, first_answer
        if acknowledged:
            event("status_changed", acknowledged, "open", "acknowledged", officer)
        if first_answer:
            event("answered", first_answer, "in_progress", "answered", officer)
        if closed:
            event("status_changed", closed, "answered", "closed", officer)
        if status in ("declined", "merged"):
            event("status_changed", before_now(start + timedelta(hours=rng.uniform(2, 48))), "open", status,
                  officer if status == "declined" else plan.layout["moderators"][0],
                  "经核实不属于受理范围。" if status == "declined" else "与已有留言重复，已合并。")
        if status == "reopened":
            event("status_changed", before_now(first_answer + timedelta(days=1)), "answered", "reopened", t["author_id"], "对答复不满意。")
        pending = {"open": ack_due, "acknowledged": answer_due, "in_progress": answer_due, "reopened": close_due,
                   "answered": close_due}
        next_due = pending.get(status)

        def missed(done, due):
            if done is not None:
                return done > due
            return True if due < now and status not in ("declined", "merged") else None

        ids["assignment"] += 1
        out["assignments"].append((ids["assignment"], t["id"], dept, start, closed if status == "closed" else None,
                                   None, ack_due, answer_due, close_due, acknowledged, first_answer, closed,
                                   missed(acknowledged, ack_due) if status not in ("declined", "merged") else None,
                                   missed(first_answer, answer_due) if status not in ("declined", "merged") else None,
                                   missed(closed, close_due) if status in ("closed", "answered", "reopened") else None))
        if first_answer:
            ids["answer"] += 1
            body = plan_answer_text(rng)
            html = f"<p>{escape(body)}</p>"
            out["answer"] = (ids["answer"], t["id"], dept, officer, body, html, 1, first_answer, first_answer)
            out["revision"] = (ids["answer"], ids["answer"], 1, body, html, officer, first_answer)
            if status == "reopened" or rng.random() < 0.6:
                verdict = "unsatisfied" if status == "reopened" else rng.choices(
                    ("satisfied", "basically_satisfied", "unsatisfied"), weights=(quality * 70, 20, (1 - quality) * 60))[0]
                ids["rating"] += 1
                out["rating"] = (ids["rating"], ids["answer"], t["id"], dept, t["author_id"], verdict,
                                 before_now(first_answer + timedelta(hours=rng.uniform(1, 48))))
                event("rated", out["rating"][-1], None, None, t["author_id"], None, {"rating": verdict})
    escalated = None
    if t["supports"] >= 100 and published:
        escalated = before_now(published + timedelta(days=rng.uniform(0.5, 3)))
        event("escalated", escalated, None, None, None, None, {"supports": t["supports"]})
    body = "".join(t["sentences"])
    last_activity = max(e[-1] for e in out["events"])
    hidden = rng.random() < 0.002 and status not in ("pending_review",)
    public = published is not None and status != "merged" and not hidden
    comments = plan.comments[t["id"] - 1] if public else 0
    if public and plan.busy_thread is None and status == "answered" and t["age"] > 20:
        plan.busy_thread, comments = t["id"], BUSY_COMMENTS
    out["comments"] = comments
    out["row"] = (
        t["id"], t["kind"], t["title"], body, f"<p>{escape(body)}</p>", status, t["author_id"], rng.random() < 0.05,
        dept, t["service_id"], None, [], t["supports"], None, escalated,
        before_now(first_answer + timedelta(days=1)) if status == "reopened" else None, published, closed, ack_due, answer_due,
        close_due, next_due, created, last_activity, last_activity,
        before_now(created + timedelta(days=1)) if hidden else None, "含有不实信息，经核实后隐藏。" if hidden else None, None, None,
        comments,
    )
    if public:
        out["search"] = ("proposal", t["id"], t["title"], body, f"/proposals/{t['id']}", dept, created,
                         terms(t["title"], t["sentences"]))
    return out


_ANSWERS: list[str] = []


def plan_answer_text(rng: random.Random) -> str:
    if not _ANSWERS:
        composer = Composer(5)
        _ANSWERS.extend(composer.answer() for _ in range(40))
    return rng.choice(_ANSWERS)


def supporters(plan: ThreadPlan, thread_id: int, author_id: int, rng: random.Random) -> list[int]:
    """``supports`` distinct citizens, never the author."""
    k = plan.supports[thread_id - 1]
    if not k:
        return []
    first, last = plan.layout["first_citizen"], plan.layout["last_citizen"]
    picked = rng.sample(range(first, last + 1), k + 1)
    return [u for u in picked if u != author_id][:k]
