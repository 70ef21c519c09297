"""Translations are complete; language and elder mode switch and stick."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", Path(__file__).parent.parent / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_user_facing_string_has_a_chinese_translation():
    missing = _i18n_script().untranslated()
    assert not missing, "untranslated (run scripts/i18n.py update, then translate):\n" + "\n".join(
        f"{where}: {msgid}" for msgid, where in missing
    )


def test_language_switch_sets_cookie_and_renders_english(client):
    assert "跳到主要内容" in client.get("/departments").get_data(as_text=True)
    response = client.submit("/preferences/language", {"lang": "en", "next": "/departments"})
    assert response.status_code == 302 and response.headers["Location"] == "/departments"
    html = client.get("/departments").get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to main content" in html
    client.submit("/preferences/language", {"lang": "zh_CN", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    response = client.submit("/preferences/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_api_follows_accept_language_without_cookie(client):
    response = client.get("/api/v1/departments/nope", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.get_json()["error"]["message"] == "No department with this name."
    response = client.get("/api/v1/departments/nope")
    assert response.get_json()["error"]["message"] == "没有这个部门。"


def test_elder_mode_toggles_and_is_remembered(client):
    html = client.get("/").get_data(as_text=True)
    assert '<body class="">' in html and "/preferences/elder?elder=1" in html
    response = client.submit("/preferences/elder", {"elder": "1", "next": "/departments"})
    assert "elder=1" in response.headers["Set-Cookie"] and "Max-Age=31536000" in response.headers["Set-Cookie"]
    html = client.get("/departments").get_data(as_text=True)
    assert '<body class="elder">' in html and "退出长辈模式" in html and "/preferences/elder?elder=0" in html
    client.submit("/preferences/elder", {"elder": "0", "next": "/"})
    assert '<body class="">' in client.get("/").get_data(as_text=True)


def test_switches_are_links_that_work_without_a_form(client):
    response = client.get("/preferences/language?lang=en&next=/services")
    assert response.status_code == 302 and response.headers["Location"] == "/services"
    assert '<html lang="en">' in client.get("/services").get_data(as_text=True)
    response = client.get("/preferences/elder?elder=1&next=//evil.example")
    assert response.headers["Location"] == "/"
    assert '<body class="elder">' in client.get("/").get_data(as_text=True)
    # visitors' pages carry no per-visitor token and set no cookie
    fresh = client.application.test_client()
    response = fresh.get("/departments")
    assert "csrf_token" not in response.get_data(as_text=True) and "Set-Cookie" not in response.headers


def test_every_page_has_language_and_elder_switch_and_landmarks(client, department):
    for path in ("/", "/departments", f"/departments/{department.slug}", "/services", "/login", "/register", "/about"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/preferences/language?lang=en' in html, path
        assert 'href="/preferences/elder?elder=1' in html, path
        assert '<main id="main"' in html and '<header class="site-header">' in html and "<footer" in html, path
        assert 'href="#main"' in html, path
