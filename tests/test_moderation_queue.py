"""The review queue: what each tab holds, the author's history, and constant query counts;
a thread page with 5 or 200 comments runs the same number of queries."""

from __future__ import annotations

import pytest

from tests import factories
from tests import factories_campaigns as fc
from tests import factories_moderation as fm
from tests import factories_proposals as fp


def _fill_queue(app, s, rounds: int):
    """``rounds`` entries in every tab."""
    for n in range(rounds):
        newcomer = factories.user(app, role="citizen")
        fp.proposal(app, newcomer, s.cast.department, title=f"新用户的待审核留言第{n}号")
        fm.comment(app, newcomer, s.thread, f"新用户的待审核评论{n}")
        flagged = fm.comment(app, s.citizens[0], s.thread, f"被举报的评论{n}")
        fm.flag(app, s.citizens[1], "comment", flagged.id, "abuse", "说话难听")
        fm.flag(app, s.citizens[2], "comment", flagged.id, "spam")
        fm.comment(app, s.citizens[1], s.thread, f"留个电话1381234{n:04d}")
        hidden = fm.comment(app, s.citizens[2], s.thread, f"被隐藏的评论{n}")
        fm.moderate(app, s.moderator, "comment", hidden.id, "hide", "不友善")
        with app.app_context():
            from app.accounts.models import User
            from app.extensions import db
            from app.moderation.appeals import appeal

            appeal(db.session.get(User, s.citizens[2].id), "comment", hidden.id, f"请复核{n}")
            db.session.commit()
        fp.proposal(app, s.author, unsure=True, title=f"不知道找哪个部门第{n}号")
    case = fc.case(app, s.cast.department)
    fm.flag(app, s.citizens[3], "case", case.id, "other")


def test_each_tab_holds_its_entries_with_the_authors_history(app):
    s = fm.Scene(app)
    _fill_queue(app, s, 1)
    fm.suspend(app, s.moderator, s.citizens[2], 1, "刷屏")
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    html = moderator.get("/moderation").get_data(as_text=True)
    assert "新用户的待审核留言第0号" in html and "新用户的待审核评论0" in html and "新账号" in html
    assert "待审核发帖 <span class=\"count\">(2)</span>" in html and "被举报 <span class=\"count\">(2)</span>" in html
    assert "注册时长" in html and "已通过的发帖" in html and "被隐藏的发帖" in html
    assert 'value="pin"' in html and 'value="lock"' in html  # threads can be locked and pinned from the queue
    html = moderator.get("/moderation?tab=flagged").get_data(as_text=True)
    assert "被举报的评论0" in html and "2 次举报" in html and "说话难听" in html and "辱骂、侮辱或骚扰：1" in html
    assert "创新案例" in html
    html = moderator.get("/moderation?tab=personal").get_data(as_text=True)
    assert "1381234" in html and "138****0000" in html  # masked publicly, the original for the moderator
    html = moderator.get("/moderation?tab=appeals").get_data(as_text=True)
    assert "请复核0" in html and "不友善" in html and "目前处于暂停状态" in html and "曾被暂停" in html
    html = moderator.get("/moderation?tab=routing").get_data(as_text=True)
    assert "不知道找哪个部门第0号" in html and 'name="department"' in html and 'name="into"' in html
    assert moderator.get("/moderation?tab=nonsense").status_code == 200
    for bad in ("page=x", "per_page=0", "page=999999999"):
        assert moderator.get(f"/moderation?{bad}").status_code == 200


@pytest.mark.slow
def test_the_queue_runs_a_constant_number_of_queries(app, count_queries):
    s = fm.Scene(app)
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    tabs = ["pending", "flagged", "appeals", "personal", "routing"]

    def measure():
        counts = {}
        for tab in tabs:
            with count_queries() as counter:
                assert moderator.get(f"/moderation?tab={tab}").status_code == 200
            counts[tab] = counter.count
        return counts

    _fill_queue(app, s, 2)
    small = measure()
    _fill_queue(app, s, 12)
    large = measure()
    assert small == large, (small, large)
    assert max(large.values()) <= 14, large
    print("queue query counts:", large)


@pytest.mark.slow
def test_a_thread_page_with_5_or_200_comments_runs_the_same_queries(app, count_queries):
    s = fm.Scene(app)
    small_thread = s.thread
    large_thread = fp.proposal(app, s.author, s.cast.department)
    fm.bulk_comments(app, small_thread, 5, s.citizens, edited=1)
    fm.bulk_comments(app, large_thread, 200, s.citizens, edited=20)
    clients = {"visitor": app.test_client(), "citizen": app.test_client(), "moderator": app.test_client()}
    clients["citizen"].login(s.citizens[0].username)
    clients["moderator"].login(s.moderator.username)
    counts = {}
    for name, client in clients.items():
        for label, thread in (("5", small_thread), ("200", large_thread)):
            for path in (f"/proposals/{thread.id}", f"/api/v1/proposals/{thread.id}/comments?per_page=100"):
                with count_queries() as counter:
                    response = client.get(path)
                assert response.status_code == 200
                counts[(name, label, path.split("/")[1])] = counter.count
            html = client.get(f"/proposals/{thread.id}").get_data(as_text=True)
            assert html.count('class="comment depth-') == int(label)
    for name in clients:
        for kind in ("proposals", "api"):
            assert counts[(name, "5", kind)] == counts[(name, "200", kind)], counts
    assert max(counts.values()) <= 12, counts
    print("thread page query counts:", counts)
