"""Supports: one per citizen, withdrawable, exact counts under real concurrency; merging without double counting."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.events import signal
from app.extensions import db
from app.proposals.models import Proposal, Support
from tests import factories
from tests import factories_proposals as fp
from tests.servers import threaded_server


def _counts(app, proposal_id):
    """(stored count, rows)."""
    with app.app_context():
        stored = db.session.get(Proposal, proposal_id).supports_count
        rows = db.session.scalar(select(func.count(Support.id)).where(Support.proposal_id == proposal_id))
        return stored, rows


def test_support_is_idempotent_and_withdrawable(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    token = cast.token("citizen")
    deltas = []

    def receiver(sender, **kwargs):
        deltas.append(kwargs["delta"])

    signal("proposal.supported").connect(receiver)
    try:
        for _ in range(2):
            response = client.api("POST", f"/proposals/{thread.id}/support", token=token)
            assert response.status_code == 200 and response.get_json() == {"supports": 1, "supported_by_me": True}
        assert client.api("GET", f"/proposals/{thread.id}", token=token).get_json()["supported_by_me"] is True
        for _ in range(2):
            response = client.api("DELETE", f"/proposals/{thread.id}/support", token=token)
            assert response.status_code == 200 and response.get_json() == {"supports": 0, "supported_by_me": False}
    finally:
        signal("proposal.supported").disconnect(receiver)
    assert deltas == [1, -1]
    assert _counts(app, thread.id) == (0, 0)


def test_no_support_on_own_thread_or_when_suspended(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    response = client.api("POST", f"/proposals/{thread.id}/support", token=cast.token("author"))
    assert response.status_code == 403
    suspended = fp.citizen(app, suspended_until=utcnow() + timedelta(days=2), suspension_reason="刷票")
    response = client.api("POST", f"/proposals/{thread.id}/support", token=factories.token(app, suspended))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"
    assert _counts(app, thread.id) == (0, 0)


@pytest.mark.parametrize("state,code", [("open", 200), ("answered", 200), ("reopened", 200), ("closed", 409), ("declined", 409), ("merged", 409)])
def test_which_threads_take_supports(app, client, state, code):
    cast = fp.Cast(app)
    thread = cast.thread(state)
    response = client.api("POST", f"/proposals/{thread.id}/support", token=cast.token("citizen"))
    assert response.status_code == code


def test_locked_threads_take_no_new_supports_but_allow_withdrawal(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    token = cast.token("citizen")
    client.api("POST", f"/proposals/{thread.id}/support", token=token)
    with app.app_context():
        db.session.get(Proposal, thread.id).locked_at = utcnow()
        db.session.commit()
    other = factories.token(app, fp.citizen(app))
    assert client.api("POST", f"/proposals/{thread.id}/support", token=other).status_code == 409
    assert client.api("DELETE", f"/proposals/{thread.id}/support", token=token).get_json()["supports"] == 0


def test_support_button_on_the_page(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    citizen = app.test_client()
    citizen.login(cast.citizen.username)
    html = citizen.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "支持该留言" in html and 'aria-pressed="false"' in html
    citizen.submit(f"/proposals/{thread.id}/support", {"action": "add"})
    html = citizen.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "1 人支持" in html and "撤回支持" in html
    citizen.submit(f"/proposals/{thread.id}/support", {"action": "remove"})
    assert _counts(app, thread.id) == (0, 0)
    author = app.test_client()
    author.login(cast.author.username)
    assert "支持该留言" not in author.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert author.submit(f"/proposals/{thread.id}/support", {"action": "add"}).status_code == 403


def test_merge_moves_supports_without_double_counting(app, client):
    cast = fp.Cast(app)
    source = fp.proposal(app, cast.author, cast.department, title="文三路路灯不亮（重复）")
    target = fp.proposal(app, cast.citizen, cast.department, title="文三路路灯长期不亮")
    both, only_source, only_target = fp.citizen(app), fp.citizen(app), fp.citizen(app)
    for user in (both, only_source):
        fp.support(app, source, user)
    for user in (both, only_target):
        fp.support(app, target, user)
    fp.support(app, source, cast.citizen)  # the target's author supported the duplicate: dropped, not self-support
    assert _counts(app, source.id) == (3, 3) and _counts(app, target.id) == (2, 2)
    response = client.api("POST", f"/proposals/{source.id}/merge", {"into": target.id, "reason": "与第%d号重复" % target.id}, token=cast.token("moderator"))
    assert response.status_code == 200
    body = response.get_json()["proposal"]
    assert body["status"] == "merged" and body["merged_into"] == target.id and body["supports"] == 0
    assert body["timeline"][-1]["kind"] == "merged_into"
    assert _counts(app, source.id) == (0, 0)
    assert _counts(app, target.id) == (3, 3)  # both, only_source, only_target: each once
    with app.app_context():
        supporters = set(db.session.scalars(select(Support.user_id).where(Support.proposal_id == target.id)))
    assert supporters == {both.id, only_source.id, only_target.id}
    target_detail = client.get(f"/api/v1/proposals/{target.id}").get_json()
    assert target_detail["timeline"][-1]["kind"] == "merged_from" and target_detail["timeline"][-1]["data"]["from"] == source.id
    assert "已合并到" in client.get(f"/proposals/{source.id}").get_data(as_text=True)


@pytest.mark.parametrize("into,field_or_code", [("SELF", "into"), ("MISSING", "into"), ("CLOSED", "into"), ("PENDING", "into"), ("abc", "into")])
def test_merge_bad_targets(app, client, into, field_or_code):
    cast = fp.Cast(app)
    source = cast.thread("open")
    targets = {"SELF": source.id, "MISSING": 999999, "abc": "abc"}
    if into == "CLOSED":
        targets[into] = cast.thread("closed").id
    if into == "PENDING":
        targets[into] = cast.thread("pending_review").id
    response = client.api("POST", f"/proposals/{source.id}/merge", {"into": targets[into], "reason": "重复"}, token=cast.token("moderator"))
    assert response.status_code == 400 and field_or_code in response.get_json()["error"]["fields"]
    assert fp.reload(app, source).status == "open"
    response = client.api("POST", f"/proposals/{source.id}/merge", {"into": cast.thread("open").id}, token=cast.token("moderator"))
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]


def _fire(base: str, path: str, tokens: list[str], method: str = "POST") -> list[int]:
    """Send one request per token, all released at the same moment."""
    barrier = threading.Barrier(len(tokens))

    def call(token: str) -> int:
        request = urllib.request.Request(f"{base}/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                json.loads(response.read())
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(call, tokens))


@pytest.mark.slow
def test_twenty_simultaneous_supports_by_one_citizen_leave_one(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    token = cast.token("citizen")
    with threaded_server(app) as base:
        statuses = _fire(base, f"/proposals/{thread.id}/support", [token] * 20)
        assert statuses == [200] * 20
        assert _counts(app, thread.id) == (1, 1)
        statuses = _fire(base, f"/proposals/{thread.id}/support", [token] * 20, method="DELETE")
        assert statuses == [200] * 20
    assert _counts(app, thread.id) == (0, 0)


@pytest.mark.slow
def test_twenty_five_citizens_at_once_leave_twenty_five(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    tokens = [factories.token(app, fp.citizen(app)) for _ in range(25)]
    with threaded_server(app) as base:
        statuses = _fire(base, f"/proposals/{thread.id}/support", tokens)
    assert statuses == [200] * 25
    assert _counts(app, thread.id) == (25, 25)
