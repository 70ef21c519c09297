"""Search, similar suggestions while typing, and the inbox, in a real Chromium; axe finds nothing."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests import factories_search as fs

XSS = '<img src=x onerror=alert("xss")><script>alert(1)</script>'


def _sign_in(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flashes")).to_contain_text("已登录")


def test_search_finds_highlights_filters_and_never_runs_user_html(page, live_server, app, dialogs):
    dept = factories.department(app, name="杭州市城管局")
    factories.service(app, dept, name="城市道路占用挖掘许可", guide="涉及道路积水抢修的，可先行施工")
    fs.document(app, kind="proposal", title="西湖区道路积水严重" + XSS, body="希望尽快修缮排水设施" + XSS, department=dept)

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="搜索").first.click()
    page.get_by_label("搜索词").fill("道路 积水")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("status")).to_contain_text("共 2 条结果")
    expect(page.locator(".search-results mark").first).to_have_text(re.compile("道路|积水"))
    expect(page.locator(".search-results")).to_contain_text("<img src=x")  # shown as text
    page.get_by_label("显示").select_option(label="政务服务")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("status")).to_contain_text("共 1 条结果")
    expect(page.locator(".search-results li")).to_have_count(1)
    page.get_by_role("link", name=re.compile("城市道路占用挖掘许可")).click()
    expect(page.locator("h1")).to_contain_text("城市道路占用挖掘许可")
    assert dialogs == []


def test_similar_suggestions_appear_while_typing(page, live_server, app, dialogs):
    target = fs.document(app, kind="proposal", title="西湖区道路积水严重")
    fs.document(app, kind="proposal", title=XSS + "道路积水")
    fs.document(app, kind="service", title="道路积水服务")  # another kind: not suggested
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/search")
    # A form as a feature would render it (search/_similar.html), plus one whose target is missing.
    page.evaluate(
        """() => {
          const form = document.createElement('form');
          form.innerHTML = '<label for="t">标题</label><input id="t" data-similar-kind="proposal" data-similar-target="#similar">'
            + '<ul id="similar" aria-live="polite" data-similar-heading="类似的提案："></ul>'
            + '<label for="u">无目标</label><input id="u" data-similar-kind="proposal" data-similar-target="#missing">'
            + '<label for="v">坏选择器</label><input id="v" data-similar-kind="proposal" data-similar-target="##">';
          document.querySelector('main').appendChild(form);
        }"""
    )
    page.add_script_tag(url=f"{live_server}/static/js/similar.js")
    page.get_by_label("无目标").press_sequentially("道路积水问题")
    page.get_by_label("坏选择器").press_sequentially("道路积水问题")
    field = page.get_by_label("标题")
    field.press_sequentially("道路积")  # fewer than 4 characters: nothing yet
    page.wait_for_timeout(600)
    expect(page.locator("#similar li")).to_have_count(0)
    field.press_sequentially("水问题")
    links = page.locator("#similar a")
    expect(links).to_have_count(2)
    expect(page.locator("#similar li").first).to_have_text("类似的提案：")
    expect(links.first).to_have_attribute("href", f"/proposals/{target}")
    expect(links.nth(1)).to_contain_text("<img src=x")  # text, not HTML
    field.fill("")
    field.press_sequentially("地")
    expect(page.locator("#similar li")).to_have_count(0)
    assert dialogs == [] and errors == []


def test_inbox_header_count_open_and_mark_all_read(page, live_server, app):
    citizen = factories.user(app, username="inbox-citizen")
    fs.notification(app, citizen, params={"title": "道路积水"}, url="/services", target_id=1)
    fs.notification(app, citizen, params={"title": "公交线路"}, target_id=2)
    fs.notification(app, citizen, params={"title": "公园绿化"}, target_id=3)
    _sign_in(page, live_server, "inbox-citizen")
    header_link = page.locator(".user-nav a[href='/notifications']")
    expect(page.get_by_role("link", name="通知 3 条未读通知", exact=True)).to_be_visible()
    header_link.click()
    expect(page.locator("h1")).to_have_text("通知")
    expect(page.locator(".notification.unread")).to_have_count(3)
    page.get_by_role("link", name="“道路积水”有新进展。").click()
    expect(page).to_have_url(f"{live_server}/services")
    expect(page.get_by_role("link", name="通知 2 条未读通知", exact=True)).to_be_visible()
    page.goto(f"{live_server}/notifications")
    expect(page.locator(".notification.unread")).to_have_count(2)
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".flashes")).to_contain_text("所有通知已标为已读")
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(header_link).to_have_text("通知")


def test_search_and_inbox_pages_have_no_wcag_violations(page, live_server, app, axe_check):
    dept = factories.department(app, name="杭州市城管局")
    factories.service(app, dept, name="排水许可", guide="城镇污水排入排水管网许可")
    for i in range(25):
        fs.document(app, kind="proposal", title=f"道路积水问题{i}", body="西湖区道路积水，希望修缮排水设施", department=dept)
    citizen = factories.user(app, username="axe-citizen")
    fs.notification(app, citizen, params={"title": "道路积水"})
    fs.notification(app, citizen, params={"title": "排水"})
    _sign_in(page, live_server, "axe-citizen")
    signed_in = page.context.cookies()
    problems = {}
    for path, cookies in [
        ("/search", None), ("/search?q=积水", None), ("/search?q=积水&page=2", None), ("/search?q=排水&kind=service", None),
        ("/search?q=地铁", None), ("/search?q=积水", [{"name": "elder", "value": "1", "url": live_server}]),
        ("/search?q=积水", [{"name": "lang", "value": "en", "url": live_server}]),
        ("/notifications", signed_in), ("/search?q=积水", signed_in),
    ]:
        violations = axe_check(f"{live_server}{path}", cookies)
        if violations:
            problems[(path, bool(cookies))] = violations
    violations = axe_check(f"{live_server}/search?q=积水", width=360)
    if violations:
        problems[("/search?q=积水", "360px")] = violations
    assert problems == {}


def test_search_page_fits_a_phone(page, live_server, app):
    fs.document(app, title="一个很长很长的标题" * 10 + "积水", body="积水" + "很长的正文" * 100)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/search?q=积水")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
