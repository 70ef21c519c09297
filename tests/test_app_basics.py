"""Health check, error shapes, security headers, pagination bounds."""

from __future__ import annotations

import pytest


def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_home_page_renders_in_chinese_by_default(client, department):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "跳到主要内容" in html
    assert department.name in html


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/departments"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts(client, department):
    html = client.get("/").get_data(as_text=True)
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), "inline script found"
    assert " style=" not in html


@pytest.mark.parametrize(
    "method,path,status,code",
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("GET", "/api/v1/departments/no-such-dept", 404, "not_found"),
        ("PUT", "/api/v1/departments", 405, "method_not_allowed"),
        ("GET", "/api/v1/me", 401, "not_authenticated"),
    ],
)
def test_api_errors_have_the_json_shape(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_api_bad_json_is_400_not_500(client):
    response = client.post("/api/v1/auth/register", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    response = client.post("/api/v1/auth/register", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    response = client.post("/api/v1/auth/register", data="username=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_html_errors_are_friendly_pages(client):
    response = client.get("/departments/no-such-department")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>未找到</h1>" in html
    assert "返回首页" in html


def test_form_post_without_csrf_token_is_refused(client):
    response = client.post("/register", data={"username": "someone", "password": "long enough", "confirm": "long enough", "email": "a@b.cn"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "per_page=0", "per_page=x"])
def test_bad_pagination_is_400_with_field(client, query):
    response = client.get(f"/api/v1/departments?{query}")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) <= {"page", "per_page"} and fields


def test_huge_pagination_values_are_bounded(client, department):
    response = client.get("/api/v1/departments?page=1&per_page=100000000")
    assert response.status_code == 200
    assert response.get_json()["per_page"] == 100
    response = client.get("/api/v1/departments?page=99999999999999999999")
    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_huge_page_number_on_html_list_does_not_fail(client):
    assert client.get("/services?page=99999999999999999999999").status_code == 200


def test_production_config_demands_secret_and_secure_cookies(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app("production", SECRET_KEY=None)
    prod = create_app("production", SECRET_KEY="s" * 32, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    assert prod.config["SESSION_COOKIE_HTTPONLY"] and prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = prod.test_client().get("/healthz")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("path", ["/api/v1/services?q=%00", "/services?q=%00", "/api/v1/departments/%00", "/search?q=a%00b"])
def test_nul_characters_are_refused_with_400(client, path):
    response = client.get(path)
    assert response.status_code == 400


def test_nul_in_json_string_is_a_field_error(client):
    response = client.api("POST", "/auth/register", {"username": "ab\x00cd", "password": "password1", "email": "a@b.cn"})
    assert response.status_code == 400
    assert "username" in response.get_json()["error"]["fields"]


def test_lone_surrogate_in_json_string_is_a_field_error(client):
    response = client.post(
        "/api/v1/auth/register",
        data='{"username": "ab\\ud800cd", "password": "password1", "email": "a@b.cn"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "username" in response.get_json()["error"]["fields"]
