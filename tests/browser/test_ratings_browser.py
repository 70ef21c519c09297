"""A citizen rates a service 2 with a comment, the officer publishes the
rectification note, the citizen confirms it resolved; axe finds no WCAG A/AA
violation on the pages involved."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests import factories_ratings as fr


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flashes")).to_contain_text("已登录")


def test_rate_rectify_confirm(page, browser, live_server, app, axe_check, dialogs):
    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    service = factories.service(app, dept, name="居民身份证首次申领")
    factories.user(app, "王晓明")
    officer = factories.user(app, "gat-officer", role="officer", department=dept)
    fr.many_ratings(app, service, [5, 4, 4, 3], comment="办理顺利<script>alert(1)</script>")

    # the citizen rates the service 2 with a comment
    _sign_in(page, live_server, "王晓明")
    page.goto(f"{live_server}/services/{service.id}")
    form = page.locator("form.rating-form")
    expect(form.locator("legend")).to_contain_text("您对本服务事项满意吗？")
    form.get_by_label("2 不满意").check()
    form.get_by_label("评价内容（选填）").fill("材料清单和窗口要求不一致，白跑了一趟。电话13812345678")
    form.get_by_role("button", name="提交评价").click()
    expect(page.locator(".flashes")).to_contain_text("感谢您的评价")
    expect(page.locator(".flashes")).to_contain_text("部门须在")
    section = page.locator("#ratings")
    expect(section).to_contain_text("材料清单和窗口要求不一致")
    expect(section).to_contain_text("138****5678")
    expect(section).not_to_contain_text("13812345678")
    expect(section).to_contain_text("王**")
    expect(section).to_contain_text("整改中")
    citizen_cookies = page.context.cookies()

    # the officer answers from the department's open cases
    officer_context = browser.new_context(locale="zh-CN")
    try:
        officer_page = officer_context.new_page()
        _sign_in(officer_page, live_server, officer.username)
        officer_page.goto(f"{live_server}/ratings/cases")
        expect(officer_page.locator("h1")).to_have_text("待整改差评")
        expect(officer_page.locator(".case-list")).to_contain_text("材料清单和窗口要求不一致")
        officer_page.get_by_role("textbox", name=re.compile("整改说明")).fill("已更新办事指南中的材料清单，并对窗口人员开展培训。")
        officer_page.get_by_role("button", name=re.compile("发布整改说明")).click()
        expect(officer_page.locator(".flashes")).to_contain_text("整改说明已发布")
        expect(officer_page.locator("main")).to_contain_text("没有待整改的差评")
        officer_violations = axe_check(f"{live_server}/ratings/cases", officer_context.cookies())
    finally:
        officer_context.close()

    # the citizen reads the note and confirms resolved
    page.goto(f"{live_server}/services/{service.id}")
    page.get_by_role("link", name="查看整改说明并回访确认").click()
    expect(page.locator(".rectification-note")).to_contain_text("已更新办事指南中的材料清单")
    page.get_by_role("button", name="已解决", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("感谢您的回访确认")
    expect(page.locator(".case-facts")).to_contain_text("回访：已解决")
    expect(page.get_by_role("button", name="已解决", exact=True)).to_have_count(0)

    page.goto(f"{live_server}/ratings/rectifications?state=resolved")
    expect(page.locator(".case-list")).to_contain_text("居民身份证首次申领")
    assert dialogs == []  # the hostile comment never ran

    problems = {"officer cases": officer_violations} if officer_violations else {}
    rating_id = fr.all_ratings(app, service)[-1].id
    checks = [
        (f"/services/{service.id}", None),
        (f"/services/{service.id}", citizen_cookies),
        (f"/services/{service.id}", [{"name": "elder", "value": "1", "url": live_server}]),
        (f"/services/{service.id}/ratings", None),
        (f"/ratings/{rating_id}", citizen_cookies),
        ("/ratings/rectifications", None),
        ("/ratings/rectifications?state=resolved&department=zj-gat", [{"name": "lang", "value": "en", "url": live_server}]),
        ("/departments/zj-gat", None),
    ]
    for path, cookies in checks:
        violations = axe_check(f"{live_server}{path}", cookies)
        if violations:
            problems[(path, bool(cookies))] = violations
    violations = axe_check(f"{live_server}/services/{service.id}", citizen_cookies, width=360)
    if violations:
        problems["service page at 360px"] = violations
    assert problems == {}


def test_service_page_fits_a_phone(page, live_server, app):
    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    service = factories.service(app, dept, name="一个名字相当长的政务服务事项用于检查窄屏下的换行效果")
    fr.many_ratings(app, service, [5, 4, 3, 2, 1], comment="很长的评价" * 40)
    page.set_viewport_size({"width": 360, "height": 740})
    for path in (f"/services/{service.id}", "/ratings/rectifications"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
