"""A citizen raises a thread, another supports it, the department answers, the author rates
the answer; the list, thread and new-thread pages have no WCAG A/AA violations."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests import factories_proposals as fp


def _signed_in_page(browser, live_server, username):
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


def test_raise_support_answer_and_rate(browser, live_server, app, axe_check):
    dept = factories.department(app, slug="hz-gjj", name="杭州住房公积金管理中心")
    other = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    factories.service(app, dept, name="住房公积金提取（租房）")
    factories.service(app, other, name="居民身份证首次申领")
    author = fp.citizen(app, username="王晓明")
    supporter = fp.citizen(app, username="李小娜")
    officer = factories.user(app, role="officer", department=dept, username="gjj-officer")

    context, page, dialogs = _signed_in_page(browser, live_server, author.username)
    page.goto(f"{live_server}/proposals/new")
    expect(page.locator("h1")).to_have_text("我要留言")
    page.get_by_label("类型").select_option("question")
    page.get_by_label("标题").fill("租房提取公积金需要哪些材料<script>alert(1)</script>")
    page.get_by_label("详细内容").fill("我在杭州租房，想按月提取公积金，请问需要准备哪些材料？<img src=x onerror=alert(2)> 电话 13812345678")
    page.get_by_label("部门", exact=True).select_option("hz-gjj")
    service = page.get_by_label("服务事项（选填）")
    # the small script shows only the chosen department's services
    expect(page.locator('optgroup[data-department="zj-gat"]')).to_be_hidden()
    service.select_option(label="住房公积金提取（租房）")
    page.get_by_label("联系方式（选填，不公开）").fill("王先生 13900001111")
    page.get_by_role("button", name="提交留言").click()
    expect(page.locator(".flashes")).to_contain_text("您的留言已公开")
    expect(page.locator("h1")).to_contain_text("租房提取公积金需要哪些材料")
    expect(page.locator(".thread-body")).to_contain_text("138****5678")
    thread_url = page.url
    thread_id = int(re.search(r"/proposals/(\d+)", thread_url).group(1))
    new_page_cookies = context.cookies()

    supporter_context, supporter_page, supporter_dialogs = _signed_in_page(browser, live_server, supporter.username)
    supporter_page.goto(thread_url)
    expect(supporter_page.locator(".support-count")).to_have_text("0 人支持")
    supporter_page.get_by_role("button", name="支持该留言").click()
    expect(supporter_page.locator(".flashes")).to_contain_text("感谢您的支持")
    expect(supporter_page.locator(".support-count")).to_have_text("1 人支持")
    expect(supporter_page.get_by_role("button", name="已支持：撤回支持")).to_have_attribute("aria-pressed", "true")
    expect(supporter_page.locator("body")).not_to_contain_text("13900001111")

    officer_context, officer_page, officer_dialogs = _signed_in_page(browser, live_server, officer.username)
    officer_page.goto(thread_url)
    expect(officer_page.locator(".private-box")).to_contain_text("13900001111")
    officer_page.get_by_label("以杭州住房公积金管理中心名义官方答复").fill("您好，租房提取需提供**身份证**和租赁合同，可在“浙里办”全程网办。")
    officer_page.get_by_role("button", name="发布答复").click()
    expect(officer_page.locator(".flashes")).to_contain_text("官方答复已发布")
    expect(officer_page.locator(".official-answer")).to_contain_text("杭州住房公积金管理中心")
    expect(officer_page.locator(".thread-header .status-answered")).to_have_text("已答复")

    page.goto(thread_url)
    expect(page.locator(".official-answer .tag.official")).to_have_text("官方")
    page.get_by_label("不满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".flashes")).to_contain_text("感谢您的评价")
    expect(page.locator(".official-answer")).to_contain_text("留言人评价：不满意")
    expect(page.get_by_role("button", name="重新打开留言（仅一次）")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("留言人评价了答复")
    assert dialogs == [] and supporter_dialogs == [] and officer_dialogs == []

    problems = {}
    for path, cookies in (("/proposals", None), (f"/proposals/{thread_id}", None), (f"/proposals/{thread_id}", new_page_cookies),
                          (f"/proposals/{thread_id}", officer_context.cookies()), ("/proposals/new", new_page_cookies)):
        violations = axe_check(f"{live_server}{path}", cookies)
        if violations:
            problems[(path, bool(cookies))] = violations
    elder = [{"name": "elder", "value": "1", "url": live_server}]
    for path in ("/proposals", f"/proposals/{thread_id}"):
        violations = axe_check(f"{live_server}{path}", elder)
        if violations:
            problems[(path, "elder")] = violations
    violations = axe_check(f"{live_server}/proposals", width=360)
    if violations:
        problems[("/proposals", "360px")] = violations
    assert problems == {}
    for c in (context, supporter_context, officer_context):
        c.close()


def test_phone_width_thread_pages_do_not_scroll_sideways(page, live_server, app):
    cast = fp.Cast(app)
    thread = cast.thread("answered", title="一个相当长的标题用于检查窄屏幕下留言标题的换行效果是否正常显示")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/proposals", f"/proposals/{thread.id}"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
