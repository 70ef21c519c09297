"""Fill an empty database with a province's worth of plausible data, fast.

    python bench/generate.py --scale small      --database-url sqlite:////tmp/minyi-small.sqlite
    python bench/generate.py --scale province   --database-url postgresql+psycopg://minyi:minyi@127.0.0.1/minyi_bench

province: 100 departments, 10,000 services, 1,000,000 threads, 8,000,000
supports + 2,000,000 campaign votes, 5,000,000 comments, 1,000,000 service
ratings. The schema is built by the migrations; rows are written with
executemany (SQLite) or COPY (PostgreSQL) with secondary indexes dropped
during the load; every stored counter (supports, comments, votes, turnout,
rating statistics) is computed from the rows it counts, and checked at the
end. The search index gets the words the application itself would have
written (``bench/gen_text.py``), and the portrait aggregates are rebuilt by
the application's own command.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

SCALES = {
    "tiny": dict(departments=20, services=10, citizens=2_000, threads=5_000, supports=30_000, votes=10_000,
                 comments=20_000, ratings=5_000, cases=100),
    "small": dict(departments=40, services=30, citizens=20_000, threads=50_000, supports=400_000, votes=100_000,
                  comments=250_000, ratings=50_000, cases=400),
    "province": dict(departments=100, services=100, citizens=300_000, threads=1_000_000, supports=8_000_000,
                     votes=2_000_000, comments=5_000_000, ratings=1_000_000, cases=2_000),
}
BATCH = 50_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--reset", action="store_true", help="drop everything in the database first")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def make_app(url: str):
    os.environ.setdefault("MINYI_INSTANCE_PATH", tempfile.mkdtemp(prefix="minyi-gen-"))
    from app import create_app

    return create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="generate", RATELIMIT_ENABLED=False)


def prepare_schema(app, reset: bool) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    from app.extensions import db

    with app.app_context():
        engine = db.engine
        if reset:
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            else:
                path = engine.url.database
                engine.dispose()
                for suffix in ("", "-wal", "-shm"):
                    if path and os.path.exists(path + suffix):
                        os.remove(path + suffix)
        upgrade()
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM users")).scalar():
                sys.exit("the database is not empty (use --reset)")
        assert "proposals" in inspect(engine).get_table_names()


def generate(app, scale: dict, seed: int) -> dict:
    import gen_core
    import gen_threads
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from bulk import Loader

    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with app.app_context():
        engine = db.engine
        loader = Loader(engine, db.metadata, log)
        loader.drop_secondary_indexes()
        started = time.monotonic()

        depts = gen_core.departments(scale["departments"])
        loader.insert("departments", gen_core.DEPARTMENT_COLUMNS, gen_core.department_rows(depts, now))
        services = gen_core.services(depts, scale["services"], rng)
        loader.insert("services", gen_core.SERVICE_COLUMNS, gen_core.service_rows(services, now))
        password_hash = generate_password_hash("bench-password-2026")
        user_rows, layout = gen_core.users(depts, scale["citizens"], password_hash, rng, now)
        loader.insert("users", gen_core.USER_COLUMNS, user_rows)
        del user_rows
        log(f"{len(depts)} departments, {len(services)} services, {layout['last_citizen']} users")

        services_by_dept: dict[int, list[int]] = {}
        for s in services:
            services_by_dept.setdefault(s["department_id"], []).append(s["id"])
        plan = gen_threads.ThreadPlan(scale["threads"], scale["supports"], scale["comments"], depts, services_by_dept,
                                      layout, now, seed + 1)
        ids = {"event": 0, "assignment": 0, "answer": 0, "rating": 0, "support": 0, "follow": 0}
        buffers: dict[str, list] = {}
        thread_meta = []  # (id, author, department, status, published)

        def flush_buffers():
            for table, columns in (
                ("proposals", gen_threads.PROPOSAL_COLUMNS), ("proposal_assignments", gen_threads.ASSIGNMENT_COLUMNS),
                ("proposal_events", gen_threads.EVENT_COLUMNS), ("official_answers", gen_threads.ANSWER_COLUMNS),
                ("answer_revisions", gen_threads.REVISION_COLUMNS), ("answer_ratings", gen_threads.RATING_COLUMNS),
                ("proposal_supports", ("id", "proposal_id", "user_id", "created_at")),
                ("follows", ("id", "user_id", "target_type", "target_id", "created_at")),
                ("search_documents", gen_threads.SEARCH_COLUMNS),
            ):
                rows = buffers.pop(table, [])
                if rows:
                    loader.insert(table, columns, rows)

        support_rng = random.Random(seed + 2)
        for t in plan.threads():
            out = gen_threads.expand(t, plan, rng, ids)
            buffers.setdefault("proposals", []).append(out["row"])
            buffers.setdefault("proposal_assignments", []).extend(out["assignments"])
            buffers.setdefault("proposal_events", []).extend(out["events"])
            for key, table in (("answer", "official_answers"), ("revision", "answer_revisions"), ("rating", "answer_ratings"),
                               ("search", "search_documents")):
                if out[key]:
                    buffers.setdefault(table, []).append(out[key])
            ids["follow"] += 1
            buffers.setdefault("follows", []).append((ids["follow"], t["author_id"], "proposal", t["id"], t["created"]))
            when = t["created"]
            for user in gen_threads.supporters(plan, t["id"], t["author_id"], support_rng):
                ids["support"] += 1
                buffers.setdefault("proposal_supports", []).append((ids["support"], t["id"], user, when))
            if out["comments"]:
                # (id, department, published, title, comments) for the comment generator
                thread_meta.append((t["id"], t["department_id"], out["row"][16], t["title"], out["comments"]))
            if t["id"] % BATCH == 0:
                flush_buffers()
                log(f"threads {t['id']:,} / {scale['threads']:,} ({ids['support']:,} supports)")
        flush_buffers()
        plan.thread_meta = thread_meta
        log(f"threads done: {scale['threads']:,} threads, {ids['support']:,} supports, {ids['event']:,} timeline entries")

        generate_ratings(loader, scale, services, layout, plan, now, seed)
        case_ids = generate_cases(loader, scale, depts, layout, now, seed)
        generate_campaigns(loader, scale, case_ids, layout, now, seed)
        generate_service_documents(loader, services, now)
        import gen_comments

        gen_comments.generate(loader, plan, layout, now, seed)
        loader.restore_indexes()
        loader.fix_sequences()
        loader.analyze()
        log(f"rows written in {time.monotonic() - started:.0f}s: " + ", ".join(f"{k} {v:,}" for k, v in loader.counts.items()))
        return {"loader": loader, "plan": plan}


def generate_ratings(loader, scale, services, layout, plan, now, seed) -> None:
    import gen_other

    rows, windows, cases = [], [], []
    for rating, window, case in gen_other.ratings(scale["ratings"], services, layout, plan.dept_quality, now, seed + 3):
        rows.append(rating)
        windows.append(window)
        if case:
            cases.append(case)
    loader.insert("ratings", gen_other.RATING_COLUMNS, rows)
    loader.insert("rectification_cases", gen_other.CASE_COLUMNS, cases)
    loader.insert("rating_windows", gen_other.WINDOW_COLUMNS, windows)
    stats = gen_other.ratings.stats
    loader.insert("service_rating_stats", gen_other.STATS_COLUMNS, ([sid, *values] for sid, values in stats.items()))
    log(f"{len(rows):,} ratings, {len(cases):,} rectification cases")


def generate_cases(loader, scale, depts, layout, now, seed) -> list[tuple[int, int]]:
    import gen_other

    rows = list(gen_other.cases(scale["cases"], depts, layout, layout["moderators"][0], now, seed + 4))
    loader.insert("cases", gen_other.CASE_TABLE_COLUMNS, rows)
    tags = ["最多跑一次", "数字政府", "一网通办", "基层治理", "营商环境", "民生服务"]
    loader.insert("case_tags", ("case_id", "tag"), ((r[0], tags[r[0] % len(tags)]) for r in rows))
    search = [("case", r[0], r[3], r[4], f"/cases/{r[0]}", r[1], r[12], "") for r in rows if r[7] == "published"]
    from gen_text import words

    loader.insert("search_documents", ("kind", "ref_id", "title", "body", "url", "department_id", "created_at", "terms"),
                  (row[:7] + (" ".join(list(words(row[2])) * 2 + list(words(row[3]))),) for row in search))
    log(f"{len(rows):,} innovation cases")
    return [(r[0], r[1]) for r in rows if r[7] == "published"]


def generate_campaigns(loader, scale, published_cases, layout, now, seed) -> None:
    """Ten campaigns of 20 cases: closed ones, one open (no verification, any account age), one upcoming."""
    rng = random.Random(seed + 5)
    campaigns, entries, ballots, votes = [], [], [], []
    per_campaign = scale["votes"] // 8
    vote_id = 0
    first, last = layout["first_citizen"], layout["last_citizen"]
    for cid in range(1, 11):
        if cid <= 8:
            opens, closes = now - timedelta(days=400 - cid * 40), now - timedelta(days=380 - cid * 40)
        elif cid == 9:
            opens, closes = now - timedelta(days=3), now + timedelta(days=30)
        else:
            opens, closes = now + timedelta(days=10), now + timedelta(days=40)
        ballot = rng.sample(published_cases, min(20, len(published_cases)))
        per_voter = 3 if cid % 2 else 1
        counts = {case: 0 for case, _ in ballot}
        voters = set()
        if cid <= 9:
            target = per_campaign if cid <= 8 else per_campaign // 4
            while len(voters) * per_voter < target:
                voters.add(rng.randint(first, last))
            for user in voters:
                ballots.append((cid, user, per_voter, opens))
                for case, _ in rng.sample(ballot, per_voter):
                    vote_id += 1
                    counts[case] += 1
                    votes.append((vote_id, cid, user, case, opens + (closes - opens) * rng.random() if cid <= 8 else opens))
        campaigns.append((cid, f"第{cid}届政府创新最佳实践评选", "请为您认为最有价值的创新案例投票。", "<p>请为您认为最有价值的创新案例投票。</p>",
                          opens, closes, per_voter, False, 0, "live" if cid >= 9 else "after_close", len(voters), 0,
                          layout["moderators"][0], opens - timedelta(days=5), opens - timedelta(days=5)))
        for position, (case, _) in enumerate(ballot):
            entries.append((cid, case, position, counts[case]))
    loader.insert("campaigns", ("id", "title", "description", "description_html", "opens_at", "closes_at",
                                "votes_per_voter", "require_verified", "min_account_age_days", "results_visibility",
                                "turnout", "invalidated_votes", "created_by_id", "created_at", "updated_at"), campaigns)
    loader.insert("campaign_cases", ("campaign_id", "case_id", "position", "votes"), entries)
    loader.insert("ballots", ("campaign_id", "user_id", "votes_used", "created_at"), ballots)
    loader.insert("votes", ("id", "campaign_id", "user_id", "case_id", "created_at"), votes)
    log(f"10 campaigns, {len(ballots):,} ballots, {len(votes):,} votes")


def generate_service_documents(loader, services, now) -> None:
    from gen_text import words

    rows = []
    for s in services:
        guide = f"办理对象 申请材料 办理时限 {s['days']}个工作日 办理地点 浙里办"
        rows.append(("service", s["id"], s["name"], guide, f"/services/{s['id']}", s["department_id"], now,
                     " ".join(list(words(s["name"])) * 2 + list(words(guide)))))
    loader.insert("search_documents", ("kind", "ref_id", "title", "body", "url", "department_id", "created_at", "terms"), rows)


def verify(app) -> list[str]:
    """Stored counters equal the rows they count."""
    from sqlalchemy import text

    from app.extensions import db

    checks = {
        "supports": "SELECT count(*) FROM proposals p WHERE supports_count <> (SELECT count(*) FROM proposal_supports s WHERE s.proposal_id = p.id)",
        "votes": "SELECT count(*) FROM campaign_cases c WHERE votes <> (SELECT count(*) FROM votes v WHERE v.campaign_id = c.campaign_id AND v.case_id = c.case_id AND v.invalidated_at IS NULL)",
        "turnout": "SELECT count(*) FROM campaigns c WHERE turnout <> (SELECT count(*) FROM ballots b WHERE b.campaign_id = c.id AND b.votes_used > 0)",
        "comments": ("SELECT count(*) FROM proposals p WHERE comments_count <> (SELECT count(*) FROM comments c "
                     "WHERE c.target_type = 'proposal' AND c.target_id = p.id AND c.status = 'published' "
                     "AND c.hidden_at IS NULL AND c.deleted_at IS NULL)"),
        "rating stats": "SELECT count(*) FROM service_rating_stats s WHERE count <> (SELECT count(*) FROM ratings r WHERE r.service_id = s.service_id AND r.superseded_at IS NULL)",
    }
    problems = []
    with app.app_context(), db.engine.connect() as conn:
        for name, sql in checks.items():
            bad = conn.execute(text(sql)).scalar()
            if bad:
                problems.append(f"{name}: {bad} rows disagree")
    return problems


def after_load(app) -> None:
    """Aggregates the application derives: portraits (if that feature exists)."""
    with app.app_context():
        if "portraits" in app.cli.commands:
            started = time.monotonic()
            runner = app.test_cli_runner()
            result = runner.invoke(args=["portraits", "rebuild"])
            log(f"portraits rebuilt in {time.monotonic() - started:.0f}s: {result.output.strip()[:200]}")
            if result.exit_code:
                raise SystemExit(f"portraits rebuild failed: {result.output}")


def main() -> int:
    args = parse_args()
    if not args.database_url:
        sys.exit("give --database-url (or DATABASE_URL)")
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_app(url)
    began = time.monotonic()
    prepare_schema(app, args.reset)
    generate(app, SCALES[args.scale], args.seed)
    after_load(app)
    problems = verify(app)
    log(f"{args.scale} scale generated in {time.monotonic() - began:.0f}s" + ("" if not problems else f"; PROBLEMS: {problems}"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
