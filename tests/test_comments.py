"""Comments: posting and replying (page and API), nesting limits, the edit window, tombstones,
locked and other closed targets, stored counts, notifications, search and masking."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from app.clock import utcnow
from app.comments.models import Comment
from app.extensions import db
from app.notifications.models import Notification
from app.search.models import SearchDocument
from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp

VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


def _count(app, target_type="proposal", target_id=None):
    with app.app_context():
        query = select(func.count(Comment.id))
        if target_id is not None:
            query = query.where(Comment.target_type == target_type, Comment.target_id == target_id)
        return db.session.scalar(query)


def _comments_count(app, thread):
    return fp.reload(app, thread).comments_count


def test_post_and_reply_on_the_page_nest_in_ordered_lists(app):
    s = fm.Scene(app)
    writer = app.test_client()
    writer.login(s.citizens[0].username)
    page = f"/proposals/{s.thread.id}"
    html = writer.get(page).get_data(as_text=True)
    assert 'id="comments"' in html and "还没有评论" in html and 'for="comment-body"' in html
    response = writer.submit(f"/comments/proposal/{s.thread.id}", {"body": "建议增加**夜间**窗口"}, form_page=page)
    assert response.status_code == 303
    first_id = int(re.search(r"#comment-(\d+)$", response.headers["Location"]).group(1))
    replier = app.test_client()
    replier.login(s.citizens[1].username)
    response = replier.submit(f"/comments/proposal/{s.thread.id}", {"body": "赞同，周末也应开放", "parent_id": str(first_id)}, form_page=page)
    assert response.status_code == 303
    html = app.test_client().get(page).get_data(as_text=True)
    section = html[html.index('id="comments"'):]
    assert "评论（2）" in section
    assert "<strong>夜间</strong>" in section
    # the reply sits in a nested <ol> inside the first comment's <li>
    first_li = section.index(f'id="comment-{first_id}"')
    nested = section.index('<ol class="comment-replies">', first_li)
    assert first_li < nested < section.index("赞同，周末也应开放")
    assert _comments_count(app, s.thread) == 2
    # visitors are invited to sign in, not shown a form
    assert "登录后发表评论" in section and 'id="comment-body"' not in section


def test_api_list_and_post_shapes(app, client):
    s = fm.Scene(app)
    token = factories.token(app, s.citizens[0])
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第一条"}, token=token)
    assert response.status_code == 201
    comment = response.get_json()["comment"]
    assert {"id", "parent_id", "author", "body_html", "status", "created_at", "depth", "edited", "deleted"} <= set(comment)
    assert comment["parent_id"] is None and comment["depth"] == 1 and comment["status"] == "published"
    assert comment["author"] == s.citizens[0].username and comment["body_html"] == "<p>第一条</p>"
    assert re.search(r"\+08:00$", comment["created_at"])
    reply = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "回复", "parent_id": comment["id"]}, token=token)
    assert reply.status_code == 201 and reply.get_json()["comment"]["parent_id"] == comment["id"]
    listing = client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()
    assert listing["total"] == 2 and listing["page"] == 1 and listing["per_page"] == 20
    assert [item["depth"] for item in listing["items"]] == [1, 2]
    for bad, field in (({}, "body"), ({"body": ""}, "body"), ({"body": 5}, "body"), ({"body": "x" * 5001}, "body"),
                       ({"body": "好", "parent_id": "x"}, "parent_id"), ({"body": "好", "parent_id": 999999}, "parent_id")):
        response = client.api("POST", f"/proposals/{s.thread.id}/comments", bad, token=token)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], bad
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "x" * 5000}, token=token).status_code == 201
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "匿名"}).status_code == 401
    assert client.api("POST", "/proposals/999999/comments", {"body": "好"}, token=token).status_code == 404
    assert client.get("/api/v1/proposals/999999/comments").status_code == 404
    assert client.get(f"/api/v1/proposals/{s.thread.id}/comments?per_page=1000").status_code == 200
    assert client.get(f"/api/v1/proposals/{s.thread.id}/comments?page=x").status_code == 400


def test_replies_nest_three_levels_and_a_reply_to_the_third_is_refused(app, client):
    s = fm.Scene(app)
    one = fm.comment(app, s.citizens[0], s.thread)
    two = fm.comment(app, s.citizens[1], s.thread, parent=one)
    three = fm.comment(app, s.citizens[2], s.thread, parent=two)
    assert (one.depth, two.depth, three.depth) == (1, 2, 3)
    token = factories.token(app, s.citizens[3])
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第四层", "parent_id": three.id}, token=token)
    assert response.status_code == 400
    assert "parent_id" in response.get_json()["error"]["fields"]
    # the page offers no reply at the third level, and a forged form post is refused with the reason
    writer = app.test_client()
    writer.login(s.citizens[3].username)
    html = writer.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert f'id="reply-{two.id}"' in html and f'id="reply-{three.id}"' not in html
    response = writer.submit(f"/comments/proposal/{s.thread.id}", {"body": "第四层", "parent_id": str(three.id)})
    assert response.status_code == 400 and "最多嵌套 3 层" in response.get_data(as_text=True)
    assert "第四层" in response.get_data(as_text=True)  # the text is kept
    # a parent of another thread is refused too
    other = fp.proposal(app, s.author, s.cast.department)
    response = client.api("POST", f"/proposals/{other.id}/comments", {"body": "串楼", "parent_id": one.id}, token=token)
    assert response.status_code == 400 and "parent_id" in response.get_json()["error"]["fields"]


def test_the_author_edits_for_fifteen_minutes_and_every_version_stays_visible(app, client):
    s = fm.Scene(app)
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        comment = fm.comment(app, s.citizens[0], s.thread, "第一版")
    token = factories.token(app, s.citizens[0])
    other = factories.token(app, s.citizens[1])
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        assert client.api("PATCH", f"/comments/{comment.id}", {"body": "第二版"}, token=other).status_code == 403
        response = client.api("PATCH", f"/comments/{comment.id}", {"body": "第二版"}, token=token)
        assert response.status_code == 200
        data = response.get_json()["comment"]
        assert data["edited"] is True and [r["body_html"] for r in data["revisions"]] == ["<p>第一版</p>", "<p>第二版</p>"]
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = client.api("PATCH", f"/comments/{comment.id}", {"body": "第三版"}, token=token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "edit_window_closed"
        writer = app.test_client()
        writer.login(s.citizens[0].username)
        response = writer.submit(f"/comments/{comment.id}/edit", {"body": "第三版"})
        assert response.status_code == 409 and "发表后 15 分钟内" in response.get_data(as_text=True)
        html = writer.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
        assert f"/comments/{comment.id}/edit" not in html  # no edit link after the window
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert "已编辑" in html and "第一版" in html and "第二版" in html and "第三版" not in html
    assert "第 1 版" in html and "第 2 版" in html


def test_edit_page_within_the_window(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "原来的文字")
    writer = app.test_client()
    writer.login(s.citizens[0].username)
    html = writer.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/edit" in html
    assert "原来的文字" in writer.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    response = writer.submit(f"/comments/{comment.id}/edit", {"body": "改过的文字"})
    assert response.status_code == 303
    assert fm.reload(app, comment).body == "改过的文字"
    assert writer.submit(f"/comments/{comment.id}/edit", {"body": ""}).status_code == 400
    stranger = app.test_client()
    stranger.login(s.citizens[1].username)
    assert stranger.submit(f"/comments/{comment.id}/edit", {"body": "冒名"}).status_code == 403


def test_deleting_leaves_a_tombstone_and_replies_keep_their_place(app, client):
    s = fm.Scene(app)
    parent = fm.comment(app, s.citizens[0], s.thread, "要删除的评论，含关键词鸡毛蒜皮")
    reply = fm.comment(app, s.citizens[1], s.thread, "对它的回复", parent=parent)
    assert _comments_count(app, s.thread) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "comment")) == 2
    token = factories.token(app, s.citizens[0])
    assert client.api("DELETE", f"/comments/{parent.id}", token=factories.token(app, s.citizens[1])).status_code == 403
    response = client.api("DELETE", f"/comments/{parent.id}", token=token)
    assert response.status_code == 200
    data = response.get_json()["comment"]
    assert data["status"] == "deleted" and data["deleted"] is True and data["body_html"] == ""
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    section = html[html.index('id="comments"'):]
    assert "该评论已删除" in section and "鸡毛蒜皮" not in section
    tombstone = section.index(f'id="comment-{parent.id}"')
    assert tombstone < section.index('<ol class="comment-replies">', tombstone) < section.index("对它的回复")
    items = client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["items"]
    assert [(i["id"], i["status"], i["body_html"]) for i in items][0] == (parent.id, "deleted", "")
    assert items[1]["parent_id"] == parent.id
    assert _comments_count(app, s.thread) == 1
    with app.app_context():
        assert db.session.scalar(select(SearchDocument.ref_id).where(SearchDocument.kind == "comment")) == reply.id
    # nobody replies to a tombstone; deleting twice is harmless
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "回复", "parent_id": parent.id},
                          token=factories.token(app, s.citizens[2]))
    assert response.status_code == 400 and "parent_id" in response.get_json()["error"]["fields"]
    assert client.api("DELETE", f"/comments/{parent.id}", token=token).status_code == 200
    # the page form works too
    writer = app.test_client()
    writer.login(s.citizens[1].username)
    assert writer.submit(f"/comments/{reply.id}/delete", {}).status_code == 303
    assert fm.reload(app, reply).deleted_at is not None and _comments_count(app, s.thread) == 0


def test_locked_threads_refuse_new_comments(app, client):
    s = fm.Scene(app)
    fm.comment(app, s.citizens[0], s.thread, "锁定前的评论")
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "lock", "讨论已充分")
    token = factories.token(app, s.citizens[1])
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "还想说"}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "locked"
    writer = app.test_client()
    writer.login(s.citizens[1].username)
    html = writer.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert "该讨论已被版主锁定，不能再发表评论" in html and 'id="comment-body"' not in html and "锁定前的评论" in html
    response = writer.submit(f"/comments/proposal/{s.thread.id}", {"body": "还想说"})
    assert response.status_code == 409 and "锁定" in response.get_data(as_text=True)
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "unlock")
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "解锁后"}, token=token).status_code == 201


def test_comments_on_pending_merged_hidden_and_closed_threads(app, client):
    cast = fp.Cast(app)
    token = factories.token(app, cast.citizen)
    pending = cast.thread("pending_review")
    author_token = factories.token(app, cast.author)
    response = client.api("POST", f"/proposals/{pending.id}/comments", {"body": "自己先补充"}, token=author_token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_published"
    assert client.api("POST", f"/proposals/{pending.id}/comments", {"body": "看不到"}, token=token).status_code == 404
    cast.author = fp.citizen(app)
    merged = cast.thread("merged")
    response = client.api("POST", f"/proposals/{merged.id}/comments", {"body": "合并了"}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "merged"
    assert f"#{merged.merged_into_id}" in response.get_json()["error"]["message"]
    closed = cast.thread("closed")
    assert client.api("POST", f"/proposals/{closed.id}/comments", {"body": "办结后继续讨论"}, token=token).status_code == 201
    hidden = cast.thread("open")
    fm.comment(app, cast.citizen, hidden, "隐藏前的评论")
    fm.moderate(app, cast.moderator, "proposal", hidden.id, "hide", "含有不实信息")
    response = client.api("POST", f"/proposals/{hidden.id}/comments", {"body": "隐藏后"}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "hidden"
    assert client.get(f"/api/v1/proposals/{hidden.id}/comments").get_json()["items"] == []
    html = client.get(f"/proposals/{hidden.id}").get_data(as_text=True)
    assert "评论随该内容一起隐藏" in html and "隐藏前的评论" not in html
    moderator = factories.token(app, cast.moderator)
    assert len(client.get(f"/api/v1/proposals/{hidden.id}/comments", headers={"Authorization": f"Bearer {moderator}"}).get_json()["items"]) == 1


def test_comments_on_cases(app, client):
    from tests import factories_campaigns as fc

    department = factories.department(app)
    officer = factories.user(app, role="officer", department=department)
    case = fc.case(app, department)
    draft = fc.case(app, department, status="submitted")
    citizen = fp.citizen(app)
    token = factories.token(app, citizen)
    response = client.api("POST", f"/cases/{case.id}/comments", {"body": "这个案例很有借鉴意义"}, token=token)
    assert response.status_code == 201 and response.get_json()["comment"]["target_type"] == "case"
    reply = client.api("POST", f"/cases/{case.id}/comments",
                       {"body": "同意", "parent_id": response.get_json()["comment"]["id"]}, token=factories.token(app, officer))
    assert reply.status_code == 201
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "这个案例很有借鉴意义" in html and "评论（2）" in html and '<ol class="comment-replies">' in html
    assert client.get(f"/api/v1/cases/{case.id}/comments").get_json()["total"] == 2
    assert client.api("POST", f"/cases/{draft.id}/comments", {"body": "未发布"}, token=token).status_code == 404
    response = client.api("POST", f"/cases/{draft.id}/comments", {"body": "未发布"}, token=factories.token(app, officer))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_published"


def test_new_comments_notify_followers_and_the_commenter_follows(app):
    s = fm.Scene(app)
    follower = s.citizens[3]
    c = app.test_client()
    c.login(follower.username)
    c.submit(f"/proposals/{s.thread.id}/follow", {"action": "follow"})
    comment = fm.comment(app, s.citizens[0], s.thread, "新评论")
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.kind == "comment.created")).all()
        recipients = {row.user_id for row in rows}
        assert recipients == {s.author.id, follower.id}  # not the commenter themself
        assert rows[0].url == f"/proposals/{s.thread.id}#comment-{comment.id}"
    fm.comment(app, s.citizens[1], s.thread, "又一条")
    with app.app_context():
        recipients = {row.user_id for row in db.session.scalars(
            select(Notification).where(Notification.kind == "comment.created", Notification.actor_id == s.citizens[1].id))}
        assert s.citizens[0].id in recipients  # the first commenter follows the thread now
    html = c.get("/notifications").get_data(as_text=True)
    assert "有新评论" in html


def test_comments_are_searchable_with_masked_text_and_leave_the_index_with_their_thread(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "停车场收费标准不透明，联系13812345678")
    with app.app_context():
        doc = db.session.scalar(select(SearchDocument).where(SearchDocument.kind == "comment"))
        assert doc.url == f"/proposals/{s.thread.id}#comment-{comment.id}"
        assert "138****5678" in doc.body and "13812345678" not in doc.body
    html = client.get("/search?q=停车场收费").get_data(as_text=True)
    assert f"#comment-{comment.id}" in html and "13812345678" not in html
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "hide", "重复内容")
    assert f"#comment-{comment.id}" not in client.get("/search?q=停车场收费").get_data(as_text=True)
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "restore")
    assert f"#comment-{comment.id}" in client.get("/search?q=停车场收费").get_data(as_text=True)
    fm.moderate(app, s.moderator, "comment", comment.id, "hide", "广告")
    assert f"#comment-{comment.id}" not in client.get("/search?q=停车场收费").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"#comment-{comment.id}" not in client.get("/search?q=停车场收费").get_data(as_text=True)
    fm.moderate(app, s.moderator, "comment", comment.id, "restore")
    result = app.test_cli_runner().invoke(args=["search", "reindex", "comment"])
    assert f"#comment-{comment.id}" in client.get("/search?q=停车场收费").get_data(as_text=True)


def test_valid_id_numbers_are_masked_on_the_page_and_in_the_api_but_not_wrong_check_digits(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, f"我的身份证号{VALID_ID}，订单号{WRONG_CHECK_DIGIT}，邮箱 zhang.san@example.com")
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert VALID_ID not in html and "110***********002X" in html
    assert WRONG_CHECK_DIGIT in html and "z***@example.com" in html and "zhang.san@" not in html
    body_html = client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["items"][0]["body_html"]
    assert VALID_ID not in body_html and "110***********002X" in body_html and WRONG_CHECK_DIGIT in body_html
    assert client.get(f"/api/v1/comments/{comment.id}").get_json()["comment"]["revisions"][0]["body_html"] == body_html
    # the item is queued for a moderator as a system flag
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    html = moderator.get("/moderation?tab=personal").get_data(as_text=True)
    assert f"queue-comment-{comment.id}" in html and VALID_ID in html  # moderators read the original
    plain = fm.comment(app, s.citizens[1], s.thread, f"订单号{WRONG_CHECK_DIGIT}")
    assert f"queue-comment-{plain.id}" not in moderator.get("/moderation?tab=personal").get_data(as_text=True)


def test_links_in_comments_are_nofollow_ugc(app, client):
    s = fm.Scene(app)
    fm.comment(app, s.citizens[0], s.thread, "详见 [办事指南](https://www.zjzwfw.gov.cn/) 和 https://example.cn")
    body_html = client.get(f"/api/v1/proposals/{s.thread.id}/comments").get_json()["items"][0]["body_html"]
    assert body_html.count('rel="nofollow ugc noopener"') == 2


def test_a_link_to_a_comment_leads_to_its_place(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    response = client.get(f"/comments/{comment.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{s.thread.id}#comment-{comment.id}")
    assert client.get("/comments/999999").status_code == 404
    # a comment the public may not read (waiting for review) still leads to its thread, showing nothing of it
    pending = fm.comment(app, factories.user(app, role="citizen"), s.thread, "待审核的评论")
    response = client.get(f"/comments/{pending.id}")
    assert response.status_code == 302
    assert "待审核的评论" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_account_page_lists_my_comments_with_their_state(app):
    s = fm.Scene(app)
    fm.comment(app, s.citizens[0], s.thread, "公开的评论")
    hidden = fm.comment(app, s.citizens[0], s.thread, "会被隐藏")
    fm.moderate(app, s.moderator, "comment", hidden.id, "hide", "重复发帖")
    page = app.test_client()
    page.login(s.citizens[0].username)
    html = page.get("/account").get_data(as_text=True)
    assert "我的评论" in html and "已发布" in html and "已被版主隐藏" in html and "重复发帖" in html
    other = app.test_client()
    other.login(s.citizens[1].username)
    assert "您还没有发表过评论" in other.get("/account").get_data(as_text=True)
