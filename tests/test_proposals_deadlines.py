"""Deadlines in working days, overdue marking, escalation, hand-overs with stints, extensions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.events import signal
from app.extensions import db
from app.proposals.models import Assignment
from tests import factories
from tests import factories_proposals as fp

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def _stints(app, proposal_id):
    with app.app_context():
        rows = db.session.scalars(select(Assignment).where(Assignment.proposal_id == proposal_id).order_by(Assignment.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_deadlines_skip_the_weekend(app, client):
    cast = fp.Cast(app)
    with time_machine.travel(sh(2026, 11, 20, 10, 0), tick=False):  # a Friday
        thread = cast.thread("open")
    assert thread.ack_due_at == sh(2026, 11, 24, 10, 0)  # Tuesday
    assert thread.answer_due_at == sh(2026, 11, 27, 10, 0)  # next Friday
    assert thread.close_due_at == sh(2026, 12, 11, 10, 0)  # three weeks later
    assert thread.next_due_at == thread.ack_due_at
    with time_machine.travel(sh(2026, 11, 21, 15, 0), tick=False):  # raised on a Saturday
        weekend = cast.thread("open")
    assert weekend.ack_due_at == sh(2026, 11, 25, 0, 0)  # end of Tuesday


def test_department_settings_and_overdue_marking(app, client):
    cast = fp.Cast(app)
    quick = factories.department(app, slug="quick-dept", ack_days=1, answer_days=3, close_days=10)
    officer = factories.user(app, role="officer", department=quick)
    with time_machine.travel(sh(2026, 11, 20, 10, 0), tick=False):
        thread = fp.proposal(app, cast.author, quick)
    assert thread.ack_due_at == sh(2026, 11, 23, 10, 0)
    with time_machine.travel(sh(2026, 11, 23, 9, 59), tick=False):
        assert client.get(f"/api/v1/proposals/{thread.id}").get_json()["overdue"] is False
        assert client.get("/api/v1/proposals?overdue=1").get_json()["total"] == 0
    with time_machine.travel(sh(2026, 11, 23, 10, 1), tick=False):
        assert client.get(f"/api/v1/proposals/{thread.id}").get_json()["overdue"] is True
        listed = client.get("/api/v1/proposals?overdue=1").get_json()
        assert [item["id"] for item in listed["items"]] == [thread.id] and listed["items"][0]["overdue"] is True
        assert "逾期" in client.get("/proposals").get_data(as_text=True)
        assert "逾期" in client.get(f"/proposals/{thread.id}").get_data(as_text=True)
        assert "逾期" in client.get(f"/departments/{quick.slug}").get_data(as_text=True)
        assert "逾期" in client.get("/").get_data(as_text=True)
        fp.status(app, thread, officer, "acknowledged")  # late: the next deadline is the answer
        detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
        assert detail["overdue"] is False and detail["deadlines"]["pending"] == "answer"
    stint = _stints(app, thread.id)[0]
    assert stint.ack_missed is True and stint.acknowledged_at is not None and stint.answer_missed is None
    with time_machine.travel(sh(2026, 11, 24, 12, 0), tick=False):
        fp.answer(app, thread, officer)
    stint = _stints(app, thread.id)[0]
    assert stint.answer_missed is False
    assert fp.reload(app, thread).next_due_at == sh(2026, 12, 4, 10, 0)  # closing: 10 working days
    with time_machine.travel(sh(2026, 11, 25, 12, 0), tick=False):
        closed = fp.status(app, thread, officer, "closed")
    assert closed.next_due_at is None and _stints(app, thread.id)[0].close_missed is False


@pytest.fixture
def low_threshold(app):
    app.config["ESCALATION_THRESHOLD"] = 3
    yield 3
    app.config["ESCALATION_THRESHOLD"] = 100


def test_escalation_at_the_threshold(app, client, low_threshold):
    cast = fp.Cast(app)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender.id, kwargs["supports"]))

    signal("proposal.escalated").connect(receiver)
    try:
        with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False):  # Monday
            thread = cast.thread("open")
        assert thread.answer_due_at == sh(2026, 11, 30, 9, 0)
        supporters = [fp.citizen(app) for _ in range(3)]
        with time_machine.travel(sh(2026, 11, 24, 9, 0), tick=False):  # Tuesday
            for supporter in supporters[:2]:
                fp.support(app, thread, supporter)
            assert fp.reload(app, thread).escalated_at is None
            fp.support(app, thread, supporters[2])
        escalated = fp.reload(app, thread)
        assert escalated.escalated_at is not None
        assert escalated.answer_due_at == sh(2026, 11, 27, 9, 0)  # min(Monday 30th, Tuesday + 3 working days)
        assert received == [(thread.id, 3)]
        # withdrawing and supporting again does not escalate twice
        token = factories.token(app, supporters[0])
        client.api("DELETE", f"/proposals/{thread.id}/support", token=token)
        client.api("POST", f"/proposals/{thread.id}/support", token=token)
        assert received == [(thread.id, 3)]
        detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
        assert detail["escalated"] is True
        assert [e["kind"] for e in detail["timeline"]].count("escalated") == 1
        assert client.get("/api/v1/proposals").get_json()["items"][0]["escalated"] is True
        assert "已升级督办" in client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    finally:
        signal("proposal.escalated").disconnect(receiver)


def test_escalation_never_lengthens_the_answer_deadline(app, low_threshold):
    cast = fp.Cast(app)
    quick = factories.department(app, slug="fast-dept", answer_days=1)
    with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False):
        thread = fp.proposal(app, cast.author, quick)
        for _ in range(3):
            fp.support(app, thread, fp.citizen(app))
    assert fp.reload(app, thread).answer_due_at == sh(2026, 11, 24, 9, 0)


def test_transfer_send_back_and_reroute_with_stints(app, client):
    cast = fp.Cast(app)
    officer_b = cast.other_officer
    with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False):  # Monday
        thread = cast.thread("open")
    with time_machine.travel(sh(2026, 11, 25, 12, 0), tick=False):  # Wednesday noon: acknowledgement was due at 9:00
        response = client.api("POST", f"/proposals/{thread.id}/transfer",
                              {"department": cast.other_department.slug, "reason": "属于住建部门职责"}, token=cast.token("officer"))
        assert response.status_code == 200
        body = response.get_json()["proposal"]
        assert body["department"] == cast.other_department.slug and body["status"] == "open"
        assert body["deadlines"]["acknowledge"] == "2026-11-27T12:00:00+08:00"
        assert body["timeline"][-1]["kind"] == "transferred" and body["timeline"][-1]["note"] == "属于住建部门职责"
    first, second = _stints(app, thread.id)
    assert (first.department_id, first.end_reason, first.ack_missed, first.answer_missed) == (cast.department.id, "transferred", True, False)
    assert second.department_id == cast.other_department.id and second.ended_at is None
    assert second.ack_due_at == sh(2026, 11, 27, 12, 0)
    # the giving department can no longer act; the receiving one can
    assert client.api("POST", f"/proposals/{thread.id}/status", {"status": "acknowledged"}, token=cast.token("officer")).status_code == 403
    officer_b_token = factories.token(app, officer_b)
    assert client.api("POST", f"/proposals/{thread.id}/status", {"status": "acknowledged"}, token=officer_b_token).status_code == 200
    with time_machine.travel(sh(2026, 11, 26, 10, 0), tick=False):
        response = client.api("POST", f"/proposals/{thread.id}/send-back", {"reason": "不属于本部门职责"}, token=officer_b_token)
    assert response.status_code == 200
    body = response.get_json()["proposal"]
    assert body["department"] is None and body["status"] == "open" and body["next_due_at"] is None
    assert body["timeline"][-1]["kind"] == "sent_back"
    assert [i["id"] for i in client.get("/api/v1/proposals?department=unsure").get_json()["items"]] == [thread.id]
    assert _stints(app, thread.id)[1].end_reason == "sent_back"
    # the moderator settles the dispute: routing a thread without department needs no reason
    with time_machine.travel(sh(2026, 11, 26, 11, 0), tick=False):
        response = client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.department.slug}, token=cast.token("moderator"))
    assert response.status_code == 200 and response.get_json()["proposal"]["timeline"][-1]["kind"] == "routed"
    # re-routing from a department needs a reason
    response = client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.other_department.slug}, token=cast.token("moderator"))
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]
    response = client.api("POST", f"/proposals/{thread.id}/transfer",
                          {"department": cast.other_department.slug, "reason": "经协调由住建部门办理"}, token=cast.token("moderator"))
    assert response.status_code == 200
    stints = _stints(app, thread.id)
    assert [s.end_reason for s in stints] == ["transferred", "sent_back", "rerouted", None]
    assert [s.department_id for s in stints] == [cast.department.id, cast.other_department.id, cast.department.id, cast.other_department.id]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"department": "no-such", "reason": "r"}, "department"),
        ({"department": "SAME", "reason": "r"}, "department"),
        ({"department": "unsure", "reason": "r"}, "department"),
        ({"department": "OTHER"}, "reason"),
        ({"department": "OTHER", "reason": "  "}, "reason"),
        ({"department": "OTHER", "reason": "r" * 2001}, "reason"),
        ({"department": 5, "reason": "r"}, "department"),
        ({"reason": "r"}, "department"),
    ],
)
def test_transfer_bad_input(app, client, body, field):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    body = dict(body)
    body["department"] = {"SAME": cast.department.slug, "OTHER": cast.other_department.slug}.get(body.get("department"), body.get("department"))
    if body["department"] is None:
        body.pop("department")
    response = client.api("POST", f"/proposals/{thread.id}/transfer", body, token=cast.token("officer"))
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
    assert fp.reload(app, thread).department_id == cast.department.id and len(_stints(app, thread.id)) == 1


@pytest.mark.parametrize("state", ["answered", "closed", "declined", "merged"])
def test_answered_or_finished_threads_do_not_change_hands(app, client, state):
    cast = fp.Cast(app)
    thread = cast.thread(state)
    response = client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.other_department.slug, "reason": "r"}, token=cast.token("moderator"))
    assert response.status_code == 409
    response = client.api("POST", f"/proposals/{thread.id}/send-back", {"reason": "r"}, token=cast.token("officer"))
    assert response.status_code in (403, 409)


def test_extension_request_and_decision(app, client):
    cast = fp.Cast(app)
    with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False):
        thread = cast.thread("acknowledged")  # the answer is due Monday 30th 9:00
    officer = cast.token("officer")
    moderator = cast.token("moderator")
    with time_machine.travel(sh(2026, 11, 24, 9, 0), tick=False):
        for body, field in (
            ({"until": "2026-11-20T10:00:00+08:00", "reason": "r"}, "until"),  # past
            ({"until": "2026-11-27T10:00:00+08:00", "reason": "r"}, "until"),  # before the current deadline
            ({"until": "next week", "reason": "r"}, "until"),
            ({"until": 5, "reason": "r"}, "until"),
            ({"until": "2026-12-10T18:00:00+08:00"}, "reason"),
            ({"until": "2026-12-10T18:00:00+08:00", "reason": ""}, "reason"),
        ):
            response = client.api("POST", f"/proposals/{thread.id}/extension", body, token=officer)
            assert response.status_code == 400 and field in response.get_json()["error"]["fields"], body
        response = client.api("POST", f"/proposals/{thread.id}/extension",
                              {"until": "2026-12-10T18:00:00+08:00", "reason": "需要现场勘查"}, token=officer)
        assert response.status_code == 201
        extension = response.get_json()["extension"]
        assert extension["status"] == "requested" and extension["milestone"] == "answer"
        again = client.api("POST", f"/proposals/{thread.id}/extension", {"until": "2026-12-11T18:00:00+08:00", "reason": "再次"}, token=officer)
        assert again.status_code == 409
        for body, field in (({"approve": "yes", "reason": "r"}, "approve"), ({"approve": True}, "reason")):
            response = client.api("POST", f"/extensions/{extension['id']}/decision", body, token=moderator)
            assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
        response = client.api("POST", f"/extensions/{extension['id']}/decision", {"approve": True, "reason": "情况属实"}, token=moderator)
        assert response.status_code == 200 and response.get_json()["extension"]["status"] == "approved"
        assert client.api("POST", f"/extensions/{extension['id']}/decision", {"approve": False, "reason": "x"}, token=moderator).status_code == 409
    detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
    assert detail["deadlines"]["answer"] == "2026-12-10T18:00:00+08:00" and detail["next_due_at"] == "2026-12-10T18:00:00+08:00"
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds[-2:] == ["extension_requested", "extension_decided"]
    assert detail["timeline"][-2]["note"] == "需要现场勘查" and detail["timeline"][-1]["note"] == "情况属实"
    assert _stints(app, thread.id)[0].answer_due_at == sh(2026, 12, 10, 18, 0)
    page = client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "需要现场勘查" in page and "已批准" in page


def test_refused_extension_keeps_the_deadline_and_finished_threads_get_none(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    before = thread.next_due_at
    response = client.api("POST", f"/proposals/{thread.id}/extension", {"until": "2099-01-01T00:00:00+08:00", "reason": "事情复杂"}, token=cast.token("officer"))
    extension_id = response.get_json()["extension"]["id"]
    response = client.api("POST", f"/extensions/{extension_id}/decision", {"approve": False, "reason": "理由不充分"}, token=cast.token("moderator"))
    assert response.status_code == 200
    assert fp.reload(app, thread).next_due_at == before
    closed = cast.thread("closed")
    response = client.api("POST", f"/proposals/{closed.id}/extension", {"until": "2099-01-01T00:00:00+08:00", "reason": "r"}, token=cast.token("officer"))
    assert response.status_code == 409


def test_extension_pages(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    officer = app.test_client()
    officer.login(cast.officer.username)
    html = officer.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert 'name="until"' in html
    response = officer.submit(f"/proposals/{thread.id}/extension", {"until": "2099-01-02T10:00", "reason": "需要协调"})
    assert response.status_code == 303
    moderator = app.test_client()
    moderator.login(cast.moderator.username)
    html = moderator.get("/proposals/extensions").get_data(as_text=True)
    assert "需要协调" in html
    with app.app_context():
        from app.proposals.models import Extension

        extension_id = db.session.scalar(select(Extension.id))
    response = moderator.submit(f"/proposals/extensions/{extension_id}/decision", {"approve": "1", "reason": "同意"})
    assert response.status_code == 303
    assert fp.reload(app, thread).next_due_at == sh(2099, 1, 2, 10, 0)
    assert "没有待审核的申请" in moderator.get("/proposals/extensions").get_data(as_text=True)
    assert officer.get("/proposals/extensions").status_code == 403
    assert app.test_client().get("/proposals/extensions").status_code == 401
