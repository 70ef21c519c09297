"""Micro-caching of visitors' pages: hits, never for signed-in users, fresh after any write."""

from __future__ import annotations

import os

import pytest

from app import create_app
from tests import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _cached_app(app, **config):
    cached = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        PAGE_CACHE_SECONDS=30,
        **config,
    )
    cached.test_client_class = type(app.test_client())
    return cached


@pytest.fixture
def cached(app):
    return _cached_app(app, PAGE_CACHE_BACKEND="memory")


def test_visitor_pages_are_served_from_the_cache(cached, count_queries):
    factories.department(cached, slug="dept-cached", name="缓存部门")
    visitor = cached.test_client()
    first = visitor.get("/departments")
    assert first.headers["X-Cache"] == "MISS"
    with count_queries() as counter:
        second = visitor.get("/departments")
    assert second.headers["X-Cache"] == "HIT" and counter.count == 0
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Security-Policy"] and second.content_type.startswith("text/html")
    assert visitor.get("/api/v1/departments").headers["X-Cache"] == "MISS"
    assert visitor.get("/api/v1/departments").headers["X-Cache"] == "HIT"


def test_language_and_elder_mode_have_their_own_entries(cached):
    visitor = cached.test_client()
    visitor.get("/departments")
    visitor.set_cookie("lang", "en")
    english = visitor.get("/departments")
    assert english.headers["X-Cache"] == "MISS" and '<html lang="en">' in english.get_data(as_text=True)
    visitor.set_cookie("elder", "1")
    assert visitor.get("/departments").headers["X-Cache"] == "MISS"


def test_signed_in_users_are_never_served_from_the_cache(cached):
    user = factories.user(cached, username="cache-user")
    client = cached.test_client()
    client.login(user.username)
    for _ in range(2):
        response = client.get("/departments")
        assert "X-Cache" not in response.headers
        assert "cache-user" in response.get_data(as_text=True)
    token = factories.token(cached, user)
    for _ in range(2):
        assert "X-Cache" not in client.api("GET", "/departments", token=token).headers


def test_any_write_makes_the_next_visitor_request_fresh(cached):
    dept = factories.department(cached, slug="dept-fresh", name="新鲜部门")
    admin = factories.user(cached, role="admin")
    visitor = cached.test_client()
    visitor.get("/api/v1/departments")
    assert visitor.get("/api/v1/departments").headers["X-Cache"] == "HIT"
    writer = cached.test_client()
    token = factories.token(cached, admin)
    response = writer.api("POST", "/departments", {"slug": "dept-new", "name": "新建部门"}, token=token)
    assert response.status_code == 201
    fresh = visitor.get("/api/v1/departments")
    assert fresh.headers["X-Cache"] == "MISS"
    assert {item["slug"] for item in fresh.get_json()["items"]} == {dept.slug, "dept-new"}


def test_errors_and_cookie_setting_responses_are_not_cached(cached):
    visitor = cached.test_client()
    assert visitor.get("/departments/nope").status_code == 404
    assert "X-Cache" not in visitor.get("/departments/nope").headers
    login = visitor.get("/login")  # the sign-in form starts a session (CSRF)
    assert "X-Cache" not in login.headers


def test_cache_is_off_by_default(app, client):
    assert "X-Cache" not in client.get("/departments").headers


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")
def test_redis_cache_is_shared_by_app_servers(app):
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    for key in [*server.scan_iter("minyi:page:*"), "minyi:pagecache:generation"]:
        server.delete(key)
    first = _cached_app(app, REDIS_URL=REDIS_URL, PAGE_CACHE_BACKEND="redis")
    second = _cached_app(app, REDIS_URL=REDIS_URL, PAGE_CACHE_BACKEND="redis")
    factories.department(first, slug="dept-shared")
    assert first.test_client().get("/api/v1/departments?per_page=7").headers["X-Cache"] == "MISS"
    assert second.test_client().get("/api/v1/departments?per_page=7").headers["X-Cache"] == "HIT"
    admin = factories.user(first, role="admin")
    token = factories.token(first, admin)
    assert first.test_client().api("POST", "/departments", {"slug": "dept-shared-2", "name": "二"}, token=token).status_code == 201
    response = second.test_client().get("/api/v1/departments?per_page=7")
    assert response.headers["X-Cache"] == "MISS" and response.get_json()["total"] == 2
