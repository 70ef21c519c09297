"""Rate limits: one count shared by several gunicorn processes through Redis; 429 with Retry-After."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.servers import gunicorn

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _post_token(base: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": "nobody", "password": "wrong-password"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")
def test_two_gunicorn_servers_sharing_redis_enforce_one_limit(tmp_path):
    import redis
    from flask_migrate import upgrade

    from app import create_app

    database = f"sqlite:///{tmp_path / 'ratelimit.sqlite'}"
    with create_app("development", SQLALCHEMY_DATABASE_URI=database, SECRET_KEY="x").app_context():
        upgrade()
    prefix = f"minyi-test-{os.getpid()}"
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    env = {
        "DATABASE_URL": database,
        "SECRET_KEY": "test-secret",
        "MINYI_INSTANCE_PATH": str(tmp_path),
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_AUTH": "4 per minute",
    }
    with gunicorn(env) as first, gunicorn(env) as second:
        statuses = [_post_token(base)[0] for base in (first, second, first, second)]
        assert statuses == [401, 401, 401, 401]
        status, headers, body = _post_token(first)
        assert status == 429
        assert body["error"]["code"] == "rate_limited"
        assert 1 <= int(headers["Retry-After"]) <= 60
        assert _post_token(second)[0] == 429
    assert any(True for _ in client.scan_iter(f"*{prefix}*")), "the count lives in Redis"


def test_in_process_limit_answers_429_with_retry_after(app, client):
    from app.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    app.config["RATELIMIT_AUTH"] = "2 per minute"
    try:
        codes = [client.api("POST", "/auth/token", {"username": "x", "password": "y"}).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        response = client.api("POST", "/auth/token", {"username": "x", "password": "y"})
        assert response.headers["Retry-After"].isdigit()
        assert response.get_json()["error"]["code"] == "rate_limited"
        page = client.post("/login", data={"username": "x", "password": "y"})
        assert page.status_code in (400, 429)  # the page limit is counted separately
    finally:
        limiter.enabled = False
        app.config["RATELIMIT_ENABLED"] = False
