"""Accounts: sign up, sign in, sign out, tokens, /me — pages and API, good and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import ApiToken, User
from app.extensions import db
from tests import factories


def _user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


# --- pages -----------------------------------------------------------------

def test_register_page_creates_account_and_signs_in(client, app):
    response = client.submit(
        "/register",
        {"username": "王晓明", "email": "wxm@example.cn", "password": "长长的安全密码12", "confirm": "长长的安全密码12"},
        form_page="/register",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "王晓明" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "王晓明"))
        assert user.role == "citizen" and not user.verified
        assert user.password_hash.startswith("pbkdf2:") and "长长的安全密码12" not in user.password_hash


@pytest.mark.parametrize(
    "data,field_error",
    [
        ({"username": "", "email": "a@b.cn", "password": "password1", "confirm": "password1"}, "请输入用户名"),
        ({"username": "ab", "email": "a@b.cn", "password": "password1", "confirm": "password1"}, "用户名"),
        ({"username": "x" * 33, "email": "a@b.cn", "password": "password1", "confirm": "password1"}, "用户名"),
        ({"username": "bad name!", "email": "a@b.cn", "password": "password1", "confirm": "password1"}, "只能使用"),
        ({"username": "goodname", "email": "not-an-email", "password": "password1", "confirm": "password1"}, "电子邮箱格式不正确"),
        ({"username": "goodname", "email": "a@b.cn", "password": "short", "confirm": "short"}, "密码"),
        ({"username": "goodname", "email": "a@b.cn", "password": "password1", "confirm": "password2"}, "两次输入的密码不一致"),
        ({"username": "goodname", "email": "a@b.cn", "password": "p" * 300, "confirm": "p" * 300}, "密码"),
    ],
)
def test_register_page_bad_input_shows_errors_and_creates_nothing(client, app, data, field_error):
    response = client.submit("/register", data, form_page="/register")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请修改以下问题" in html and field_error in html
    assert _user_count(app) == 0


def test_register_duplicate_username_ignores_case(client, app):
    factories.user(app, username="Alice")
    response = client.submit(
        "/register",
        {"username": "ALICE", "email": "a@b.cn", "password": "password1", "confirm": "password1"},
        form_page="/register",
    )
    assert response.status_code == 400
    assert "该用户名已被使用" in response.get_data(as_text=True)
    assert _user_count(app) == 1


def test_login_wrong_password_then_right(client, app):
    user = factories.user(app, username="citizen-a")
    response = client.submit("/login", {"username": "citizen-a", "password": "wrong password"}, form_page="/login")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)
    response = client.submit("/login", {"username": "CITIZEN-A", "password": factories.PASSWORD}, form_page="/login")
    assert response.status_code == 302
    assert user.username in client.get("/account").get_data(as_text=True)


def test_login_empty_fields(client):
    response = client.submit("/login", {"username": "", "password": ""}, form_page="/login")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请输入您的用户名" in html and "请输入您的密码" in html


def test_login_redirects_only_to_local_paths(client, app):
    factories.user(app, username="nexttester")
    response = client.submit(
        "/login?next=https://evil.example/steal",
        {"username": "nexttester", "password": factories.PASSWORD},
        form_page="/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    client.submit("/logout", form_page="/")
    response = client.submit(
        "/login?next=/departments", {"username": "nexttester", "password": factories.PASSWORD}, form_page="/login"
    )
    assert response.headers["Location"] == "/departments"


def test_logout_needs_post_and_signs_out(citizen_client):
    assert citizen_client.get("/account").status_code == 200
    page = citizen_client.get("/logout")
    assert page.status_code == 200 and "确定要在此设备上退出民意吗" in page.get_data(as_text=True)
    assert citizen_client.get("/account").status_code == 200  # GET did not sign out
    response = citizen_client.submit("/logout")
    assert response.status_code == 302
    assert citizen_client.get("/account").status_code == 302


def test_account_page_requires_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=/account" in response.headers["Location"]


def test_deleted_account_cannot_sign_in(client, app):
    from app.clock import utcnow

    factories.user(app, username="gone-user", deleted_at=utcnow())
    response = client.submit("/login", {"username": "gone-user", "password": factories.PASSWORD}, form_page="/login")
    assert response.status_code == 400


# --- API -------------------------------------------------------------------

def test_api_register_token_me_and_revoke(client, app):
    response = client.api("POST", "/auth/register", {"username": "apiuser", "password": "password123", "email": "api@example.org"})
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["username"] == "apiuser" and user["role"] == "citizen" and user["verified"] is False
    assert "email" not in user and "password" not in str(response.get_json())

    response = client.api("POST", "/auth/token", {"username": "APIUSER", "password": "password123"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert response.get_json()["user"]["id"] == user["id"]

    me = client.api("GET", "/me", token=token).get_json()
    assert me == {"id": user["id"], "username": "apiuser", "role": "citizen", "department": None, "verified": False, "created_at": me["created_at"]}
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash != token and len(stored.token_hash) == 64

    assert client.api("DELETE", "/auth/token", token=token).status_code == 204
    response = client.api("GET", "/me", token=token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_api_officer_me_names_department(client, app, officer, department):
    token = factories.token(app, officer)
    me = client.api("GET", "/me", token=token).get_json()
    assert me["role"] == "officer" and me["department"] == department.slug


def test_api_expired_token_is_refused(client, app, citizen):
    import time_machine
    from datetime import timedelta

    from app.clock import utcnow

    token = factories.token(app, citizen)
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        response = client.api("GET", "/me", token=token)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body,fields",
    [
        ({}, {"username", "password", "email"}),
        ({"username": "ok-name", "password": "password1"}, {"email"}),
        ({"username": 123, "password": "password1", "email": "a@b.cn"}, {"username"}),
        ({"username": "ok-name", "password": ["x"], "email": "a@b.cn"}, {"password"}),
        ({"username": "ok-name", "password": "short", "email": "a@b.cn"}, {"password"}),
        ({"username": "a", "password": "password1", "email": "a@b.cn"}, {"username"}),
        ({"username": "y" * 40, "password": "password1", "email": "a@b.cn"}, {"username"}),
        ({"username": "ok-name", "password": "password1", "email": "nope"}, {"email"}),
        ({"username": "ok-name", "password": "password1", "email": None}, {"email"}),
        ({"username": "<script>", "password": "password1", "email": "a@b.cn"}, {"username"}),
    ],
)
def test_api_register_bad_input_names_fields(client, app, body, fields):
    response = client.api("POST", "/auth/register", body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == fields
    assert _user_count(app) == 0


def test_api_register_duplicate_username(client, app):
    factories.user(app, username="Taken")
    response = client.api("POST", "/auth/register", {"username": "taken", "password": "password1", "email": "a@b.cn"})
    assert response.status_code == 400
    assert "username" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body", [{"username": "someone", "password": "wrong-password"}, {"username": "nobody", "password": "whatever1"}])
def test_api_token_wrong_credentials_is_401(client, app, body):
    factories.user(app, username="someone")
    response = client.api("POST", "/auth/token", body)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_api_token_missing_fields_is_400(client):
    response = client.api("POST", "/auth/token", {"username": "x"})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"password"}


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Bearer not-a-real-token", "Token x"])
def test_api_malformed_authorization_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_api_session_cookie_works_for_get_but_post_needs_csrf(citizen_client, app):
    assert citizen_client.get("/api/v1/me").status_code == 200
    response = citizen_client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    token = citizen_client.csrf_token()
    response = citizen_client.post(
        "/api/v1/auth/token", json={"username": citizen_client.user.username, "password": factories.PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200
