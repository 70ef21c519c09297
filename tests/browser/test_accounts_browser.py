"""A citizen signs up, signs out and in, switches language and elder mode; axe finds nothing."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories


def test_register_sign_in_language_and_elder_mode(page, live_server, app, axe_check, dialogs):
    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    factories.service(app, dept, name="居民身份证首次申领")

    page.goto(f"{live_server}/register")
    expect(page.locator("h1")).to_have_text("注册")
    page.get_by_label("用户名").fill("浏览器用户")
    page.get_by_label("电子邮箱").fill("browser@example.cn")
    page.get_by_label("密码", exact=True).fill("browser-pass-123")
    page.get_by_label("确认密码").fill("browser-pass-123")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".flashes")).to_contain_text("欢迎，浏览器用户")

    page.get_by_role("button", name="退出").click()
    expect(page.locator(".flashes")).to_contain_text("您已退出登录")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("用户名").fill("浏览器用户")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".errors")).to_contain_text("用户名或密码错误")
    page.get_by_label("密码").fill("browser-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flashes")).to_contain_text("已登录")

    page.goto(f"{live_server}/departments")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Departments")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_role("link", name="长辈模式", exact=True).click()
    expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    page.goto(f"{live_server}/services")
    expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))  # remembered
    font_size = page.evaluate("getComputedStyle(document.body).fontSize")
    assert float(font_size.rstrip("px")) >= 20

    # keyboard: the skip link is the first focusable element and moves focus to main
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert dialogs == []


def test_pages_have_no_wcag_violations(live_server, app, axe_check):
    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅", description="负责全省公安工作")
    child = factories.department(app, slug="hz-gaj", name="杭州市公安局", parent=dept)
    service = factories.service(app, dept, name="居民身份证首次申领", guide="### 申请材料\n\n- 户口簿\n- 照片")
    factories.service(app, child)
    pages = ["/", "/register", "/login", "/departments", "/departments/zj-gat", "/services", f"/services/{service.id}", "/about", "/nothing-here"]
    problems = {}
    for path in pages:
        for cookies in (None, [{"name": "elder", "value": "1", "url": live_server}], [{"name": "lang", "value": "en", "url": live_server}]):
            violations = axe_check(f"{live_server}{path}", cookies)
            if violations:
                problems[(path, str(cookies))] = violations
    violations = axe_check(f"{live_server}/departments", width=360)
    if violations:
        problems[("/departments", "360px")] = violations
    assert problems == {}


def test_phone_width_has_no_horizontal_scroll(page, live_server, app):
    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    factories.service(app, dept, name="一个名字相当长的政务服务事项用于检查窄屏下的换行效果")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/departments", "/services", "/register"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
