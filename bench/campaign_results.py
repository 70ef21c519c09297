"""Benchmark: campaign results with a million votes.

Builds a campaign with 1,000,000 votes in a scratch database (bulk inserts:
executemany on SQLite, COPY on PostgreSQL), keeps the stored counts
consistent (tallied while generating, then checked against the votes table
with one GROUP BY), and times the results through the Flask test client:
the JSON results, the campaign page with its chart, and the CSV, while
open (live results from the stored counts) and after the close (the first
read writes the snapshot; later reads come from it). Prints median and max
of 20 calls each and exits 1 if a median or max exceeds the budget.

    python bench/campaign_results.py                     # scratch SQLite file in a temp dir
    python bench/campaign_results.py --database-url postgresql+psycopg://minyi:minyi@127.0.0.1/minyi_bench --reset
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = 200.0
CHUNK = 50_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a scratch SQLite file)")
    parser.add_argument("--reset", action="store_true", help="drop every table of the given database first")
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--votes-per-voter", type=int, default=3)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def make_app(url: str):
    os.environ.setdefault("MINYI_INSTANCE_PATH", tempfile.mkdtemp(prefix="minyi-bench-instance-"))
    from app import create_app

    return create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", RATELIMIT_ENABLED=False)


def reset_schema(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()


def setup_campaign(app, cases: int, votes_per_voter: int) -> tuple[int, list[int]]:
    """Departments, published cases and an open, live campaign, through the real services."""
    from app.accounts.services import register
    from app.campaigns.services import create_campaign
    from app.clock import utcnow
    from app.departments.services import create_department
    from app.extensions import db
    from app.innovation.services import create_case, review_case

    with app.app_context():
        moderator = register("bench-moderator", "bench-password", None, role="moderator", require_email=False)
        case_ids = []
        for index in range(cases):
            if index % 5 == 0:
                department = create_department(None, f"bench-dept-{index // 5}", f"基准测试部门{index // 5}")
                officer = register(f"bench-officer-{index // 5}", "bench-password", None, role="officer", department=department, require_email=False)
            case = create_case(officer, title=f"基准测试案例{index:02d}：最多跑一次改革", summary="摘要", body="正文", tags=["基准"])
            review_case(moderator, case, "publish")
            case_ids.append(case.id)
        now = utcnow()
        campaign = create_campaign(
            moderator,
            title="百万票基准测试",
            description="",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            case_ids=case_ids,
            votes_per_voter=votes_per_voter,
            require_verified=False,
            results="live",
        )
        db.session.commit()
        return campaign.id, case_ids


def _timestamp(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(campaign_id: int, case_ids: list[int], votes: int, per_voter: int, first_user_id: int, seed: int):
    """Yield (users, ballots, votes) row chunks; tally per-case counts in ``tally``."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(case_ids))]  # a long tail, like real votes
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    tally = {case_id: 0 for case_id in case_ids}
    voters = -(-votes // per_voter)
    remaining = votes
    from app.clock import utcnow

    stamp = _timestamp(utcnow().replace(tzinfo=None) - timedelta(hours=1))
    users, ballots, rows = [], [], []
    for index in range(voters):
        user_id = first_user_id + index
        name = f"bv{index}"
        users.append((user_id, name, name, "citizen", False, stamp, 0, False))
        wanted = min(per_voter, remaining)
        chosen: set[int] = set()
        while len(chosen) < wanted:
            chosen.add(case_ids[_pick(rng.random() * total, cumulative)])
        remaining -= wanted
        ballots.append((campaign_id, user_id, wanted, stamp))
        for case_id in chosen:
            tally[case_id] += 1
            rows.append((campaign_id, user_id, case_id, stamp))
        if len(rows) >= CHUNK:
            yield users, ballots, rows, tally
            users, ballots, rows = [], [], []
    yield users, ballots, rows, tally


def _pick(point: float, cumulative: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, point), len(cumulative) - 1)


