"""Benchmark Minyi against a minimal Flask page, under gunicorn, with wrk.

    python bench/run.py --database-url sqlite:////path/province.sqlite
    python bench/run.py --database-url postgresql+psycopg://minyi:minyi@127.0.0.1/minyi_bench

The database must have been filled by ``bench/generate.py``. The script
starts Minyi (production settings, rate limits off, the X-Query-Count
header on) and the baseline app (``bench/baseline.py``) under the same
gunicorn settings, drives each endpoint with ``wrk -t2 -c16 -d<duration>s``
(write paths with a Lua script that gives every request another user's
bearer token), checks the write paths' results against the database
afterwards, and prints: endpoint, requests/s, p50, p99, SQL queries per
request, and requests/s as a ratio of the baseline's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402


@dataclass
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None  # JSON body for writes ("{token}" etc. filled by Lua)
    write: str | None = None  # "support" | "comment" | "vote": checked afterwards
    budget: tuple[float, float] | None = None  # (min ratio to baseline, max p99 ms)
    result: dict = field(default_factory=dict)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=not os.environ.get("DATABASE_URL"))
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--only", help="comma-separated endpoint names")
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument("--json", help="also write the results to this file")
    return parser.parse_args()


def normalise(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


# --- picking what to hit ------------------------------------------------------

def scalar(conn, sql: str, **params):
    return conn.execute(text(sql), params).scalar()


def pick_targets(engine) -> dict:
    """Ids and slugs for the endpoints: a busy thread, a department, a campaign …"""
    with engine.connect() as conn:
        total = scalar(conn, "SELECT count(*) FROM proposals")
        if not total:
            sys.exit("the database has no threads: run bench/generate.py first")
        has_comments = bool(scalar(conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'comments'")) \
            if engine.dialect.name == "postgresql" else bool(scalar(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'comments'"))
        if has_comments:
            thread = scalar(conn, "SELECT target_id FROM comments WHERE target_type = 'proposal' GROUP BY target_id "
                                  "HAVING count(*) BETWEEN 150 AND 400 ORDER BY count(*) DESC LIMIT 1")
        else:
            thread = None
        thread = thread or scalar(conn, "SELECT id FROM proposals WHERE status = 'answered' ORDER BY supports_count DESC LIMIT 1")
        support_thread = scalar(conn, "SELECT id FROM proposals WHERE status IN ('open', 'acknowledged', 'in_progress') "
                                      "AND hidden_at IS NULL AND locked_at IS NULL ORDER BY id DESC LIMIT 1")
        department = scalar(conn, "SELECT d.slug FROM departments d JOIN proposals p ON p.department_id = d.id "
                                  "GROUP BY d.slug ORDER BY count(*) DESC LIMIT 1")
        closed_campaign = scalar(conn, "SELECT id FROM campaigns WHERE closes_at < :now ORDER BY id LIMIT 1", now=naive_now())
        open_campaign = scalar(conn, "SELECT id FROM campaigns WHERE opens_at <= :now AND closes_at > :now "
                                     "AND require_verified = :f AND min_account_age_days = 0 ORDER BY id LIMIT 1",
                               now=naive_now(), f=False)
        open_case = scalar(conn, "SELECT case_id FROM campaign_cases WHERE campaign_id = :c ORDER BY case_id LIMIT 1",
                           c=open_campaign) if open_campaign else None
    return {
        "total": total, "thread": thread, "support_thread": support_thread, "department": department,
        "closed_campaign": closed_campaign, "open_campaign": open_campaign, "open_case": open_case,
        "deep_page": max(2, min(total // 20 // 2, 25_000)), "has_comments": has_comments,
    }


def naive_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def endpoints(t: dict) -> list[Endpoint]:
    eps = [
        Endpoint("baseline", "/", budget=None),
        Endpoint("home", "/", budget=(0.5, 150)),
        Endpoint("thread list p1", "/proposals", budget=(0.5, 150)),
        Endpoint(f"thread list p{t['deep_page']}", f"/proposals?page={t['deep_page']}", budget=(0.5, 150)),
        Endpoint("thread page", f"/proposals/{t['thread']}", budget=(0.5, 150)),
        Endpoint("department page", f"/departments/{t['department']}", budget=(0.5, 150)),
        Endpoint("portrait", f"/departments/{t['department']}/portrait", budget=(0.3, 250)),
        Endpoint("comparison", "/departments/compare", budget=(0.3, 250)),
        Endpoint("search (中文)", "/search?q=%E9%81%93%E8%B7%AF%E7%A7%AF%E6%B0%B4", budget=(0.3, 250)),
        Endpoint("campaign results", f"/api/v1/campaigns/{t['closed_campaign']}/results", budget=(0.3, 250)),
        Endpoint("API thread list", "/api/v1/proposals?per_page=20", budget=(0.5, 150)),
    ]
    if t["support_thread"]:
        eps.append(Endpoint("write: support", f"/api/v1/proposals/{t['support_thread']}/support", "POST", "{}", "support", (0, 250)))
    if t["has_comments"] and t["support_thread"]:
        eps.append(Endpoint("write: comment", f"/api/v1/proposals/{t['support_thread']}/comments", "POST",
                            '{"body": "压测评论：希望尽快处理，谢谢。"}', "comment", (0, 250)))
    if t["open_campaign"] and t["open_case"]:
        eps.append(Endpoint("write: vote", f"/api/v1/campaigns/{t['open_campaign']}/votes", "POST",
                            json.dumps({"case_id": t["open_case"]}), "vote", (0, 250)))
    return eps


# --- bearer tokens for distinct users -------------------------------------------

def make_tokens(engine, how_many: int, exclude_author_of: int | None) -> list[str]:
    """Issue bearer tokens for established citizens (one per user), straight into the database."""
    with engine.begin() as conn:
        rows = conn.execute(text(
            "SELECT id FROM users WHERE role = 'citizen' AND deleted_at IS NULL AND banned_at IS NULL "
            "AND suspended_until IS NULL AND id <> coalesce((SELECT author_id FROM proposals WHERE id = :p), 0) "
            "ORDER BY id DESC LIMIT :n"), {"p": exclude_author_of or 0, "n": how_many}).scalars().all()
        conn.execute(text("UPDATE users SET approved_posts = 5 WHERE id IN (SELECT id FROM users WHERE role = 'citizen' "
                          "ORDER BY id DESC LIMIT :n)"), {"n": how_many})
        tokens, values = [], []
        expires = naive_now() + timedelta(days=1)
        for user_id in rows:
            token = secrets.token_urlsafe(24)
            tokens.append(token)
            values.append({"u": user_id, "h": hashlib.sha256(token.encode()).hexdigest(), "c": naive_now(), "e": expires})
        conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES (:u, :h, :c, :e)"), values)
    return tokens


LUA = """
local tokens = {}
local body = %(body)s
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local counter = 0
local thread_offset = 0
function setup(thread)
  thread:set("offset", thread_offset)
  thread_offset = thread_offset + 1
