"""Citizens and officers reach no moderation page or endpoint (403); visitors are sent to sign in
(pages) or get 401 (API). Moderators and admins get in."""

from __future__ import annotations

import pytest

from tests import factories
from tests import factories_moderation as fm

PAGES = [
    "/moderation", "/moderation?tab=flagged", "/moderation?tab=appeals", "/moderation?tab=personal",
    "/moderation?tab=routing", "/moderation/users/{user}", "/moderation/banned-words",
]
PAGE_POSTS = [
    ("/moderation/comment/{comment}", {"action": "hide", "reason": "x"}),
    ("/moderation/proposal/{thread}", {"action": "lock"}),
    ("/moderation/proposals/{thread}/route", {"department": "x"}),
    ("/moderation/proposals/{thread}/merge", {"into": "1", "reason": "x"}),
    ("/moderation/appeals/{appeal}/decision", {"decision": "restore", "reason": "x"}),
    ("/moderation/users/{user}/suspension", {"mode": "suspend", "days": "3", "reason": "x"}),
    ("/moderation/users/{user}/lift", {}),
    ("/moderation/banned-words", {"pattern": "坏词"}),
    ("/moderation/banned-words/{word}/delete", {}),
]
API_CALLS = [
    ("POST", "/moderation/comment/{comment}", {"action": "hide", "reason": "x"}),
    ("POST", "/moderation/proposal/{thread}", {"action": "pin"}),
    ("POST", "/moderation/case/{thread}", {"action": "lock"}),
    ("POST", "/moderation/users/{user}/suspension", {"days": 3, "reason": "x"}),
    ("DELETE", "/moderation/users/{user}/suspension", None),
    ("POST", "/appeals/{appeal}/decision", {"decision": "restore", "reason": "x"}),
]


@pytest.fixture
def world(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "评论")
    fm.moderate(app, s.moderator, "comment", comment.id, "hide", "理由")
    from app.moderation import appeals, banned_words
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        appeal = appeals.appeal(db.session.get(User, s.citizens[0].id), "comment", comment.id, "请恢复")
        word = banned_words.add_word(db.session.get(User, s.moderator.id), "坏词二")
        db.session.commit()
        ids = {"appeal": appeal.id, "word": word.id}
    return s, {"comment": comment.id, "thread": s.thread.id, "user": s.citizens[1].id, **ids}


def _fill(path, ids):
    return path.format(**ids)


@pytest.mark.parametrize("role", ["citizen", "officer"])
def test_citizens_and_officers_get_403_everywhere(app, world, role):
    s, ids = world
    user = s.citizens[2] if role == "citizen" else s.officer
    client = app.test_client()
    client.login(user.username)
    for path in PAGES:
        assert client.get(_fill(path, ids)).status_code == 403, path
    for path, data in PAGE_POSTS:
        assert client.submit(_fill(path, ids), data).status_code == 403, path
    token = factories.token(app, user)
    for method, path, body in API_CALLS:
        response = client.api(method, _fill(path, ids), body, token=token)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "forbidden"
    # nothing changed
    assert fm.reload(app, type("C", (), {"id": ids["comment"]})).hidden_at is not None


def test_visitors_sign_in_first_and_the_api_answers_401(app, world):
    s, ids = world
    client = app.test_client()
    for path in PAGES:
        response = client.get(_fill(path, ids))
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path, data in PAGE_POSTS:
        response = client.submit(_fill(path, ids), data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for method, path, body in API_CALLS:
        assert client.api(method, _fill(path, ids), body).status_code == 401, (method, path)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_get_in(app, world, role):
    s, ids = world
    user = s.moderator if role == "moderator" else factories.user(app, role="admin")
    client = app.test_client()
    client.login(user.username)
    for path in PAGES:
        assert client.get(_fill(path, ids)).status_code == 200, path


def test_the_log_is_public(app, client):
    assert client.get("/moderation/log").status_code == 200
    assert client.get("/api/v1/moderation/log").status_code == 200


def test_a_suspended_moderator_cannot_moderate(app, client):
    s = fm.Scene(app)
    other = factories.user(app, role="moderator")
    admin = factories.user(app, role="admin")
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db
        from app.moderation.accounts import suspend

        suspend(db.session.get(User, admin.id), db.session.get(User, other.id), 2, "暂停")
        db.session.commit()
    response = client.api("POST", f"/moderation/proposal/{s.thread.id}", {"action": "lock"}, token=factories.token(app, other))
    assert response.status_code == 403
