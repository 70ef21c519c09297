"""Threads in search (masked, public ones only, ``?q=`` on the list) and in the
notification inbox (the author follows; followers hear of changes and answers)."""

from __future__ import annotations

import pytest

from app.clock import utcnow
from app.extensions import db
from app.proposals.models import Proposal
from tests import factories
from tests import factories_proposals as fp


def _search_ids(client, q, kind="proposal"):
    body = client.get(f"/api/v1/search?q={q}&kind={kind}").get_json()
    return [int(item["url"].rsplit("/", 1)[-1]) for item in body["items"]]


def test_published_threads_are_searchable_masked_and_pending_ones_are_not(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open", title="西湖区文三路路灯长期不亮", body="文三路的路灯坏了很久，我的电话 13812345678，请尽快修理。")
    author = cast.token("author")
    assert _search_ids(client, "路灯") == [thread.id]
    assert _search_ids(client, "13812345678") == []
    body = client.get("/api/v1/search?q=路灯").get_json()
    assert "13812345678" not in str(body)
    pending = cast.thread("pending_review", title="滨江区江南大道路灯闪烁")
    assert _search_ids(client, "江南大道") == []
    client.api("POST", f"/proposals/{pending.id}/status", {"status": "open"}, token=cast.token("moderator"))
    assert _search_ids(client, "江南大道") == [pending.id]
    client.api("POST", f"/proposals/{pending.id}/merge", {"into": thread.id, "reason": "同一问题"}, token=cast.token("moderator"))
    assert _search_ids(client, "江南大道") == []
    client.api("PATCH", f"/proposals/{thread.id}", {"title": "西湖区文三路路灯长期不亮需要维修"}, token=author)
    assert _search_ids(client, "维修") == [thread.id]


def test_hidden_threads_leave_the_index_when_moderation_signals_it(app, client):
    from app.events import signal

    cast = fp.Cast(app)
    thread = cast.thread("open", title="关于公交站台电子屏的建议")
    assert _search_ids(client, "电子屏") == [thread.id]
    with app.app_context():
        stored = db.session.get(Proposal, thread.id)
        stored.hidden_at, stored.hidden_reason = utcnow(), "不实信息"
        signal("proposal.updated").send(stored, actor=None, fields=["visibility"])
        db.session.commit()
    assert _search_ids(client, "电子屏") == []


def test_q_on_the_list_page_and_api(app, client):
    cast = fp.Cast(app)
    lamp = fp.proposal(app, cast.author, cast.department, title="小区路灯不亮", body="路灯坏了，晚上出行不便，路灯需要维修。")
    other_lamp = fp.proposal(app, cast.author, cast.other_department, title="公园路灯太暗", body="公园里的灯光太暗了。")
    fp.proposal(app, cast.author, cast.department, title="公积金提取咨询", body="租房提取公积金需要哪些材料？")
    items = client.get("/api/v1/proposals?q=路灯").get_json()["items"]
    assert {i["id"] for i in items} == {lamp.id, other_lamp.id}
    ranked = client.get("/api/v1/search?q=路灯&kind=proposal").get_json()["items"]
    assert [i["id"] for i in items] == [int(hit["url"].rsplit("/", 1)[-1]) for hit in ranked]  # best matches first
    items = client.get(f"/api/v1/proposals?q=路灯&department={cast.department.slug}").get_json()["items"]
    assert [i["id"] for i in items] == [lamp.id]
    items = client.get("/api/v1/proposals?q=路灯&sort=new").get_json()["items"]
    assert [i["id"] for i in items] == [other_lamp.id, lamp.id]
    html = client.get("/proposals?q=路灯").get_data(as_text=True)
    assert "小区路灯不亮" in html and "公积金提取咨询" not in html and 'value="路灯"' in html
    assert client.get("/api/v1/proposals?q=").get_json()["total"] == 3


def test_author_follows_and_followers_hear_of_changes_and_answers(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    author, follower, officer = cast.token("author"), cast.token("citizen"), cast.token("officer")
    assert client.api("GET", f"/proposals/{thread.id}", token=author).get_json()["following"] is True
    assert client.api("GET", f"/proposals/{thread.id}", token=follower).get_json()["following"] is False
    assert client.api("POST", f"/proposals/{thread.id}/follow", token=follower).get_json() == {"following": True}
    assert client.api("POST", f"/proposals/{thread.id}/follow", token=follower).status_code == 200
    client.api("POST", f"/proposals/{thread.id}/status", {"status": "in_progress"}, token=officer)
    client.api("POST", f"/proposals/{thread.id}/answers", {"body": "已安排维修。"}, token=officer)
    for token in (author, follower):
        inbox = client.api("GET", "/notifications", token=token).get_json()
        texts = [item["text"] for item in inbox["items"]]
        assert len(texts) == 2, texts
        assert cast.department.name in texts[0] and "答复" in texts[0]
        assert "办理中" in texts[1]
        assert inbox["items"][0]["url"].startswith(f"/proposals/{thread.id}#answer-")
    assert client.api("GET", "/notifications", token=officer).get_json()["total"] == 0  # nobody hears of their own action
    assert client.api("DELETE", f"/proposals/{thread.id}/follow", token=follower).get_json() == {"following": False}
    client.api("POST", f"/proposals/{thread.id}/status", {"status": "closed"}, token=officer)
    assert client.api("GET", "/notifications", token=follower).get_json()["total"] == 2
    assert client.api("GET", "/notifications", token=author).get_json()["total"] == 3
    assert client.api("POST", f"/proposals/{thread.id}/follow").status_code == 401


def test_transfer_and_escalation_notifications(app, client):
    cast = fp.Cast(app)
    app.config["ESCALATION_THRESHOLD"] = 2
    try:
        thread = cast.thread("open")
        client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.other_department.slug, "reason": "转办"}, token=cast.token("officer"))
        texts = [i["text"] for i in client.api("GET", "/notifications", token=cast.token("author")).get_json()["items"]]
        assert texts and cast.other_department.name in texts[0]
        for _ in range(2):
            fp.support(app, thread, fp.citizen(app))
        inbox = client.api("GET", "/notifications", token=factories.token(app, cast.other_officer)).get_json()
        assert inbox["total"] == 1 and "升级督办" in inbox["items"][0]["text"]
    finally:
        app.config["ESCALATION_THRESHOLD"] = 100


def test_follow_button_on_the_thread_page(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    c = app.test_client()
    c.login(cast.citizen.username)
    html = c.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "关注该留言" in html
    c.submit(f"/proposals/{thread.id}/follow", {"action": "follow"})
    html = c.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "已关注：取消关注" in html
    c.submit(f"/proposals/{thread.id}/follow", {"action": "unfollow"})
    assert "关注该留言" in c.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "关注该留言" not in app.test_client().get(f"/proposals/{thread.id}").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["proposal"])
def test_reindex_rebuilds_the_threads(app, client, kind):
    cast = fp.Cast(app)
    thread = cast.thread("open", title="关于老旧小区加装电梯的建议")
    cast.thread("pending_review", title="关于老旧小区停车难的建议")
    result = app.test_cli_runner().invoke(args=["search", "reindex", kind])
    assert result.exit_code == 0, result.output
    assert _search_ids(client, "老旧小区") == [thread.id]
