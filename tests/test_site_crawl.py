"""Crawl the demo site as every kind of user: no page fails, no internal link
is broken, and every page is valid HTML (Nu Html Checker, when available).

The crawl starts at the home page of a database filled by ``seed demo`` and
follows same-site links breadth-first, visiting one example of each URL
shape (``/proposals/17`` stands for every ``/proposals/<n>``), so pages that
features add are checked without listing them here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests import factories

VNU_JAR = os.environ.get("VNU_JAR") or next(
    (str(p) for p in (Path(__file__).parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar",) if p.exists()), ""
)
MAX_PAGES = 120
SKIP_PREFIXES = ("/static/", "/logout", "/api/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _shape(path: str) -> str:
    parts = urlsplit(path)
    shape = re.sub(r"/\d+", "/N", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return shape + ("?" + "&".join(keys) if keys else "")


def crawl(client, start: str = "/") -> dict[str, tuple[int, str]]:
    """path → (status, html) for one page per URL shape reachable from start."""
    seen_shapes: set[str] = set()
    pages: dict[str, tuple[int, str]] = {}
    queue = deque([start])
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(path)
        html = response.get_data(as_text=True)
        pages[path] = (response.status_code, html)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            url, _ = urldefrag(urljoin("http://localhost" + path, href))
            parts = urlsplit(url)
            if parts.netloc != "localhost":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not target.startswith(SKIP_PREFIXES) and _shape(target) not in seen_shapes:
                queue.append(target)
    return pages


@pytest.fixture
def demo_site(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return app


def _client_for(app, role: str):
    client = app.test_client()
    if role != "visitor":
        from sqlalchemy import select

        from app.accounts.models import User
        from app.extensions import db
        from app.seed import DEMO_PASSWORD

        with app.app_context():
            name = db.session.scalar(select(User.username).where(User.role == role).order_by(User.id).limit(1))
        client.login(name, DEMO_PASSWORD)
    return client


@pytest.mark.parametrize("role", ["visitor", "citizen", "officer", "moderator"])
def test_crawl_finds_no_broken_pages(demo_site, role):
    pages = crawl(_client_for(demo_site, role))
    assert len(pages) >= 8
    broken = {path: status for path, (status, _) in pages.items() if status >= 400}
    assert broken == {}, f"broken internal links or failing pages: {broken}"


@pytest.mark.parametrize("role", ["visitor", "moderator"])
def test_every_post_form_carries_a_csrf_token(demo_site, role):
    forms_seen = 0
    for path, (status, html) in crawl(_client_for(demo_site, role)).items():
        for form in re.findall(r"<form\b.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                forms_seen += 1
                assert 'name="csrf_token"' in form, f"{path}: POST form without CSRF token: {form[:200]}"
    assert forms_seen > 0


@pytest.mark.skipif(not VNU_JAR or not shutil.which("java"), reason="Nu Html Checker (npm vnu-jar) or java missing; CI installs them")
def test_crawled_pages_are_valid_html(demo_site, tmp_path):
    files = []
    for role in ("visitor", "moderator"):
        for index, (path, (status, html)) in enumerate(crawl(_client_for(demo_site, role)).items()):
            if status == 200 and html.lstrip().lower().startswith("<!doctype html>"):
                file = tmp_path / f"{role}-{index:03d}.html"
                file.write_text(html, encoding="utf-8")
                files.append((file, path))
    assert files
    result = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *[str(f) for f, _ in files]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    by_file = {str(f): path for f, path in files}
    errors = [f"{by_file.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m.get('message')} [{m.get('extract', '')[:80]}]" for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors[:40])


def test_factories_and_seed_do_not_collide(app):
    # the crawl uses the demo data; factories still work afterwards
    assert factories.department(app).slug.startswith("dept-")
