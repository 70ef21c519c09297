"""Generator: service ratings with rectifications, innovation cases, campaigns with votes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from html import escape

from gen_text import RATING_COMMENTS

from app.workdays import add_working_days

RATING_COLUMNS = ("id", "service_id", "department_id", "user_id", "score", "comment", "created_at", "window_started_at")
WINDOW_COLUMNS = ("service_id", "user_id", "rating_id", "started_at", "case_id")
STATS_COLUMNS = ("service_id", "count", "total", "n1", "n2", "n3", "n4", "n5")
CASE_COLUMNS = ("id", "rating_id", "service_id", "department_id", "user_id", "status", "opened_at", "due_at", "note",
                "rectified_at", "rectified_by_id", "rectified_on_time", "confirmed_at", "resolved")


def ratings(count: int, services: list[dict], layout: dict, quality: dict[int, float], now: datetime, seed: int):
    """Yield (rating, window, case-or-None); one current rating per (service, user)."""
    rng = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    stats: dict[int, list[int]] = {}
    case_id = 0
    rid = 0
    while rid < count:
        service = rng.choice(services)
        user = rng.randint(layout["first_citizen"], layout["last_citizen"])
        if (service["id"], user) in seen:
            continue
        seen.add((service["id"], user))
        rid += 1
        q = quality.get(service["department_id"], 0.75)
        score = rng.choices((1, 2, 3, 4, 5), weights=((1 - q) * 20, (1 - q) * 25, 12, q * 40, q * 50))[0]
        created = now - timedelta(days=rng.uniform(0, 365), seconds=rng.randint(0, 86400))
        comment = rng.choice(RATING_COMMENTS) if rng.random() < 0.4 else None
        s = stats.setdefault(service["id"], [0, 0, 0, 0, 0, 0, 0])
        s[0] += 1
        s[1] += score
        s[1 + score] += 1
        case = None
        if score <= 2:
            case_id += 1
            due = add_working_days(created, 15, extra_holidays=())
            answered = rng.random() < q + 0.1
            rectified = created + timedelta(days=rng.uniform(1, 25) * (1.6 - q)) if answered else None
            if rectified and rectified > now:
                rectified = None
            confirmed = rectified + timedelta(days=rng.uniform(1, 10)) if rectified and rng.random() < 0.7 else None
            if confirmed and confirmed > now:
                confirmed = None
            resolved = (rng.random() < q) if confirmed else None
            status = "open" if not rectified else ("rectified" if not confirmed else ("resolved" if resolved else "unresolved"))
            case = (case_id, rid, service["id"], service["department_id"], user, status, created, due,
                    "已对窗口人员开展培训，优化办理流程。" if rectified else None, rectified,
                    None, (rectified <= due) if rectified else None, confirmed, resolved)
        yield (rid, service["id"], service["department_id"], user, score, comment, created, created), \
              (service["id"], user, rid, created, case_id if case else None), case
    ratings.stats = stats  # type: ignore[attr-defined]


CASE_TABLE_COLUMNS = ("id", "department_id", "author_id", "title", "summary", "body", "body_html", "status",
                      "created_at", "updated_at", "submitted_at", "reviewed_at", "published_at", "reviewed_by_id")
CASE_TITLES = ["{city}推行“最多跑一次”改革新举措", "{city}“浙里办”一网通办提速", "{city}政务服务“好差评”闭环整改",
               "{city}智慧停车一体化平台", "{city}基层治理“四平台”建设", "{city}企业开办一日办结", "{city}社保“就近办”网点",
               "{city}老旧小区加装电梯“一件事”", "{city}数字化城管快速处置", "{city}“浙医互认”检查结果共享"]


def cases(count: int, depts: list[dict], layout: dict, moderator: int, now: datetime, seed: int):
    rng = random.Random(seed)
    for cid in range(1, count + 1):
        dept = rng.choice(depts)
        title = rng.choice(CASE_TITLES).format(city=dept["name"][:3]) + f"（{cid}）"
        created = now - timedelta(days=rng.uniform(30, 700))
        status = rng.choices(("published", "submitted", "rejected", "draft"), weights=(80, 8, 4, 8))[0]
        body = "### 主要做法\n\n整合业务流程，打通数据壁垒，实现群众办事少跑腿。\n\n### 取得成效\n\n办理时间平均缩短一半以上。"
        html = "<h2>主要做法</h2>\n<p>整合业务流程，打通数据壁垒，实现群众办事少跑腿。</p>\n<h2>取得成效</h2>\n<p>办理时间平均缩短一半以上。</p>"
        submitted = created + timedelta(days=2) if status != "draft" else None
        reviewed = created + timedelta(days=5) if status in ("published", "rejected") else None
        yield (cid, dept["id"], layout["officers"][dept["id"]][0], title, "围绕群众和企业办事难点，" + escape(title) + "。",
               body, html, status, created, created, submitted, reviewed, reviewed if status == "published" else None,
               moderator if reviewed else None)