end
function init(args)
  counter = tonumber(offset) or 0
end
function request()
  counter = counter + %(threads)d
  local token = tokens[(counter %% #tokens) + 1]
  return wrk.format("%(method)s", nil, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
"""


# --- servers and measuring --------------------------------------------------------

def start(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"{app_spec} did not start")


def probe(url: str, ep: Endpoint, token: str | None) -> tuple[int, int | None]:
    data = ep.body.encode() if ep.body else None
    request = urllib.request.Request(url, data=data, method=ep.method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            count = response.headers.get("X-Query-Count")
            return response.status, int(count) if count else None
    except urllib.error.HTTPError as error:
        count = error.headers.get("X-Query-Count")
        return error.code, int(count) if count else None


_units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", value.strip())
    return float(match.group(1)) * _units[match.group(2)] if match else float("nan")


def run_wrk(url: str, args, script: str | None = None) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": total,
            "non2xx": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else ""}


def check_writes(engine, ep: Endpoint, t: dict, before: dict) -> str:
    """Every write accounted for: stored counts equal the rows."""
    with engine.connect() as conn:
        if ep.write == "support":
            rows = scalar(conn, "SELECT count(*) FROM proposal_supports WHERE proposal_id = :p", p=t["support_thread"])
            stored = scalar(conn, "SELECT supports_count FROM proposals WHERE id = :p", p=t["support_thread"])
            return f"rows {rows} = stored {stored}" if rows == stored else f"MISMATCH rows {rows} != stored {stored}"
        if ep.write == "comment":
            rows = scalar(conn, "SELECT count(*) FROM comments WHERE target_type = 'proposal' AND target_id = :p", p=t["support_thread"])
            added = rows - before.get("comments", 0)
            return f"+{added} comments for {ep.result['requests']} requests" + ("" if added == ep.result["requests"] else " MISMATCH")
        if ep.write == "vote":
            rows = scalar(conn, "SELECT count(*) FROM votes WHERE campaign_id = :c AND case_id = :k AND invalidated_at IS NULL",
                          c=t["open_campaign"], k=t["open_case"])
            stored = scalar(conn, "SELECT votes FROM campaign_cases WHERE campaign_id = :c AND case_id = :k",
                            c=t["open_campaign"], k=t["open_case"])
            return f"rows {rows} = stored {stored}" if rows == stored else f"MISMATCH rows {rows} != stored {stored}"
    return ""


def main() -> int:
    args = parse_args()
    url = normalise(args.database_url)
    engine = create_engine(url)
    targets = pick_targets(engine)
    eps = endpoints(targets)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        eps = [ep for ep in eps if ep.name in wanted or ep.name == "baseline"]
    if args.skip_writes:
        eps = [ep for ep in eps if not ep.write]

    instance = tempfile.mkdtemp(prefix="minyi-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MINYI_ENV": "production",
        "SECRET_KEY": secrets.token_hex(16),
        "RATELIMIT_ENABLED": "0",
        "MINYI_QUERY_COUNT_HEADER": "1",
        "MINYI_INSTANCE_PATH": instance,
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_LOGLEVEL": "error",
    }
    app_port, base_port = 18700, 18701
    minyi = start("wsgi:app", app_port, env)
    baseline = start("bench.baseline:app", base_port, env)
    try:
        tokens_file = Path(instance) / "tokens.txt"
        tokens_file.write_text("\n".join(make_tokens(engine, 60_000, targets["support_thread"])) + "\n")
        first_token = tokens_file.read_text().split("\n", 1)[0]
        for ep in eps:
            port = base_port if ep.name == "baseline" else app_port
            target = f"http://127.0.0.1:{port}{ep.path}"
            script = None
            before = {}
            if ep.write:
                script = str(Path(instance) / f"{ep.write}.lua")
                Path(script).write_text(LUA % {"body": json.dumps(ep.body), "tokens": tokens_file, "threads": args.threads, "method": ep.method})
                if ep.write == "comment":
                    with engine.connect() as conn:
                        before["comments"] = scalar(conn, "SELECT count(*) FROM comments WHERE target_type = 'proposal' AND target_id = :p", p=targets["support_thread"])
                status, queries = None, None
            else:
                status, queries = probe(target, ep, None)
                run_wrk(target, argparse.Namespace(threads=1, connections=2, duration=2))  # warm up
            ep.result = run_wrk(target, args, script)
            if ep.write:
                status, queries = probe(target, ep, first_token)
                ep.result["check"] = check_writes(engine, ep, targets, before)
            ep.result.update(status=status, queries=queries)
            print(f"  {ep.name}: {ep.result['rps']:.0f} req/s p99 {ep.result['p99']:.1f} ms", file=sys.stderr)
    finally:
        for process in (minyi, baseline):
            process.terminate()
            process.wait(timeout=20)

    base_rps = next(ep.result["rps"] for ep in eps if ep.name == "baseline")
    print(f"\nMinyi benchmark — {engine.dialect.name}, {targets['total']:,} threads, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, gunicorn {args.workers} workers\n")
    header = f"| {'endpoint':<22} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'SQL/req':>7} | {'× base':>6} | {'target':<14} | note"
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:]))
    misses = []
    for ep in eps:
        r = ep.result
        ratio = r["rps"] / base_rps if base_rps else 0
        target = "" if not ep.budget else (f"≥{ep.budget[0]}× p99<{ep.budget[1]:.0f}" if ep.budget[0] else f"p99<{ep.budget[1]:.0f}, exact")
        note = r.get("check", "")
        if r.get("non2xx"):
            note += f" non-2xx {r['non2xx']}"
        if r.get("socket_errors"):
            note += f" socket errors {r['socket_errors']}"
        ok = True
        if ep.budget:
            ok = ratio >= ep.budget[0] and r["p99"] < ep.budget[1] and not r.get("non2xx") and "MISMATCH" not in note
        if not ok:
            misses.append(ep.name)
        print(f"| {ep.name:<22} | {r['rps']:>8.0f} | {r['p50']:>7.1f} | {r['p99']:>7.1f} | {str(r.get('queries') or '-'):>7} | "
              f"{ratio:>6.2f} | {target:<14} | {'MISS ' if not ok else ''}{note}")
    if args.json:
        Path(args.json).write_text(json.dumps([{"name": ep.name, **ep.result} for ep in eps], indent=2, default=str))
    print(f"\n{len(misses)} endpoint(s) missed their target" + (f": {', '.join(misses)}" if misses else ""))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
