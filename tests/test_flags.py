"""Flags: every rule (own content, once per account, reasons, visitors, suspended accounts),
auto-hide at three distinct accounts, official content never hidden by flags, system flags."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.moderation.models import Flag
from app.notifications.models import Notification
from app.search.models import SearchDocument
from tests import factories
from tests import factories_campaigns as fc
from tests import factories_moderation as fm
from tests import factories_proposals as fp

HIDDEN_BY_FLAGS = "已因多次举报暂时隐藏，等待审核"


def _flag(client, token, target_type, target_id, reason="spam", **extra):
    return client.api("POST", "/flags", {"target_type": target_type, "target_id": target_id, "reason": reason, **extra}, token=token)


def test_flag_rules(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "买发票加微信")
    author = factories.token(app, s.citizens[0])
    flagger = factories.token(app, s.citizens[1])
    response = _flag(client, author, "comment", comment.id)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "own_content"
    response = _flag(client, flagger, "comment", comment.id, "spam", note="广告")
    assert response.status_code == 201
    flag = response.get_json()["flag"]
    assert flag["reason"] == "spam" and flag["note"] == "广告" and flag["target_id"] == comment.id
    response = _flag(client, flagger, "comment", comment.id, "abuse")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_flagged"
    for bad, field in (({"reason": "ugly"}, "reason"), ({"note": "x" * 501}, "note"), ({"target_type": "answer"}, "target_type"),
                       ({"target_id": "1"}, "target_id")):
        body = {"target_type": "comment", "target_id": comment.id, "reason": "spam", **bad}
        response = client.api("POST", "/flags", body, token=factories.token(app, s.citizens[2]))
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], bad
    assert _flag(client, flagger, "comment", 999999).status_code == 404
    assert _flag(client, None, "comment", comment.id).status_code == 401
    assert _flag(client, flagger, "proposal", s.thread.id, "off_topic").status_code == 201
    assert _flag(client, factories.token(app, s.author), "proposal", s.thread.id).status_code == 403
    fm.moderate(app, s.moderator, "comment", comment.id, "approve")  # the flags are dismissed: a fresh count
    other = fm.comment(app, s.citizens[0], s.thread, "另一条")
    for reason in ("spam", "abuse", "off_topic", "personal_info", "illegal", "other"):
        fm.moderate(app, s.moderator, "comment", other.id, "restore") if fm.reload(app, other).hidden_at else None
        assert _flag(client, factories.token(app, fp.citizen(app)), "comment", other.id, reason).status_code == 201, reason
    with app.app_context():
        assert db.session.scalar(select(func.count(Flag.id)).where(Flag.user_id == s.citizens[1].id)) == 2


def test_a_second_flag_is_settled_by_the_unique_constraint(app):
    from sqlalchemy.exc import IntegrityError

    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    fm.flag(app, s.citizens[1], "comment", comment.id)
    with app.app_context():
        db.session.add(Flag(target_type="comment", target_id=comment.id, user_id=s.citizens[1].id, reason="abuse"))
        try:
            db.session.flush()
            raise AssertionError("the database accepted a second flag by the same account")
        except IntegrityError:
            db.session.rollback()


def test_three_flags_from_distinct_accounts_hide_a_comment_pending_review(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "这条评论会被举报三次")
    assert fp.reload(app, s.thread).comments_count == 1
    fm.flag(app, s.citizens[1], "comment", comment.id, "abuse")
    fm.flag(app, s.citizens[2], "comment", comment.id, "spam")
    assert fm.reload(app, comment).hidden_at is None
    assert "这条评论会被举报三次" in client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    fm.flag(app, s.citizens[3], "comment", comment.id, "abuse")
    hidden = fm.reload(app, comment)
    assert hidden.hidden_at is not None and hidden.hidden_by_flags and hidden.flags_count == 3
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert HIDDEN_BY_FLAGS in html and "这条评论会被举报三次" not in html
    item = client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["items"][0]
    assert item["status"] == "hidden" and item["body_html"] == "" and item["hidden_reason"] == HIDDEN_BY_FLAGS
    assert fp.reload(app, s.thread).comments_count == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "comment")) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.auto_hide"))
        assert entry.actor_role == "system" and entry.target_type == "comment" and entry.target_id == comment.id
        assert entry.subject_user_id == s.citizens[0].id and entry.after == {"hidden": True, "flags": 3}
        assert db.session.scalar(select(Notification.kind).where(Notification.user_id == s.citizens[0].id,
                                                                   Notification.kind.like("moderation.%"))) == "moderation.hidden_by_flags"
    # the item waits in the queue with its reasons and counts
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    html = moderator.get("/moderation?tab=flagged").get_data(as_text=True)
    assert f"queue-comment-{comment.id}" in html and "3 次举报" in html and "辱骂、侮辱或骚扰：2" in html


def test_a_fourth_flag_does_not_hide_twice_and_a_restore_starts_a_new_count(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    flaggers = [fp.citizen(app) for _ in range(6)]
    for user in flaggers[:4]:
        fm.flag(app, user, "comment", comment.id)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "moderation.auto_hide")) == 1
    fm.moderate(app, s.moderator, "comment", comment.id, "restore", "经核实内容正常")
    restored = fm.reload(app, comment)
    assert restored.hidden_at is None and restored.flags_count == 0
    fm.flag(app, flaggers[4], "comment", comment.id)
    fm.flag(app, flaggers[5], "comment", comment.id)
    assert fm.reload(app, comment).hidden_at is None


def test_threads_hidden_by_flags_keep_their_official_answers(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("answered")
    for _ in range(3):
        fm.flag(app, fp.citizen(app), "proposal", thread.id, "off_topic")
    assert fp.reload(app, thread).hidden_by_flags
    html = client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert HIDDEN_BY_FLAGS in html
    assert 'class="official-answer"' in html and "您好，您反映的问题已收悉" in html  # official answers are never hidden by flags
    data = client.get(f"/api/v1/proposals/{thread.id}").get_json()
    assert data["hidden"] is True and data["body_html"] == "" and len(data["official_answers"]) == 1
    assert data["hidden_reason"] == HIDDEN_BY_FLAGS


def test_innovation_cases_are_queued_but_never_hidden_by_flags(app, client):
    department = factories.department(app)
    case = fc.case(app, department)
    for _ in range(4):
        response = _flag(client, factories.token(app, fp.citizen(app)), "case", case.id, "other")
        assert response.status_code == 201
    with app.app_context():
        from app.innovation.models import InnovationCase

        stored = db.session.get(InnovationCase, case.id)
        assert stored.hidden_at is None and stored.flags_count == 4
    moderator = app.test_client()
    moderator.login(factories.user(app, role="moderator").username)
    assert f"queue-case-{case.id}" in moderator.get("/moderation?tab=flagged").get_data(as_text=True)


def test_flagging_from_the_page(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "不当言论")
    flagger = app.test_client()
    flagger.login(s.citizens[1].username)
    html = flagger.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    link = f"/flags/new?target_type=comment&amp;target_id={comment.id}"
    assert link in html
    form = flagger.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "垃圾广告" in form and "个人信息" in form and 'name="note"' in form
    response = flagger.submit("/flags", {"target_type": "comment", "target_id": str(comment.id), "reason": "nope"})
    assert response.status_code == 400
    response = flagger.submit("/flags", {"target_type": "comment", "target_id": str(comment.id), "reason": "abuse", "note": "人身攻击"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert "感谢" in flagger.get(response.headers["Location"]).get_data(as_text=True)
    response = flagger.submit("/flags", {"target_type": "comment", "target_id": str(comment.id), "reason": "abuse"})
    assert response.status_code == 303
    assert "您已经举报过" in flagger.get(response.headers["Location"]).get_data(as_text=True)
    # the author sees no flag link on their own comment; visitors are sent to sign in
    author = app.test_client()
    author.login(s.citizens[0].username)
    assert f"target_type=comment&amp;target_id={comment.id}" not in author.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    visitor = app.test_client()
    response = visitor.get(link.replace("&amp;", "&"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # the thread page offers a flag link for the thread itself
    assert f"/flags/new?target_type=proposal&amp;target_id={s.thread.id}" in html


def test_personal_information_in_threads_becomes_a_system_flag(app):
    cast = fp.Cast(app)
    thread = fp.proposal(app, cast.author, cast.department, body="我的手机是13812345678，请尽快联系我处理此事。")
    moderator = app.test_client()
    moderator.login(cast.moderator.username)
    html = moderator.get("/moderation?tab=personal").get_data(as_text=True)
    assert f"queue-proposal-{thread.id}" in html and "系统在这段文字中发现了个人信息" in html
    with app.app_context():
        assert db.session.scalar(select(Flag.reason).where(Flag.user_id.is_(None), Flag.target_id == thread.id)) == "personal_info"
    moderator.submit(f"/moderation/proposal/{thread.id}", {"action": "approve", "next": "/moderation?tab=personal"})
    assert f"queue-proposal-{thread.id}" not in moderator.get("/moderation?tab=personal").get_data(as_text=True)


def test_suspended_accounts_cannot_flag(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    fm.suspend(app, s.moderator, s.citizens[1], 3, "恶意举报")
    response = _flag(client, factories.token(app, s.citizens[1]), "comment", comment.id)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"
