"""The inbox page, its API and the header counter."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from tests import factories
from tests import factories_search as fs


def _read_flags(app, user) -> dict[int, bool]:
    with app.app_context():
        rows = db.session.execute(select(Notification.id, Notification.read_at).where(Notification.user_id == user.id))
        return {id_: read_at is not None for id_, read_at in rows}


def test_visitors_are_sent_to_sign_in_and_get_401_from_the_api(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/notifications/1/open").status_code == 302
    response = client.post("/notifications/read", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/notifications").status_code == 401
    response = client.api("POST", "/notifications/read", {})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "not_authenticated"


def test_header_shows_the_unread_count_to_signed_in_users_only(client, citizen_client, app, citizen):
    assert "/notifications" not in client.get("/").get_data(as_text=True)
    html = citizen_client.get("/").get_data(as_text=True)
    assert '<a class="header-item" href="/notifications">通知</a>' in html  # no badge at 0
    fs.notification(app, citizen)
    fs.notification(app, citizen)
    html = citizen_client.get("/").get_data(as_text=True)
    assert re.search(
        r'href="/notifications">通知 <span class="badge"><span aria-hidden="true">2</span>'
        r'<span class="visually-hidden">2 条未读通知</span></span>',
        html,
    )


def test_inbox_lists_only_ones_own_newest_first_with_unread_marked(citizen_client, app, citizen):
    other = factories.user(app)
    old = fs.notification(app, citizen, params={"title": "旧话题"})
    new = fs.notification(app, citizen, params={"title": "新<b>话题</b>"})
    fs.notification(app, other, params={"title": "别人的话题"})
    with app.app_context():
        db.session.get(Notification, old).read_at = db.session.get(Notification, old).created_at
        db.session.commit()
    html = citizen_client.get("/notifications").get_data(as_text=True)
    assert "别人的话题" not in html and "2 条通知" in html
    assert html.index("新&lt;b&gt;话题&lt;/b&gt;") < html.index("旧话题")  # escaped, newest first
    assert html.count('class="notification unread"') == 1 and html.count(">未读</span>") == 1
    assert f'href="/notifications/{new}/open"' in html
    unread_only = citizen_client.get("/notifications?unread=1").get_data(as_text=True)
    assert "新&lt;b&gt;话题" in unread_only and "旧话题" not in unread_only


def test_opening_a_notification_marks_it_read_and_goes_to_its_target(citizen_client, app, citizen):
    other = factories.user(app)
    mine = fs.notification(app, citizen, url="/proposals/7#answer-2")
    theirs = fs.notification(app, other)
    response = citizen_client.get(f"/notifications/{mine}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/proposals/7#answer-2"
    assert _read_flags(app, citizen) == {mine: True}
    assert citizen_client.get(f"/notifications/{theirs}/open").status_code == 404
    assert _read_flags(app, other) == {theirs: False}


def test_mark_all_read_needs_the_csrf_token(citizen_client, app, citizen):
    fs.notification(app, citizen)
    fs.notification(app, citizen)
    assert citizen_client.post("/notifications/read").status_code == 400
    assert set(_read_flags(app, citizen).values()) == {False}
    response = citizen_client.submit("/notifications/read", form_page="/notifications")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert set(_read_flags(app, citizen).values()) == {True}
    assert "所有通知已标为已读" in citizen_client.get("/notifications").get_data(as_text=True)


def test_inbox_paginates_with_bounded_arguments(citizen_client, app, citizen):
    for i in range(25):
        fs.notification(app, citizen, target_id=i + 1)
    first = citizen_client.get("/notifications").get_data(as_text=True)
    assert first.count('class="notification unread"') == 20 and 'rel="next"' in first
    second = citizen_client.get("/notifications?page=2").get_data(as_text=True)
    assert second.count('class="notification unread"') == 5
    for bad in ("page=0", "page=x", "per_page=100000", "page=99999999999"):
        assert citizen_client.get(f"/notifications?{bad}").status_code == 200


def test_inbox_page_runs_a_constant_number_of_queries(citizen_client, app, citizen, count_queries):
    fs.notification(app, citizen)
    citizen_client.get("/notifications")
    counts = []
    for extra in (0, 30):
        for i in range(extra):
            fs.notification(app, citizen, target_id=i + 2)
        with count_queries() as counter:
            assert citizen_client.get("/notifications").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 4, counts  # user, header count, page count, page


def test_api_lists_ones_own_notifications_in_the_readers_language(client, app, citizen):
    other = factories.user(app)
    token = factories.token(app, citizen)
    first = fs.notification(app, citizen, params={"title": "道路积水"}, url="/proposals/1")
    fs.notification(app, other)
    body = client.api("GET", "/notifications", token=token).get_json()
    assert body["total"] == 1 and body["unread"] == 1 and body["page"] == 1 and body["per_page"] == 20
    (item,) = body["items"]
    assert item["id"] == first and item["kind"] == "followed.update" and item["url"] == "/proposals/1"
    assert item["read"] is False and item["text"] == "“道路积水”有新进展。" and "+" in item["created_at"]
    english = client.api("GET", "/notifications", token=token, headers={"Accept-Language": "en"}).get_json()
    assert english["items"][0]["text"] == "There is news on “道路积水”."
    assert client.api("GET", "/notifications?page=0", token=token).status_code == 400


def test_api_marks_read_only_ones_own_ids(client, app, citizen):
    other = factories.user(app)
    token = factories.token(app, citizen)
    a = fs.notification(app, citizen)
    b = fs.notification(app, citizen)
    theirs = fs.notification(app, other)
    response = client.api("POST", "/notifications/read", {"ids": [a, theirs]}, token=token)
    assert response.status_code == 200 and response.get_json() == {"marked": 1, "unread": 1}
    assert _read_flags(app, other) == {theirs: False}
    assert client.api("GET", "/notifications?unread=1", token=token).get_json()["items"][0]["id"] == b
    assert client.api("POST", "/notifications/read", {}, token=token).get_json() == {"marked": 1, "unread": 0}
    for bad in ({"ids": "all"}, {"ids": [1, "2"]}, {"ids": [True]}, [1, 2]):
        response = client.api("POST", "/notifications/read", bad, token=token)
        assert response.status_code == 400, bad
    response = client.post("/api/v1/notifications/read", data="x", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400


def test_api_read_with_the_session_cookie_needs_the_csrf_header(citizen_client, app, citizen):
    fs.notification(app, citizen)
    assert citizen_client.api("POST", "/notifications/read", {}).status_code == 400
    token = citizen_client.csrf_token()
    response = citizen_client.api("POST", "/notifications/read", {}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["marked"] == 1
