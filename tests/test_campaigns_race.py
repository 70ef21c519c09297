"""Limits hold under truly concurrent requests (threads against a real threaded server; SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests import factories
from tests import factories_campaigns as fc
from tests.servers import threaded_server


def _call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _simultaneously(base: str, calls: list[tuple[str, str, str, dict | None]]) -> list[tuple[int, dict]]:
    """Fire every call at the same moment from its own thread."""
    barrier = threading.Barrier(len(calls))

    def fire(call):
        barrier.wait()
        return _call(base, *call)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(fire, calls))


def test_twelve_simultaneous_votes_of_one_voter_leave_exactly_the_limit(app, department):
    cases = [fc.case(app, department) for _ in range(5)]
    campaign = fc.campaign(app, cases, votes_per_voter=2)
    token = factories.token(app, fc.voter(app))
    calls = [("POST", f"/campaigns/{campaign.id}/votes", token, {"case_id": cases[i % 5].id}) for i in range(12)]
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 201] + [409] * 10, results
    codes = {body["error"]["code"] for status, body in results if status == 409}
    assert codes <= {"vote_limit_reached", "already_voted", "conflict"}, codes
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert sum(counts["per_case"].values()) == 2 and counts["turnout"] == 1
    assert list(counts["ballots"].values()) == [2]


def test_simultaneous_voters_on_one_case_are_all_counted(app, department):
    cases = [fc.case(app, department) for _ in range(2)]
    campaign = fc.campaign(app, cases)
    tokens = [factories.token(app, fc.voter(app)) for _ in range(12)]
    calls = [("POST", f"/campaigns/{campaign.id}/votes", token, {"case_id": cases[0].id}) for token in tokens]
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
    assert [status for status, _ in results] == [201] * 12, results
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"][cases[0].id] == 12 and counts["turnout"] == 12


def test_simultaneous_votes_and_withdrawals_keep_counts_exact(app, department):
    cases = [fc.case(app, department) for _ in range(4)]
    campaign = fc.campaign(app, cases, votes_per_voter=2)
    voter = fc.voter(app)
    fc.vote(app, campaign, voter, cases[0])
    fc.vote(app, campaign, voter, cases[1])
    token = factories.token(app, voter)
    calls = []
    for i in range(12):
        if i % 3 == 0:
            calls.append(("DELETE", f"/campaigns/{campaign.id}/votes/{cases[i % 2].id}", token, None))
        else:
            calls.append(("POST", f"/campaigns/{campaign.id}/votes", token, {"case_id": cases[i % 4].id}))
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
        final = _call(base, "GET", f"/campaigns/{campaign.id}", token)[1]["my_votes"]
    assert all(status in (200, 201, 409) for status, _ in results), results
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert len(final) <= 2 and sum(counts["per_case"].values()) == len(final)
    assert counts["ballots"][voter.id] == len(final)


def _get(base: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/api/v1{path}", timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_simultaneous_first_reads_after_close_write_one_snapshot(app, department):
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from app.campaigns.models import Campaign, CampaignResult
    from app.clock import utcnow
    from app.extensions import db

    cases = [fc.case(app, department) for _ in range(3)]
    campaign = fc.campaign(app, cases, votes_per_voter=2)
    for index in range(5):
        fc.vote(app, campaign, fc.voter(app), cases[index % 3])
    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(Campaign).where(Campaign.id == campaign.id).values(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
        )
        db.session.commit()
    barrier = threading.Barrier(8)
    with threaded_server(app) as base:

        def read(_):
            barrier.wait()
            return _get(base, f"/campaigns/{campaign.id}/results")

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(read, range(8)))
    assert [status for status, _ in results] == [200] * 8, results
    bodies = [body for _, body in results]
    assert all(body == bodies[0] for body in bodies) and bodies[0]["frozen"] and bodies[0]["turnout"] == 5
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CampaignResult)) == 3
