"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The app is served by a werkzeug server in a thread, on the test session's
database. Accessibility is checked with axe-core in a separate context that
bypasses the CSP (axe injects a script; the real pages never need to).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.servers import threaded_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (CI installs it)")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def live_server(app):
    """Base URL of the app served for real."""
    with threaded_server(app) as base:
        yield base


@pytest.fixture
def dialogs(page):
    """Every JavaScript dialog the page opens (an XSS would open one)."""
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


@pytest.fixture
def axe_check(browser):
    """``axe_check(url, cookies=None)`` → list of WCAG A/AA violations on that page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(url: str, cookies: list[dict] | None = None, width: int = 1280) -> list[dict]:
        context = browser.new_context(bypass_csp=True, locale="zh-CN", viewport={"width": width, "height": 900})
        try:
            if cookies:
                context.add_cookies(cookies)
            page = context.new_page()
            page.goto(url)
            results = axe.run(page)
            return [
                {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in results.response["violations"]
                if WCAG_TAGS & set(v["tags"])
            ]
        finally:
            context.close()

    return check
