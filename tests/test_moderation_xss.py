"""Hostile input in every text field comments and moderation own — comment body, flag note,
hide reason, appeal text, appeal decision reason, suspension reason — is harmless in every
rendering: pages, the API's body_html, search snippets, notifications and the public log.

Payloads: the sanitizer's list (tests/test_building_blocks.py::XSS) and more of the OWASP
XSS filter-evasion cheat sheet (tests/factories_moderation.py::XSS_EXTRA).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp
from tests.htmlsafety import page_scripts_are_only_ours, unsafe_parts
from tests.test_building_blocks import XSS

PAYLOADS = XSS + fm.XSS_EXTRA
OURS = {"script", "link", "meta", "form"}


class _OwnTags(HTMLParser):
    """Every script, link, meta and form tag of a page must be one of ours."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.foreign: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.foreign.append(f"script {values}")
        if tag == "link" and not ((values.get("href") or "").startswith("/static/") and values.get("rel") in ("stylesheet", "icon")):
            self.foreign.append(f"link {values}")
        if tag == "meta" and not ("charset" in values or values.get("name") in ("viewport", "description")):
            self.foreign.append(f"meta {values}")
        if tag == "form" and not ((values.get("action") or "").startswith("/") and values.get("method") in ("post", "get")):
            self.foreign.append(f"form {values}")


def assert_page_safe(html: str, where: str) -> None:
    parser = _OwnTags()
    parser.feed(html)
    assert parser.foreign == [], (where, parser.foreign[:3])
    assert page_scripts_are_only_ours(html), where
    problems = unsafe_parts(html, allowed_tags=OURS)
    assert problems == [], (where, problems[:5])


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 40


@pytest.fixture
def hostile(app):
    """A thread with one comment per payload (trusted author), each flagged with a payload note."""
    s = fm.Scene(app)
    token = factories.token(app, s.citizens[0])
    client = app.test_client()
    ids = []
    for index, payload in enumerate(PAYLOADS):
        response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": f"载荷标记{index} {payload}"}, token=token)
        assert response.status_code == 201, (payload, response.get_json())
        ids.append(response.get_json()["comment"]["id"])
    flagger = factories.token(app, s.citizens[1])
    for comment_id, payload in zip(ids, PAYLOADS):
        response = client.api("POST", "/flags", {"target_type": "comment", "target_id": comment_id, "reason": "other",
                                                 "note": payload[:500]}, token=flagger)
        assert response.status_code == 201
    return s, ids


def test_comment_bodies_on_the_page_in_the_api_and_in_search(app, client, hostile):
    s, ids = hostile
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert_page_safe(html, "thread page")
    items = client.get(f"/api/v1/proposals/{s.thread.id}/comments?per_page=100").get_json()["items"]
    assert len(items) == len(PAYLOADS)
    for item in items:
        assert unsafe_parts(item["body_html"]) == [], item["body_html"]
        assert 'rel="nofollow ugc noopener"' in item["body_html"] if "<a " in item["body_html"] else True
    for comment_id in ids[:10]:
        data = client.get(f"/api/v1/comments/{comment_id}").get_json()["comment"]
        assert all(unsafe_parts(r["body_html"]) == [] for r in data["revisions"])
    for page in (1, 2, 3):
        html = client.get(f"/search?q=载荷标记&page={page}").get_data(as_text=True)
        assert_page_safe(html, f"search page {page}")
    assert "载荷标记" in client.get("/search?q=载荷标记").get_data(as_text=True)
    data = client.get("/api/v1/search?q=载荷标记&per_page=100").get_json()
    for hit in data["items"]:
        for key, value in hit.items():
            if key.endswith("_html") and isinstance(value, str):
                assert unsafe_parts(value) == [] and "<script" not in value.lower()
    # the author's edit page and a refused post (the text shown again)
    author = app.test_client()
    author.login(s.citizens[0].username)
    for comment_id in ids[:8]:
        assert_page_safe(author.get(f"/comments/{comment_id}/edit").get_data(as_text=True), "edit page")
    for payload in PAYLOADS[:8]:
        response = author.submit(f"/comments/proposal/{s.thread.id}", {"body": payload, "parent_id": "999999"})
        assert response.status_code == 400
        assert_page_safe(response.get_data(as_text=True), "refused post")
    # what moderators read: the queue (masked and original text, flag notes) and the author's page
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    for page in (1, 2, 3):
        assert_page_safe(moderator.get(f"/moderation?tab=flagged&page={page}").get_data(as_text=True), "flagged tab")
    assert_page_safe(moderator.get(f"/moderation/users/{s.citizens[0].id}").get_data(as_text=True), "user page")
    assert_page_safe(moderator.get(f"/proposals/{s.thread.id}").get_data(as_text=True), "thread page (moderator)")


