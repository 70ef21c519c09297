"""Every role on every action: officer of the right department, officer of another,
citizen, author, moderator and visitor. Refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import isoformat, utcnow
from app.extensions import db
from app.proposals.models import Extension, OfficialAnswer, ProposalEvent, Support
from tests import factories_proposals as fp

ROLES = ("visitor", "citizen", "author", "officer_other", "officer", "moderator")


def _snapshot(app, proposal_id):
    from app.proposals.models import Proposal

    with app.app_context():
        p = db.session.get(Proposal, proposal_id)
        return (
            p.status, p.department_id, p.supports_count, p.next_due_at,
            db.session.scalar(select(func.count(ProposalEvent.id)).where(ProposalEvent.proposal_id == proposal_id)),
            db.session.scalar(select(func.count(OfficialAnswer.id))),
            db.session.scalar(select(func.count(Support.id))),
            db.session.scalar(select(func.count(Extension.id))),
        )


def _until(days=10):
    return isoformat(utcnow() + timedelta(days=days))


# action: (state the thread is in, method, path suffix, body, expected status per role)
ACTIONS = {
    "acknowledge": ("open", "POST", "status", {"status": "acknowledged"},
                    {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 200, "moderator": 200}),
    "decline": ("in_progress", "POST", "status", {"status": "declined", "note": "不属于受理范围"},
                {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 200, "moderator": 200}),
    "close": ("answered", "POST", "status", {"status": "closed"},
              {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 200, "moderator": 200}),
    "answer": ("open", "POST", "answers", {"body": "已收到，正在处理。"},
               {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 201, "moderator": 403}),
    "transfer": ("open", "POST", "transfer", {"department": "OTHER", "reason": "属于住建部门职责"},
                 {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 200, "moderator": 200}),
    "send_back": ("acknowledged", "POST", "send-back", {"reason": "不属于本部门职责"},
                  {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 200, "moderator": 403}),
    "extension": ("open", "POST", "extension", {"until": "UNTIL", "reason": "需要现场核查"},
                  {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 201, "moderator": 403}),
    "merge": ("open", "POST", "merge", {"into": "TARGET", "reason": "重复留言"},
              {"visitor": 401, "citizen": 403, "author": 403, "officer_other": 403, "officer": 403, "moderator": 200}),
    "support": ("open", "POST", "support", None,
                {"visitor": 401, "citizen": 200, "author": 403, "officer_other": 200, "officer": 200, "moderator": 200}),
    "withdraw": ("open", "DELETE", "support", None,
                 {"visitor": 401, "citizen": 200, "author": 200, "officer_other": 200, "officer": 200, "moderator": 200}),
    "rate": ("answered", "POST", "answer-rating", {"rating": "satisfied"},
             {"visitor": 401, "citizen": 403, "author": 200, "officer_other": 403, "officer": 403, "moderator": 403}),
    "reopen": ("answered", "POST", "status", {"status": "reopened"},
               {"visitor": 401, "citizen": 403, "author": 200, "officer_other": 403, "officer": 403, "moderator": 403}),
    "edit": ("open", "PATCH", "", {"title": "更正后的留言标题"},
             {"visitor": 401, "citizen": 403, "author": 200, "officer_other": 403, "officer": 403, "moderator": 403}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_role_on_action(app, client, action, role):
    state, method, suffix, body, expected = ACTIONS[action]
    cast = fp.Cast(app)
    thread = cast.thread(state)
    if action == "reopen":
        fp.rate(app, thread, cast.author, "unsatisfied")
    if body is not None:
        body = dict(body)
        if body.get("department") == "OTHER":
            body["department"] = cast.other_department.slug
        if body.get("until") == "UNTIL":
            body["until"] = _until()
        if body.get("into") == "TARGET":
            body["into"] = fp.proposal(app, cast.citizen, cast.department).id
    before = _snapshot(app, thread.id)
    path = f"/proposals/{thread.id}" + (f"/{suffix}" if suffix else "")
    response = client.api(method, path, body, token=cast.token(role))
    assert response.status_code == expected[role], (action, role, response.get_json())
    if response.status_code >= 400:
        assert _snapshot(app, thread.id) == before


@pytest.mark.parametrize("role,code", [("visitor", 401), ("citizen", 403), ("author", 403), ("officer_other", 403), ("officer", 403), ("moderator", 200)])
def test_role_on_extension_decision(app, client, role, code):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    response = client.api("POST", f"/proposals/{thread.id}/extension", {"until": _until(), "reason": "需要协调多个部门"}, token=cast.token("officer"))
    extension_id = response.get_json()["extension"]["id"]
    response = client.api("POST", f"/extensions/{extension_id}/decision", {"approve": True, "reason": "同意"}, token=cast.token(role))
    assert response.status_code == code
    with app.app_context():
        assert db.session.get(Extension, extension_id).status == ("approved" if code == 200 else "requested")
    listing = client.api("GET", "/extensions", token=cast.token(role))
    assert listing.status_code == (200 if role == "moderator" else code)


@pytest.mark.parametrize("role,code", [("visitor", 401), ("citizen", 403), ("author", 403), ("officer_other", 403), ("officer", 200), ("moderator", 403)])
def test_role_on_answer_edit(app, client, role, code):
    cast = fp.Cast(app)
    thread = cast.thread("answered")
    detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
    answer_id = detail["official_answers"][0]["id"]
    response = client.api("PATCH", f"/proposals/{thread.id}/answers/{answer_id}", {"body": "更正后的答复内容"}, token=cast.token(role))
    assert response.status_code == code
    answers = client.get(f"/api/v1/proposals/{thread.id}").get_json()["official_answers"]
    assert len(answers[0]["revisions"]) == (2 if code == 200 else 1)


def test_suspended_staff_cannot_act(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    with app.app_context():
        from app.accounts.models import User

        db.session.get(User, cast.officer.id).suspended_until = utcnow() + timedelta(days=1)
        db.session.commit()
    response = client.api("POST", f"/proposals/{thread.id}/status", {"status": "acknowledged"}, token=cast.token("officer"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"


def test_page_forms_follow_the_same_rules(app):
    """The thread page's forms refuse the wrong people too (403 page, nothing changed)."""
    cast = fp.Cast(app)
    thread = cast.thread("open")
    other = app.test_client()
    other.login(cast.other_officer.username)
    before = _snapshot(app, thread.id)
    assert other.submit(f"/proposals/{thread.id}/status", {"status": "acknowledged"}).status_code == 403
    assert other.submit(f"/proposals/{thread.id}/answers", {"body": "越权答复"}).status_code == 403
    assert other.submit(f"/proposals/{thread.id}/send-back", {"reason": "x"}).status_code == 403
    assert _snapshot(app, thread.id) == before
    visitor = app.test_client()
    response = visitor.submit(f"/proposals/{thread.id}/support", {"action": "add"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    officer = app.test_client()
    officer.login(cast.officer.username)
    response = officer.submit(f"/proposals/{thread.id}/status", {"status": "acknowledged"})
    assert response.status_code == 303
    assert fp.reload(app, thread).status == "acknowledged"
    response = officer.submit(f"/proposals/{thread.id}/status", {"status": "closed"})  # forbidden transition
    assert response.status_code == 303
    assert "不能改为" in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert fp.reload(app, thread).status == "acknowledged"
