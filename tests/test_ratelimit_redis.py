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


def test_in_process_limit_answers_429_with_retry_after(app):
    from app import create_app

    limited = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_AUTH="2 per minute",
    )
    limited.test_client_class = type(app.test_client())
    client = limited.test_client()
    codes = [client.api("POST", "/auth/token", {"username": "x", "password": "y"}).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    response = client.api("POST", "/auth/token", {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert response.headers["Retry-After"].isdigit() and 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["error"]["code"] == "rate_limited"
    page = client.submit("/login", {"username": "x", "password": "y"}, form_page="/login")
    assert page.status_code == 400  # the sign-in page has its own count
