"""Posting limits, counted in the database: new accounts 3 threads a day and 20 comments an
hour, established ones more; 429 with Retry-After in the API, a message saying when the
limit lifts on the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from flask_babel import format_datetime

from app.clock import to_local, utcnow
from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp


@pytest.fixture(autouse=True)
def limits_on(app):
    app.config["POSTING_LIMITS_ENABLED"] = True
    yield
    app.config["POSTING_LIMITS_ENABLED"] = False


def _thread(client, token, department, n):
    return client.api("POST", "/proposals", {"kind": "suggestion", "title": f"关于办事效率的建议{n}号",
                                             "body": "希望窗口增加人手，缩短排队时间。", "department": department.slug}, token=token)


def _lift_text(app, moment):
    """HH:MM, with the date in front when the limit lifts on another day than today."""
    with app.test_request_context():
        same_day = to_local(moment).date() == to_local(utcnow()).date()
        return format_datetime(moment, "HH:mm" if same_day else "yyyy-MM-dd HH:mm")


def test_new_accounts_may_raise_three_threads_a_day(app, client):
    department = factories.department(app)
    newcomer = factories.user(app, role="citizen")
    token = factories.token(app, newcomer)
    start = utcnow().replace(hour=2, minute=0, second=0, microsecond=0)  # 10:00 in Shanghai
    with time_machine.travel(start, tick=False):
        assert _thread(client, token, department, 1).status_code == 201
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert _thread(client, token, department, 2).status_code == 201
        assert _thread(client, token, department, 3).status_code == 201
        response = _thread(client, token, department, 4)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == str(23 * 3600)
        message = response.get_json()["error"]["message"]
        assert message == f"您发帖过于频繁，请于 {_lift_text(app, start + timedelta(days=1))} 后再试"
        assert re.search(r"请于 (\d{4}-\d\d-\d\d )?\d\d:\d\d 后再试", message)
        page = app.test_client()
        page.login(newcomer.username)
        response = page.submit("/proposals/new", {"kind": "suggestion", "title": "关于办事效率的建议5号",
                                                  "body": "希望窗口增加人手，缩短排队时间。", "department": department.slug},
                               form_page="/proposals/new")
        assert response.status_code == 429 and response.headers["Retry-After"] == str(23 * 3600)
        html = response.get_data(as_text=True)
        assert "您发帖过于频繁，请于" in html and "关于办事效率的建议5号" in html  # the form keeps what was typed
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert _thread(client, token, department, 6).status_code == 201


def test_established_accounts_have_a_higher_thread_limit(app, client):
    department = factories.department(app)
    citizen = fp.citizen(app)
    token = factories.token(app, citizen)
    for n in range(20):
        assert _thread(client, token, department, n).status_code == 201, n
    response = _thread(client, token, department, 21)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 23 * 3600
    moderator = factories.user(app, role="moderator")
    for n in range(22):
        assert _thread(client, factories.token(app, moderator), department, 100 + n).status_code == 201


def test_new_accounts_may_write_twenty_comments_an_hour(app, client):
    s = fm.Scene(app)
    newcomer = factories.user(app, role="citizen")
    token = factories.token(app, newcomer)
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        for n in range(20):
            response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": f"评论{n}"}, token=token)
            assert response.status_code == 201 and response.get_json()["comment"]["status"] == "pending"
        response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第21条"}, token=token)
        assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
        assert response.get_json()["error"]["message"] == f"您发帖过于频繁，请于 {_lift_text(app, start + timedelta(hours=1))} 后再试"
        page = app.test_client()
        page.login(newcomer.username)
        response = page.submit(f"/comments/proposal/{s.thread.id}", {"body": "页面上的第22条"})
        assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
        html = response.get_data(as_text=True)
        assert "您发帖过于频繁" in html and "页面上的第22条" in html
    with time_machine.travel(start + timedelta(minutes=60, seconds=1), tick=False):
        assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "一小时后"}, token=token).status_code == 201


def test_established_accounts_may_write_120_comments_an_hour(app, client):
    s = fm.Scene(app)
    writer = s.citizens[0]
    fm.bulk_comments(app, s.thread, 119, [writer], nested=False)
    with app.app_context():  # the bulk rows were written two hours ago: move them into the last hour
        from sqlalchemy import update

        from app.comments.models import Comment
        from app.extensions import db

        db.session.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=30)))
        db.session.commit()
    token = factories.token(app, writer)
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第120条"}, token=token).status_code == 201
    response = client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "第121条"}, token=token)
    assert response.status_code == 429 and 1700 <= int(response.headers["Retry-After"]) <= 1800
    # another account is not affected
    assert client.api("POST", f"/proposals/{s.thread.id}/comments", {"body": "别人"}, token=factories.token(app, s.citizens[1])).status_code == 201


def test_limits_can_be_turned_off(app, client):
    app.config["POSTING_LIMITS_ENABLED"] = False
    department = factories.department(app)
    token = factories.token(app, factories.user(app, role="citizen"))
    for n in range(5):
        assert _thread(client, token, department, n).status_code == 201
