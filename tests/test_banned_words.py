"""Banned words: moderators manage the list; matching threads and comments wait in the queue."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests import factories
from tests import factories_moderation as fm


def test_moderators_manage_the_list_and_matching_posts_wait_for_review(app, client):
    s = fm.Scene(app)
    page = app.test_client()
    page.login(s.moderator.username)
    assert "列表为空" in page.get("/moderation/banned-words").get_data(as_text=True)
    assert page.submit("/moderation/banned-words", {"pattern": ""}).status_code == 400
    assert page.submit("/moderation/banned-words", {"pattern": "x" * 101}).status_code == 400
    response = page.submit("/moderation/banned-words", {"pattern": "(unclosed", "is_regex": "y"})
    assert response.status_code == 400 and "不是有效的正则表达式" in response.get_data(as_text=True)
    assert page.submit("/moderation/banned-words", {"pattern": ".*", "is_regex": "y"}).status_code == 400
    assert page.submit("/moderation/banned-words", {"pattern": "代开发票"}).status_code == 303
    assert page.submit("/moderation/banned-words", {"pattern": "代开发票"}).status_code == 409
    assert page.submit("/moderation/banned-words", {"pattern": r"加\s*微信", "is_regex": "y"}).status_code == 303
    # a literal word is not a pattern: its dots match only dots
    assert page.submit("/moderation/banned-words", {"pattern": "a.b"}).status_code == 303
    html = page.get("/moderation/banned-words").get_data(as_text=True)
    assert "代开发票" in html and "正则表达式" in html
    token = factories.token(app, s.citizens[0])
    held = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "专业代开发票"}, token=token).get_json()["comment"]
    assert held["status"] == "pending"
    held2 = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "详情请加 微信"}, token=token).get_json()["comment"]
    assert held2["status"] == "pending"
    fine = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "axb 和微信公众号"}, token=token).get_json()["comment"]
    assert fine["status"] == "published"
    thread = client.api("POST", "/proposals", {"kind": "complaint", "title": "有人在群里代开发票", "body": "有人在小区群里公开代开发票，请查处。",
                                                "department": s.cast.department.slug}, token=token).get_json()["proposal"]
    assert thread["status"] == "pending_review"
    html = page.get("/moderation").get_data(as_text=True)
    assert f"queue-comment-{held['id']}" in html and f"queue-proposal-{thread['id']}" in html and "违禁词" in html
    # editing a published comment to include a banned word sends it back to the queue
    edited = client.api("PATCH", f"/comments/{fine['id']}", {"body": "现在也代开发票"}, token=token).get_json()["comment"]
    assert edited["status"] == "pending"
    # removing the word lets such posts through again
    with app.app_context():
        from app.moderation.models import BannedWord

        word_id = db.session.scalar(select(BannedWord.id).where(BannedWord.pattern == "代开发票"))
    assert page.submit(f"/moderation/banned-words/{word_id}/delete", {}).status_code == 303
    again = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "代开发票"}, token=token).get_json()["comment"]
    assert again["status"] == "published"
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("banned_word.%"))).all()
        assert {e.action for e in entries} == {"banned_word.add", "banned_word.remove"}
        assert all(e.public is False for e in entries) and all(e.actor_id == s.moderator.id for e in entries)
    # the public log never lists the words
    assert "代开发票" not in client.get("/moderation/log").get_data(as_text=True)


def test_configured_patterns_apply_and_show_on_the_page(app, client):
    s = fm.Scene(app)
    app.config["BANNED_PATTERNS"] = ("网上赌博",)
    try:
        response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "网上赌博稳赚"},
                              token=factories.token(app, s.citizens[0]))
        assert response.get_json()["comment"]["status"] == "pending"
        page = app.test_client()
        page.login(s.moderator.username)
        assert "网上赌博" in page.get("/moderation/banned-words").get_data(as_text=True)
    finally:
        app.config["BANNED_PATTERNS"] = ()
