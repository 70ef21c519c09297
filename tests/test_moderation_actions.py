"""Moderators' actions on threads, comments and cases (API and pages), each with its audit entry;
pre-moderation of new accounts; officers' actions are audited too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from tests import factories
from tests import factories_campaigns as fc
from tests import factories_moderation as fm
from tests import factories_proposals as fp


def _act(client, token, target_type, target_id, action, reason=None):
    body = {"action": action}
    if reason is not None:
        body["reason"] = reason
    return client.api("POST", f"/moderation/{target_type}/{target_id}", body, token=token)


def _entries(app, action=None):
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return [
            {"actor_id": e.actor_id, "actor_role": e.actor_role, "action": e.action, "target": (e.target_type, e.target_id),
             "reason": e.reason, "before": e.before, "after": e.after, "subject": e.subject_user_id, "at": e.created_at}
            for e in db.session.scalars(query)
        ]


@pytest.mark.parametrize("target_type", ["proposal", "comment", "case"])
def test_hide_and_restore_every_kind_with_audit_and_a_public_reason(app, client, target_type):
    s = fm.Scene(app)
    if target_type == "proposal":
        item, author, url = s.thread, s.author, f"/proposals/{s.thread.id}"
    elif target_type == "comment":
        item = fm.comment(app, s.citizens[0], s.thread, "待处理的评论")
        author, url = s.citizens[0], f"/proposals/{s.thread.id}"
    else:
        item = fc.case(app, s.cast.department, author=s.officer)
        author, url = s.officer, f"/cases/{item.id}"
    token = factories.token(app, s.moderator)
    response = _act(client, token, target_type, item.id, "hide")
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]
    response = _act(client, token, target_type, item.id, "hide", "含有广告，电话13812345678")
    assert response.status_code == 200
    data = response.get_json()["item"]
    assert data["hidden"] is True and data["hidden_reason"] == "含有广告，电话138****5678"
    assert _act(client, token, target_type, item.id, "hide", "再次").status_code == 409
    html = client.get(url).get_data(as_text=True)
    assert "含有广告，电话138****5678" in html and "13812345678" not in html
    [entry] = _entries(app, "moderation.hide")
    assert entry["actor_id"] == s.moderator.id and entry["actor_role"] == "moderator"
    assert entry["target"] == (target_type, item.id) and entry["reason"] == "含有广告，电话13812345678"
    assert entry["before"]["hidden"] is False and entry["after"]["hidden"] is True and entry["subject"] == author.id
    response = _act(client, token, target_type, item.id, "restore", "复核后恢复")
    assert response.status_code == 200 and response.get_json()["item"]["hidden"] is False
    assert _act(client, token, target_type, item.id, "restore").status_code == 409
    [entry] = _entries(app, "moderation.restore")
    assert entry["before"]["hidden"] is True and entry["after"]["hidden"] is False and entry["reason"] == "复核后恢复"
    with app.app_context():
        kinds = [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == author.id,
                                                                               Notification.kind.like("moderation.%")))]
        assert kinds == ["moderation.hidden", "moderation.restored"]


def test_lock_unlock_pin_unpin_and_what_each_kind_supports(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    case = fc.case(app, s.cast.department)
    token = factories.token(app, s.moderator)
    for action in ("lock", "unlock", "pin", "unpin"):
        response = _act(client, token, "proposal", s.thread.id, action)
        assert response.status_code == 200, action
        assert _act(client, token, "proposal", s.thread.id, action).status_code == 409, action
        [entry] = _entries(app, f"moderation.{action}")
        assert entry["target"] == ("proposal", s.thread.id) and entry["actor_id"] == s.moderator.id
    before, after = _entries(app, "moderation.pin")[0]["before"], _entries(app, "moderation.pin")[0]["after"]
    assert before["pinned"] is False and after["pinned"] is True
    for action in ("lock", "pin"):
        response = _act(client, token, "comment", comment.id, action)
        assert response.status_code == 400 and "action" in response.get_json()["error"]["fields"]
    assert _act(client, token, "case", case.id, "lock").status_code == 200
    assert _act(client, token, "case", case.id, "pin").status_code == 400
    response = client.api("POST", f"/cases/{case.id}/comments", {"body": "锁定了吗"}, token=factories.token(app, s.citizens[0]))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "locked"
    for bad_type in ("answer", "user"):
        assert _act(client, token, bad_type, 1, "hide", "x").status_code == 400
    assert _act(client, token, "proposal", s.thread.id, "explode").status_code == 400
    assert _act(client, token, "proposal", 999999, "hide", "x").status_code == 404
    assert client.api("POST", f"/moderation/proposal/{s.thread.id}", {"action": "lock", "reason": 5}, token=token).status_code == 400


def test_a_pinned_thread_comes_first_in_the_list(app, client):
    s = fm.Scene(app)
    newer = fp.proposal(app, s.author, s.cast.department, title="后来提出的留言标题")
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "pin")
    items = client.get("/api/v1/proposals").get_json()["items"]
    assert [i["id"] for i in items][:2] == [s.thread.id, newer.id] and items[0]["pinned"] is True


def test_new_accounts_wait_in_the_queue_and_approval_publishes_and_builds_trust(app, client):
    s = fm.Scene(app)
    newcomer = factories.user(app, role="citizen")
    token = factories.token(app, newcomer)
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "新用户的第一条评论"}, token=token)
    assert response.status_code == 201 and response.get_json()["comment"]["status"] == "pending"
    comment_id = response.get_json()["comment"]["id"]
    # only the author and moderators see it
    assert client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["total"] == 0
    assert "新用户的第一条评论" not in client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    own = client.get(f"/api/v1/proposals/{s.thread.id}/comments", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert own["total"] == 1 and own["items"][0]["status"] == "pending"
    author_page = app.test_client()
    author_page.login(newcomer.username)
    html = author_page.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert "新用户的第一条评论" in html and "待审核" in html
    assert fp.reload(app, s.thread).comments_count == 0
    with app.app_context():
        assert not db.session.scalars(select(Notification).where(Notification.kind == "comment.created")).all()
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    html = moderator.get("/moderation").get_data(as_text=True)
    assert f"queue-comment-{comment_id}" in html and "新账号" in html and "新用户的第一条评论" in html
    response = moderator.submit(f"/moderation/comment/{comment_id}", {"action": "approve", "next": "/moderation"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/moderation")
    assert client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["items"][0]["status"] == "published"
    assert fp.reload(app, s.thread).comments_count == 1
    [entry] = _entries(app, "moderation.approve")
    assert entry["target"] == ("comment", comment_id) and entry["before"]["status"] == "pending" and entry["after"]["status"] == "published"
    with app.app_context():
        assert db.session.get(User, newcomer.id).approved_posts == 1
        assert db.session.scalars(select(Notification).where(Notification.kind == "comment.created")).all()
    assert _act(client, factories.token(app, s.moderator), "comment", comment_id, "approve").status_code == 409
    # a second approved post makes the account trusted: its next comment is published at once
    second = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第二条"}, token=token).get_json()["comment"]
    assert second["status"] == "pending"
    fm.moderate(app, s.moderator, "comment", second["id"], "approve")
    third = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第三条"}, token=token).get_json()["comment"]
    assert third["status"] == "published"


def test_approving_a_pending_thread_goes_through_the_state_machine(app, client):
    cast = fp.Cast(app)
    pending = cast.thread("pending_review")
    response = _act(client, factories.token(app, cast.moderator), "proposal", pending.id, "approve")
    assert response.status_code == 200 and response.get_json()["item"]["status"] == "open"
    [entry] = _entries(app, "proposal.status")
    assert entry["before"] == {"status": "pending_review"} and entry["after"] == {"status": "open"}
    timeline = client.get(f"/api/v1/proposals/{pending.id}").get_json()["timeline"]
    assert timeline[-1]["from_status"] == "pending_review" and timeline[-1]["to_status"] == "open"


def test_approving_a_submitted_case_publishes_it(app, client):
    department = factories.department(app)
    case = fc.case(app, department, status="submitted")
    moderator = factories.user(app, role="moderator")
    response = _act(client, factories.token(app, moderator), "case", case.id, "approve")
    assert response.status_code == 200 and response.get_json()["item"]["status"] == "published"
    assert _entries(app, "case.publish")[0]["actor_id"] == moderator.id


def test_page_actions_from_the_thread_page(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "要隐藏的评论")
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    page = f"/proposals/{s.thread.id}"
    html = moderator.get(page).get_data(as_text=True)
    assert 'id="moderation"' in html and 'value="lock"' in html and 'value="pin"' in html
    assert f'id="moderate-reason-{comment.id}"' in html
    response = moderator.submit(f"/moderation/comment/{comment.id}", {"action": "hide", "reason": "", "next": page})
    assert response.status_code == 303
    assert "请填写理由" in moderator.get(response.headers["Location"]).get_data(as_text=True)
    response = moderator.submit(f"/moderation/comment/{comment.id}", {"action": "hide", "reason": "人身攻击", "next": page})
    assert response.status_code == 303
    html = app.test_client().get(page).get_data(as_text=True)
    assert "人身攻击" in html and "要隐藏的评论" not in html and "已被版主隐藏" in html
    response = moderator.submit(f"/moderation/proposal/{s.thread.id}", {"action": "lock", "next": page + "#moderation"})
    assert response.status_code == 303 and fp.reload(app, s.thread).locked_at is not None
    # an unsafe "next" never leads off the site
    response = moderator.submit(f"/moderation/proposal/{s.thread.id}", {"action": "unlock", "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/moderation")


def test_merge_and_route_from_the_queue_use_the_proposals_services(app):
    cast = fp.Cast(app)
    unrouted = fp.proposal(app, cast.author, unsure=True)
    duplicate = fp.proposal(app, cast.author, unsure=True, title="重复的留言标题内容")
    target = cast.thread("open")
    moderator = app.test_client()
    moderator.login(cast.moderator.username)
    html = moderator.get("/moderation?tab=routing").get_data(as_text=True)
    assert f"queue-proposal-{unrouted.id}" in html and f"queue-proposal-{duplicate.id}" in html
    response = moderator.submit(f"/moderation/proposals/{unrouted.id}/route",
                                {"department": cast.department.slug, "next": "/moderation?tab=routing"})
    assert response.status_code == 303
    assert fp.reload(app, unrouted).department_id == cast.department.id
    response = moderator.submit(f"/moderation/proposals/{duplicate.id}/merge",
                                {"into": str(target.id), "reason": "", "next": "/moderation?tab=routing"})
    assert "理由" in moderator.get(response.headers["Location"]).get_data(as_text=True)
    moderator.submit(f"/moderation/proposals/{duplicate.id}/merge", {"into": str(target.id), "reason": "同一问题"})
    assert fp.reload(app, duplicate).merged_into_id == target.id
    assert [e["action"] for e in _entries(app) if e["target"][1] in (unrouted.id, duplicate.id)][-2:] == ["proposal.route", "proposal.merge"]
    html = moderator.get("/moderation?tab=routing").get_data(as_text=True)
    assert f"queue-proposal-{unrouted.id}" not in html and f"queue-proposal-{duplicate.id}" not in html
    citizen = app.test_client()
    citizen.login(cast.citizen.username)
    assert citizen.submit(f"/moderation/proposals/{target.id}/merge", {"into": "1", "reason": "x"}).status_code == 403


def test_officers_actions_are_audited(app):
    """Every officer action on a thread writes an audit entry (who, what, target, why, before/after)."""
    cast = fp.Cast(app)
    thread = cast.thread("open")
    fp.status(app, thread, cast.officer, "acknowledged")
    fp.answer(app, thread, cast.officer)
    other = cast.thread("in_progress")
    from app.proposals.routing import send_back, transfer

    fp.act(app, transfer, other, cast.officer, cast.other_department.slug, "属于住建部门职责")
    fp.act(app, send_back, other, cast.other_officer, "不属于本部门")
    from app.clock import utcnow
    from app.proposals.extension_requests import request_extension
    from datetime import timedelta

    waiting = cast.thread("acknowledged")
    fp.act(app, request_extension, waiting, cast.officer, utcnow() + timedelta(days=30), "需要现场核查")
    actions = [(e["action"], e["actor_role"]) for e in _entries(app) if e["actor_role"] == "officer"]
    assert ("proposal.status", "officer") in actions and ("proposal.answer", "officer") in actions
    assert ("proposal.transfer", "officer") in actions and ("proposal.send_back", "officer") in actions
    assert ("proposal.extension_request", "officer") in actions
    for entry in _entries(app):
        if entry["actor_role"] == "officer":
            assert entry["at"] is not None and entry["target"][1] is not None
