"""Three citizens flag a comment in a real browser; it disappears pending review; a moderator
restores it from the queue. The queue, the log and a thread page with nested comments have no
WCAG A/AA violations (axe), and hostile text opens no dialog."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp

HIDDEN_BY_FLAGS = "已因多次举报暂时隐藏，等待审核"


def _signed_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flashes")).to_contain_text("已登录")
    return context, page, opened


def test_three_flags_hide_a_comment_and_a_moderator_restores_it(browser, live_server, app, axe_check):
    cast = fp.Cast(app)
    thread = cast.thread("answered", title="建议延长市民中心周末办事时间")
    author = fp.citizen(app, username="陈静怡")
    flaggers = [fp.citizen(app, username=name) for name in ("王晓明", "李娜娜", "张伟强")]
    first = fm.comment(app, author, thread, "周末只开半天，上班族根本来不及。<script>alert('xss')</script>")
    reply = fm.comment(app, flaggers[0], thread, "同意，**建议**全天开放 <img src=x onerror=alert(1)>", parent=first)
    fm.comment(app, flaggers[1], thread, "第三层的回复", parent=reply)
    target = fm.comment(app, author, thread, "这条评论会被三个人举报")
    thread_url = f"{live_server}/proposals/{thread.id}"

    all_dialogs = []
    contexts = []
    for index, flagger in enumerate(flaggers):
        context, page, dialogs = _signed_in(browser, live_server, flagger.username)
        contexts.append(context)
        all_dialogs.append(dialogs)
        page.goto(thread_url)
        expect(page.locator(f"#comment-{target.id}")).to_contain_text("这条评论会被三个人举报")
        page.locator(f"#comment-{target.id} .comment-actions").get_by_role("link", name="举报").click()
        expect(page.locator("h1")).to_have_text("举报")
        page.get_by_label("垃圾广告").check()
        page.get_by_label("给版主的说明（选填）").fill(f"第{index + 1}个举报")
        page.get_by_role("button", name="提交举报").click()
        expect(page.locator(".flashes")).to_contain_text("感谢您的举报")
        if index < 2:
            expect(page.locator(f"#comment-{target.id}")).to_contain_text("这条评论会被三个人举报")
    # after the third flag the text is gone, for everyone
    expect(page.locator(f"#comment-{target.id}")).to_contain_text(HIDDEN_BY_FLAGS)
    expect(page.locator(f"#comment-{target.id}")).not_to_contain_text("这条评论会被三个人举报")
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(thread_url)
    expect(visitor.locator(f"#comment-{target.id}")).to_contain_text(HIDDEN_BY_FLAGS)

    moderator_context, moderator, moderator_dialogs = _signed_in(browser, live_server, cast.moderator.username)
    moderator.get_by_role("link", name="审核队列").click()
    moderator.get_by_role("link", name="被举报").click()
    entry = moderator.locator(f"#queue-comment-{target.id}")
    expect(entry).to_contain_text("3 次举报")
    expect(entry).to_contain_text("垃圾广告：3")
    expect(entry).to_contain_text("第2个举报")
    entry.get_by_role("button", name="恢复").click()
    expect(moderator.locator(".flashes")).to_contain_text("已完成：恢复")
    expect(moderator.locator(f"#queue-comment-{target.id}")).to_have_count(0)
    visitor.goto(thread_url)
    expect(visitor.locator(f"#comment-{target.id}")).to_contain_text("这条评论会被三个人举报")
    expect(visitor.locator(f"#comment-{first.id} .comment-replies .comment-replies")).to_contain_text("第三层的回复")
    moderator.goto(f"{live_server}/moderation/log")
    expect(moderator.locator("table")).to_contain_text("因三次举报自动隐藏，等待审核")
    expect(moderator.locator("table")).to_contain_text("恢复")
    assert all(d == [] for d in all_dialogs) and moderator_dialogs == []

    problems = {}
    moderator_cookies = moderator_context.cookies()
    for path, cookies in (("/moderation", moderator_cookies), ("/moderation?tab=flagged", moderator_cookies),
                          ("/moderation/log", None), (f"/proposals/{thread.id}", None),
                          (f"/proposals/{thread.id}", contexts[0].cookies()), (f"/proposals/{thread.id}", moderator_cookies)):
        violations = axe_check(f"{live_server}{path}", cookies)
        if violations:
            problems[(path, bool(cookies))] = violations
    violations = axe_check(f"{live_server}/proposals/{thread.id}", width=360)
    if violations:
        problems[("thread", "360px")] = violations
    assert problems == {}
    for context in contexts + [moderator_context]:
        context.close()