def test_hide_reasons_appeals_and_decisions(app, client, hostile):
    s, ids = hostile
    moderator = factories.token(app, s.moderator)
    author = factories.token(app, s.citizens[0])
    for comment_id, payload in zip(ids, PAYLOADS):
        response = client.api("POST", f"/moderation/comment/{comment_id}", {"action": "hide", "reason": payload[:500]}, token=moderator)
        assert response.status_code == 200
        response = client.api("POST", "/appeals", {"target_type": "comment", "target_id": comment_id, "text": payload}, token=author)
        assert response.status_code == 201
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert_page_safe(html, "thread with hidden comments")
    assert html.count("已被版主隐藏") == len(PAYLOADS)
    moderator_page = app.test_client()
    moderator_page.login(s.moderator.username)
    for page in (1, 2, 3):
        assert_page_safe(moderator_page.get(f"/moderation?tab=appeals&page={page}").get_data(as_text=True), "appeals tab")
    for page in (1, 2, 3):
        assert_page_safe(client.get(f"/moderation/log?page={page}").get_data(as_text=True), "log")
    from app.moderation.models import Appeal

    with app.app_context():
        appeal_ids = db.session.scalars(select(Appeal.id).order_by(Appeal.id)).all()
    for appeal_id, payload in zip(appeal_ids, PAYLOADS):
        response = client.api("POST", f"/appeals/{appeal_id}/decision", {"decision": "uphold", "reason": payload}, token=moderator)
        assert response.status_code == 200
    author_page = app.test_client()
    author_page.login(s.citizens[0].username)
    for comment_id in ids[:10]:
        html = author_page.get(f"/moderation/appeals/new?target_type=comment&target_id={comment_id}").get_data(as_text=True)
        assert_page_safe(html, "appeal page")
    for page in (1, 2, 3):
        assert_page_safe(author_page.get(f"/notifications?page={page}").get_data(as_text=True), "notifications")
    # a hidden thread and a hidden case show their reasons safely too
    payload = PAYLOADS[1]
    client.api("POST", f"/moderation/proposal/{s.thread.id}", {"action": "hide", "reason": payload}, token=moderator)
    assert_page_safe(client.get(f"/proposals/{s.thread.id}").get_data(as_text=True), "hidden thread")
    assert_page_safe(client.get("/proposals").get_data(as_text=True), "thread list")
    from tests import factories_campaigns as fc

    case = fc.case(app, s.cast.department)
    client.api("POST", f"/moderation/case/{case.id}", {"action": "hide", "reason": payload}, token=moderator)
    assert_page_safe(client.get(f"/cases/{case.id}").get_data(as_text=True), "hidden case")


def test_suspension_reasons(app, client):
    s = fm.Scene(app)
    moderator = factories.token(app, s.moderator)
    users = [fp.citizen(app) for _ in PAYLOADS]
    for user, payload in zip(users, PAYLOADS):
        response = client.api("POST", f"/moderation/users/{user.id}/suspension", {"days": 3, "reason": payload[:500]}, token=moderator)
        assert response.status_code == 200
    moderator_page = app.test_client()
    moderator_page.login(s.moderator.username)
    for user in users[:: max(1, len(users) // 12)]:
        page = app.test_client()
        page.login(user.username)
        for path in ("/", f"/proposals/{s.thread.id}", "/notifications"):
            assert_page_safe(page.get(path).get_data(as_text=True), f"suspended {path}")
        response = page.submit(f"/comments/proposal/{s.thread.id}", {"body": "试试"})
        assert response.status_code == 403
        assert_page_safe(response.get_data(as_text=True), "refused comment")
        assert_page_safe(moderator_page.get(f"/moderation/users/{user.id}").get_data(as_text=True), "user page")
        error = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "x"}, token=factories.token(app, user)).get_json()
        assert error["error"]["code"] == "suspended"
    for page in (1, 2, 3):
        assert_page_safe(client.get(f"/moderation/log?page={page}").get_data(as_text=True), "log")
    data = client.get("/api/v1/moderation/log?per_page=100").get_json()
    assert len(data["items"]) == len(PAYLOADS)


def test_the_script_of_a_payload_never_reaches_a_page_as_markup(app, client, hostile):
    s, ids = hostile
    html = client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    section = html[html.index('id="comments"'):]
    assert not re.search(r"<(script|svg|img|iframe|object|embed|math|style|body|input|table|div style)", section, re.I)
    assert "javascript:" not in re.sub(r"&[a-z]+;", "", "".join(re.findall(r'href="([^"]*)"', section))).lower()