def load(app, campaign_id: int, case_ids: list[int], votes: int, per_voter: int, seed: int) -> dict[str, float]:
    """Bulk-load voters, ballots and votes; write the stored counts; return timings."""
    from sqlalchemy import func, select, text, update

    from app.accounts.models import User
    from app.campaigns.models import Campaign, CampaignCase, Vote
    from app.extensions import db

    timings = {}
    with app.app_context():
        first_user_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1
        db.session.rollback()  # end the read, so that our own writes below never see a stale snapshot
        dialect = db.engine.dialect.name
        raw = db.engine.raw_connection()
        started = time.perf_counter()
        tally: dict[int, int] = {}
        try:
            cursor = raw.cursor()
            if dialect == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")  # one transaction (the app's connections run in autocommit mode)
            for users, ballots, rows, tally in generate(campaign_id, case_ids, votes, per_voter, first_user_id, seed):
                if dialect == "sqlite":
                    cursor.executemany(
                        "INSERT INTO users (id, username, username_key, role, verified, created_at, approved_posts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [u[:7] for u in users],
                    )
                    cursor.executemany("INSERT INTO ballots (campaign_id, user_id, votes_used, created_at) VALUES (?, ?, ?, ?)", ballots)
                    cursor.executemany("INSERT INTO votes (campaign_id, user_id, case_id, created_at) VALUES (?, ?, ?, ?)", rows)
                else:
                    _copy(cursor, "users (id, username, username_key, role, verified, created_at, approved_posts)", [u[:7] for u in users])
                    _copy(cursor, "ballots (campaign_id, user_id, votes_used, created_at)", ballots)
                    _copy(cursor, "votes (campaign_id, user_id, case_id, created_at)", rows)
            if dialect == "sqlite":
                cursor.execute("COMMIT")
            else:
                raw.commit()
        finally:
            raw.close()
        timings["bulk insert"] = time.perf_counter() - started

        started = time.perf_counter()
        if dialect == "postgresql":
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))
            db.session.execute(text("ANALYZE"))
        for case_id, count in tally.items():
            db.session.execute(
                update(CampaignCase).where(CampaignCase.campaign_id == campaign_id, CampaignCase.case_id == case_id).values(votes=count)
            )
        voters = -(-votes // per_voter)
        db.session.execute(update(Campaign).where(Campaign.id == campaign_id).values(turnout=voters))
        db.session.commit()
        timings["stored counts"] = time.perf_counter() - started

        started = time.perf_counter()
        counted = dict(
            db.session.execute(select(Vote.case_id, func.count()).where(Vote.campaign_id == campaign_id).group_by(Vote.case_id)).all()
        )
        assert counted == {k: v for k, v in tally.items() if v}, "stored counts disagree with the votes table"
        assert sum(counted.values()) == votes
        timings["check (GROUP BY over the votes)"] = time.perf_counter() - started
    return timings


def _copy(cursor, target: str, rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("t" if v is True else "f" if v is False else str(v) for v in row))
        buffer.write("\n")
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def timed(client, path: str, calls: int) -> tuple[float, float, int]:
    """(median ms, max ms, status) over ``calls`` calls, after one warm-up call."""
    client.get(path)
    durations = []
    status = 0
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        assert status == 200, (path, status, response.get_data(as_text=True)[:300])
    return statistics.median(durations), max(durations), status


def main() -> int:
    args = parse_args()
    scratch = None
    if args.database_url:
        url = args.database_url
    else:
        scratch = tempfile.mkdtemp(prefix="minyi-bench-")
        url = f"sqlite:///{scratch}/campaign_results.sqlite"
    app = make_app(url)
    if args.database_url and not args.reset:
        print("Refusing to touch an existing database without --reset (it drops every table).", file=sys.stderr)
        return 2
    reset_schema(app)
    from app.extensions import db

    with app.app_context():
        dialect = db.engine.dialect.name
    from sqlalchemy.engine import make_url

    where = make_url(url).render_as_string(hide_password=True) if args.database_url else "scratch file " + url[10:]
    print(f"Campaign results benchmark on {dialect} ({where})")
    started = time.perf_counter()
    campaign_id, case_ids = setup_campaign(app, args.cases, args.votes_per_voter)
    timings = {"cases and campaign (services)": time.perf_counter() - started}
    timings.update(load(app, campaign_id, case_ids, args.votes, args.votes_per_voter, args.seed))
    voters = -(-args.votes // args.votes_per_voter)
    print(f"  data: {args.votes:,} votes by {voters:,} voters on {args.cases} cases ({args.votes_per_voter} votes each)")
    for name, seconds in timings.items():
        print(f"  build: {name:34s} {seconds:7.2f} s")

    client = app.test_client()
    rows = []
    for label, path in (
        ("GET /api/v1/campaigns/<id>/results (live)", f"/api/v1/campaigns/{campaign_id}/results"),
        ("GET /campaigns/<id> (page, chart)", f"/campaigns/{campaign_id}"),
        ("GET /campaigns/<id>/results.csv", f"/campaigns/{campaign_id}/results.csv"),
    ):
        rows.append((label, *timed(client, path, args.calls)))

    from sqlalchemy import update

    from app.campaigns.models import Campaign
    from app.clock import utcnow

    with app.app_context():
        now = utcnow()
        db.session.execute(update(Campaign).where(Campaign.id == campaign_id).values(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1)))
        db.session.commit()
    started = time.perf_counter()
    first = client.get(f"/api/v1/campaigns/{campaign_id}/results")
    freeze_ms = (time.perf_counter() - started) * 1000
    assert first.status_code == 200 and first.get_json()["frozen"] and first.get_json()["turnout"] == voters
    assert sum(item["votes"] for item in first.get_json()["items"]) == args.votes
    rows.append(("first read after close (writes snapshot)", freeze_ms, freeze_ms, 200))
    rows.append(("GET /api/v1/campaigns/<id>/results (frozen)", *timed(client, f"/api/v1/campaigns/{campaign_id}/results", args.calls)))
    rows.append(("GET /campaigns/<id> (page, frozen)", *timed(client, f"/campaigns/{campaign_id}", args.calls)))

    print(f"  timings through the Flask test client, {args.calls} calls each after one warm-up (ms):")
    print(f"    {'request':46s} {'median':>8s} {'max':>8s}")
    over = False
    for label, median, worst, _status in rows:
        flag = "" if worst < BUDGET_MS else "  OVER BUDGET"
        over = over or worst >= BUDGET_MS
        print(f"    {label:46s} {median:8.2f} {worst:8.2f}{flag}")
    print(f"  budget: {BUDGET_MS:.0f} ms per call -> {'FAILED' if over else 'ok'}")
    if scratch:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
