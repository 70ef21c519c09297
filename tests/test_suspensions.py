"""Suspensions and bans: reason required; the account sees why and until when; it cannot post
threads, comments, supports, votes, ratings or flags; lifting; who may suspend whom; audit."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.clock import utcnow
from app.extensions import db
from tests import factories
from tests import factories_campaigns as fc
from tests import factories_moderation as fm

SUSPENDED = "您的账号已被暂停使用，直至"


def _suspend(client, token, user_id, **body):
    return client.api("POST", f"/moderation/users/{user_id}/suspension", body, token=token)


def test_suspension_blocks_every_kind_of_participation_with_its_message(app, client):
    s = fm.Scene(app)
    service = factories.service(app, s.cast.department)
    case = fc.case(app, s.cast.other_department)
    campaign = fc.campaign(app, [case, fc.case(app, s.cast.other_department)])
    comment = fm.comment(app, s.citizens[1], s.thread)
    target = s.citizens[0]
    token = factories.token(app, target)
    moderator = factories.token(app, s.moderator)
    response = _suspend(client, moderator, target.id, days=7)
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]
    for bad in (0, 4000, "7"):
        response = _suspend(client, moderator, target.id, days=bad, reason="刷屏")
        assert response.status_code == 400 and "days" in response.get_json()["error"]["fields"], bad
    response = _suspend(client, moderator, target.id, days=7, reason="多次发布广告")
    assert response.status_code == 200
    suspension = response.get_json()["suspension"]
    assert suspension["suspended"] is True and suspension["banned"] is False and suspension["reason"] == "多次发布广告"
    calls = [
        ("POST", "/proposals", {"kind": "suggestion", "title": "暂停期间的留言", "body": "暂停期间还能发帖吗？试一试。", "department": s.cast.department.slug}),
        ("POST", f"/proposals/{s.thread.id}/comments", {"body": "暂停期间的评论"}),
        ("POST", f"/proposals/{s.thread.id}/support", None),
        ("POST", f"/campaigns/{campaign.id}/votes", {"case_id": case.id}),
        ("POST", f"/services/{service.id}/ratings", {"score": 5}),
        ("POST", "/flags", {"target_type": "comment", "target_id": comment.id, "reason": "spam"}),
    ]
    for method, path, body in calls:
        response = client.api(method, path, body, token=token)
        assert response.status_code == 403, path
        error = response.get_json()["error"]
        assert error["code"] == "suspended" and SUSPENDED in error["message"] and "多次发布广告" in error["message"], path
    page = app.test_client()
    page.login(target.username)
    html = page.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert SUSPENDED in html and "多次发布广告" in html and 'id="comment-body"' not in html
    response = page.submit(f"/comments/proposal/{s.thread.id}", {"body": "试试"})
    assert response.status_code == 403 and SUSPENDED in response.get_data(as_text=True)
    response = page.submit("/proposals/new", {"kind": "suggestion", "title": "暂停期间的留言", "body": "暂停期间还能发帖吗？试一试。",
                                              "department": s.cast.department.slug}, form_page="/proposals/new")
    assert response.status_code == 403 and SUSPENDED in response.get_data(as_text=True)
    # the notification tells them too
    assert "多次发布广告" in page.get("/notifications").get_data(as_text=True)
    # after the period the account takes part again
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "期满了"}, token=token).status_code == 201


def test_ban_and_lift_with_audit_entries(app, client):
    s = fm.Scene(app)
    target = s.citizens[0]
    moderator = factories.token(app, s.moderator)
    assert client.api("DELETE", f"/moderation/users/{target.id}/suspension", token=moderator).status_code == 409
    response = _suspend(client, moderator, target.id, ban=True, reason="发布违法信息")
    assert response.status_code == 200 and response.get_json()["suspension"]["banned"] is True
    assert _suspend(client, moderator, target.id, ban=True, reason="再次").status_code == 409
    assert _suspend(client, moderator, target.id, days=3, reason="改为暂停").status_code == 409
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "被封了"}, token=factories.token(app, target))
    assert response.status_code == 403 and "您的账号已被封禁" in response.get_json()["error"]["message"]
    response = client.api("DELETE", f"/moderation/users/{target.id}/suspension?reason=申诉成立", token=moderator)
    assert response.status_code == 200 and response.get_json()["suspension"]["suspended"] is False
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "解封了"}, token=factories.token(app, target)).status_code == 201
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_user_id == target.id).order_by(AuditEntry.id)).all()
        assert [(e.action, e.actor_id, e.target_type, e.target_id, e.reason) for e in entries] == [
            ("user.ban", s.moderator.id, "user", target.id, "发布违法信息"),
            ("user.lift", s.moderator.id, "user", target.id, "申诉成立"),
        ]
        assert entries[0].before == {"suspended_until": None, "banned": False} and entries[0].after["banned"] is True


def test_who_may_suspend_whom(app, client):
    s = fm.Scene(app)
    moderator = factories.token(app, s.moderator)
    other_moderator = factories.user(app, role="moderator")
    admin = factories.user(app, role="admin")
    assert _suspend(client, moderator, s.officer.id, days=1, reason="officers too").status_code == 200
    assert _suspend(client, moderator, other_moderator.id, days=1, reason="x").status_code == 403
    assert _suspend(client, moderator, admin.id, days=1, reason="x").status_code == 403
    assert _suspend(client, moderator, s.moderator.id, days=1, reason="x").status_code == 403
    assert _suspend(client, factories.token(app, admin), other_moderator.id, days=1, reason="管理员可以").status_code == 200
    assert _suspend(client, moderator, 999999, days=1, reason="x").status_code == 404


def test_the_account_page_suspends_and_lifts_and_shows_the_history(app):
    s = fm.Scene(app)
    target = s.citizens[0]
    fm.comment(app, target, s.thread, "这个账号写过的评论")
    page = app.test_client()
    page.login(s.moderator.username)
    html = page.get(f"/moderation/users/{target.id}").get_data(as_text=True)
    assert "这个账号写过的评论" in html and "注册时长" in html and "曾被暂停" in html
    response = page.submit(f"/moderation/users/{target.id}/suspension", {"mode": "suspend", "days": "3", "reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.get_data(as_text=True)
    response = page.submit(f"/moderation/users/{target.id}/suspension", {"mode": "suspend", "days": "3", "reason": "恶意刷屏"})
    assert response.status_code == 303
    html = page.get(f"/moderation/users/{target.id}").get_data(as_text=True)
    assert "恶意刷屏" in html and "解除暂停" in html and "暂停账号" in html
    response = page.submit(f"/moderation/users/{target.id}/lift", {"lift_reason": "已改正"})
    assert response.status_code == 303
    html = page.get(f"/moderation/users/{target.id}").get_data(as_text=True)
    assert "解除暂停" in html and "恶意刷屏" in html  # the history stays
    page.submit(f"/moderation/users/{target.id}/suspension", {"mode": "ban", "reason": "屡教不改"})
    assert "您的账号已被封禁" in page.get(f"/moderation/users/{target.id}").get_data(as_text=True)
    # the queue shows the author's past suspensions
    from app.moderation.accounts import histories

    with app.app_context():
        assert histories([target.id])[target.id]["suspensions"] == 2
