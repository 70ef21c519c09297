"""The public moderation log: decisions with public reasons, no personal data, filterable,
paginated, as a page and as JSON, in a constant number of queries."""

from __future__ import annotations

from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp

CITIZEN_NAME = "zhang_wei_1985"
EMAIL = "zhang.wei@example.com"


def _world(app):
    s = fm.Scene(app)
    rude = factories.user(app, username=CITIZEN_NAME, role="citizen", approved_posts=5)
    comment = fm.comment(app, rude, s.thread, "难听的话")
    fm.moderate(app, s.moderator, "comment", comment.id, "hide", f"辱骂他人，对方电话13812345678，邮箱 {EMAIL}")
    fm.suspend(app, s.moderator, rude, 7, f"{CITIZEN_NAME} 多次辱骂他人，身份证11010519491231002X")
    spam = fm.comment(app, s.citizens[3], s.thread, "广告")
    for user in s.citizens[:3]:
        fm.flag(app, user, "comment", spam.id)
    s.locked = fp.proposal(app, s.author, s.cast.department)
    fm.moderate(app, s.moderator, "proposal", s.locked.id, "lock", "讨论已充分")
    return s, comment, rude


def test_the_log_lists_decisions_without_personal_data(app, client):
    s, comment, rude = _world(app)
    html = client.get("/moderation/log").get_data(as_text=True)
    for label in ("隐藏", "暂停账号", "已锁定", "因三次举报自动隐藏，等待审核"):
        assert label in html, label
    assert "辱骂他人，对方电话138****5678，邮箱 z***@example.com" in html
    assert "z**** 多次辱骂他人，身份证110***********002X" in html
    assert "讨论已充分" in html and "某账号" in html and "7 天" in html and "系统" in html and "版主" in html
    for private in (CITIZEN_NAME, EMAIL, "13812345678", "11010519491231002X", s.moderator.username, "example.org"):
        assert private not in html, private
    assert f'href="/comments/{comment.id}"' in html and f'href="/proposals/{s.locked.id}"' in html
    data = client.get("/api/v1/moderation/log").get_json()
    assert data["total"] == 4 and data["page"] == 1
    text = str(data)
    for private in (CITIZEN_NAME, EMAIL, "13812345678", "11010519491231002X", s.moderator.username):
        assert private not in text, private
    suspension = next(item for item in data["items"] if item["action"] == "user.suspend")
    assert suspension["target_type"] == "user" and suspension["target_id"] is None and suspension["url"] is None
    assert suspension["reason"] == "z**** 多次辱骂他人，身份证110***********002X"
    hide = next(item for item in data["items"] if item["action"] == "moderation.hide")
    assert hide["actor_role"] == "moderator" and hide["url"] == f"/comments/{comment.id}" and hide["created_at"].endswith("+08:00")


def test_entries_carry_only_public_fields(app, client):
    """Reasons are the moderator's public words (masked); everything else comes from fixed labels."""
    s, comment, rude = _world(app)
    data = client.get("/api/v1/moderation/log?action=user.suspend").get_json()
    assert data["total"] == 1
    assert set(data["items"][0]) == {"id", "action", "label", "target_type", "target_id", "url", "reason", "detail", "actor_role", "created_at"}


def test_filter_and_pagination(app, client):
    s, comment, rude = _world(app)
    html = client.get("/moderation/log?action=moderation.lock").get_data(as_text=True)
    assert "讨论已充分" in html and "辱骂他人" not in html and 'value="moderation.lock" selected' in html
    assert client.get("/moderation/log?action=nonsense").status_code == 200
    assert client.get("/api/v1/moderation/log?action=nonsense").status_code == 400
    page = client.get("/api/v1/moderation/log?per_page=2&page=2").get_json()
    assert page["per_page"] == 2 and len(page["items"]) == 2 and page["total"] == 4
    html = client.get("/moderation/log?per_page=2").get_data(as_text=True)
    assert 'rel="next"' in html
    for bad in ("page=x", "per_page=-1", "page=999999999"):
        assert client.get(f"/moderation/log?{bad}").status_code == 200
    assert client.get("/api/v1/moderation/log?page=x").status_code == 400


def test_pending_threads_are_not_linked(app, client):
    cast = fp.Cast(app)
    pending = cast.thread("pending_review")
    fm.moderate(app, cast.moderator, "proposal", pending.id, "hide", "垃圾信息")
    html = client.get("/moderation/log").get_data(as_text=True)
    assert "垃圾信息" in html and f'href="/proposals/{pending.id}"' not in html


def test_officers_and_private_entries_stay_out(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("acknowledged")  # an officer's status change
    data = client.get("/api/v1/moderation/log").get_json()
    assert data["total"] == 0
    page = app.test_client()
    page.login(cast.moderator.username)
    page.submit("/moderation/banned-words", {"pattern": "秘密词"})
    assert client.get("/api/v1/moderation/log").get_json()["total"] == 0
    assert thread.id


def test_the_log_runs_a_constant_number_of_queries(app, client, count_queries):
    s, comment, rude = _world(app)

    def measure():
        counts = {}
        for path in ("/moderation/log", "/api/v1/moderation/log", "/moderation/log?action=moderation.hide"):
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts[path] = counter.count
        return counts

    small = measure()
    for _ in range(15):
        c = fm.comment(app, s.citizens[3], s.thread)
        fm.moderate(app, s.moderator, "comment", c.id, "hide", "批量隐藏")
        other = fp.proposal(app, s.author, s.cast.department)
        fm.moderate(app, s.moderator, "proposal", other.id, "pin")
    large = measure()
    assert small == large, (small, large)
    assert max(large.values()) <= 5, large
    print("log query counts:", large)
