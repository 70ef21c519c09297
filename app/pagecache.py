"""Micro-caching of whole pages for visitors.

A visitor's GET (no session cookie, no sign-in, no bearer token) of a page
or JSON document is answered from the cache when an identical request was
answered in the last ``PAGE_CACHE_SECONDS`` seconds and nothing has been
written since: every successful writing request bumps one generation
counter that is part of every key, so a new thread, support or answer is
visible on the very next request. What can still be stale, for at most the
TTL, is what changes with the clock alone (a deadline passing).

Signed-in users, streamed downloads, responses that set cookies and
anything but 200 are never cached. The cache lives in Redis (``REDIS_URL``)
so that every worker and app server shares it and its generation; with
``PAGE_CACHE_BACKEND=memory`` a single-process server may keep it in memory
(development only: several processes would not see each other's writes).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time

from flask import Flask, Response, current_app, g, request, session

from app.i18n import ELDER_COOKIE, select_locale

_SKIP_HEADERS = {"set-cookie", "date", "content-length", "x-query-count", "x-cache"}
MAX_BODY = 512 * 1024
GENERATION_KEY = "minyi:pagecache:generation"


class _MemoryBackend:
    """A dict with expiry, for one process."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, bytes]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def generation(self) -> int:
        return self._generation

    def bump(self) -> None:
        with self._lock:
            self._generation += 1
            self._data.clear()

    def get(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            if len(self._data) > 5000:
                self._data.clear()
            self._data[key] = (time.monotonic() + ttl, value)


class _RedisBackend:
    """The shared cache of every worker and app server."""

    def __init__(self, url: str) -> None:
        from redis import Redis

        self._redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def generation(self) -> int:
        value = self._redis.get(GENERATION_KEY)
        return int(value) if value else 0

    def bump(self) -> None:
        self._redis.incr(GENERATION_KEY)

    def get(self, key: str) -> bytes | None:
        return self._redis.get(key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self._redis.set(key, value, ex=ttl)


def _backend(app: Flask):
    return app.extensions.get("minyi_pagecache")


def _eligible() -> bool:
    if request.method != "GET" or request.headers.get("Authorization"):
        return False
    cookies = request.cookies
    if current_app.config["SESSION_COOKIE_NAME"] in cookies or "remember_token" in cookies:
        return False
    return not request.path.startswith(("/static/", "/healthz"))


def _key(generation: int) -> str:
    query = "&".join(sorted(request.query_string.decode("utf-8", "replace").split("&")))
    parts = [str(generation), select_locale(), request.cookies.get(ELDER_COOKIE, ""), request.path, query]
    return "minyi:page:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def bump_generation() -> None:
    """Forget every cached page (called after a successful write)."""
    backend = _backend(current_app)
    if backend is None:
        return
    try:
        backend.bump()
    except Exception:  # noqa: BLE001 - a cache outage must not fail a write
        current_app.logger.warning("page cache: could not bump the generation", exc_info=True)


def register_page_cache(app: Flask) -> None:
    """Serve and fill the cache around each eligible request."""
    ttl = int(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if ttl <= 0:
        return
    kind = app.config.get("PAGE_CACHE_BACKEND") or ("redis" if app.config.get("REDIS_URL") else "")
    if kind == "redis":
        app.extensions["minyi_pagecache"] = _RedisBackend(app.config["REDIS_URL"])
    elif kind == "memory":
        app.extensions["minyi_pagecache"] = _MemoryBackend()
    else:
        return

    @app.before_request
    def _serve_cached() -> Response | None:
        if not _eligible():
            return None
        backend = _backend(app)
        try:
            key = _key(backend.generation())
            cached = backend.get(key)
        except Exception:  # noqa: BLE001 - no cache is better than no page
            return None
        g.page_cache_key = key
        if cached is None:
            return None
        header_blob, _, body = cached.partition(b"\n\n")
        headers = json.loads(header_blob)
        response = Response(body, status=200, headers=headers)
        response.headers["X-Cache"] = "HIT"
        g.page_cache_hit = True
        return response

    @app.after_request
    def _store(response: Response) -> Response:
        key = g.get("page_cache_key")
        if not key or g.get("page_cache_hit"):
            return response
        if (
            response.status_code != 200
            or response.is_streamed
            or response.direct_passthrough
            or "Set-Cookie" in response.headers
            or session.modified  # a session cookie will be set after this hook (CSRF token, flash)
            or "no-store" in (response.headers.get("Cache-Control") or "")
        ):
            return response
        body = response.get_data()
        if len(body) > MAX_BODY:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _SKIP_HEADERS}
        try:
            _backend(app).set(key, json.dumps(headers).encode() + b"\n\n" + body, ttl)
        except Exception:  # noqa: BLE001
            return response
        response.headers["X-Cache"] = "MISS"
        return response


__all__ = ["register_page_cache", "bump_generation"]
