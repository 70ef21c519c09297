"""The 30-day rule: inside the window a new rating replaces the current one,
from day 30 on it is a new rating; counts stay exact; what happens to a
rectification case when its bad rating is replaced; the signals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.events import signal
from app.extensions import db
from app.ratings.models import RatingWindow
from tests import factories
from tests import factories_ratings as fr

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai


@pytest.fixture
def w(app):
    return fr.world(app)


def _at(days: float):
    return time_machine.travel(T0 + timedelta(days=days), tick=False)


def _check_stats(app, service, expected: dict) -> None:
    """The stored aggregates equal both the expectation and a count of the table."""
    stored = fr.stats(app, service)
    assert stored == fr.counted(app, service)
    assert stored == {"count": sum(expected.values()), "total": sum(s * n for s, n in expected.items()), **{s: expected.get(s, 0) for s in range(1, 6)}}


@pytest.mark.parametrize(
    "days,replaces",
    [
        (0.001, True),
        (29, True),
        (29.999, True),  # still inside: 30 × 24 h have not passed
        (30, False),  # the window is over at exactly 30 days
        (31, False),
        (200, False),
    ],
)
def test_second_rating_replaces_inside_the_window_and_adds_after(app, w, days, replaces):
    with _at(0):
        first = fr.rating(app, w.service, w.citizen, 2, "第一次")
    with _at(days):
        second = fr.rating(app, w.service, w.citizen, 5, "第二次")
    rows = {r.id: r for r in fr.all_ratings(app)}
    assert len(rows) == 2  # history is kept either way
    old, new = rows[first.id], rows[second.id]
    if replaces:
        assert old.superseded_at == T0 + timedelta(days=days) and old.superseded_by_id == new.id
        assert new.window_started_at == T0  # a replacement keeps the window
        _check_stats(app, w.service, {5: 1})
    else:
        assert old.superseded_at is None and old.superseded_by_id is None
        assert new.window_started_at == T0 + timedelta(days=days)  # a new window starts
        _check_stats(app, w.service, {2: 1, 5: 1})


def test_replacements_do_not_extend_the_window(app, w):
    with _at(0):
        fr.rating(app, w.service, w.citizen, 3)
    with _at(20):
        fr.rating(app, w.service, w.citizen, 4)
    with _at(29):
        fr.rating(app, w.service, w.citizen, 1)
    _check_stats(app, w.service, {1: 1})
    with _at(30):  # 30 days after the first rating of the window, 1 day after the last replacement
        fr.rating(app, w.service, w.citizen, 5)
    _check_stats(app, w.service, {1: 1, 5: 1})
    with _at(45):  # replaces inside the second window
        fr.rating(app, w.service, w.citizen, 4)
    _check_stats(app, w.service, {1: 1, 4: 1})
    ratings = fr.all_ratings(app)
    assert [r.score for r in ratings if r.superseded_at is None] == [1, 4]
    assert len(ratings) == 5


def test_exact_counts_with_many_citizens_and_replacements(app, w):
    citizens = [factories.user(app) for _ in range(6)]
    with _at(0):
        for citizen, score in zip(citizens, [5, 5, 4, 3, 2, 1]):
            fr.rating(app, w.service, citizen, score)
    _check_stats(app, w.service, {5: 2, 4: 1, 3: 1, 2: 1, 1: 1})
    with _at(3):
        fr.rating(app, w.service, citizens[0], 5)  # same score again: still one rating
        fr.rating(app, w.service, citizens[4], 4)
        fr.rating(app, w.service, citizens[5], 2)
        fr.rating(app, w.other_service, citizens[0], 1)  # another service has its own window
    _check_stats(app, w.service, {5: 2, 4: 2, 3: 1, 2: 1})
    _check_stats(app, w.other_service, {1: 1})
    with _at(40):
        fr.rating(app, w.service, citizens[0], 1)
    _check_stats(app, w.service, {5: 2, 4: 2, 3: 1, 2: 1, 1: 1})
    with app.app_context():
        windows = db.session.scalars(select(RatingWindow).where(RatingWindow.service_id == w.service.id)).all()
        assert len(windows) == 6


def test_api_reports_the_replaced_rating(client, app, w):
    with _at(0):
        token = factories.token(app, w.citizen)
        first = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 3}, token=token).get_json()
        assert first["replaced"] is None
    with _at(29):
        second = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 4}, token=token)
        assert second.status_code == 201 and second.get_json()["replaced"] == first["rating"]["id"]
        items = client.get(f"/api/v1/services/{w.service.id}/ratings").get_json()["items"]
        assert [item["score"] for item in items] == [4]
        assert client.get(f"/api/v1/services/{w.service.id}/rating-summary").get_json()["count"] == 1


# --- a bad rating replaced: what happens to its case ----------------------------

def test_better_rating_withdraws_an_unanswered_case(client, app, w):
    with _at(0):
        bad = fr.rating(app, w.service, w.citizen, 1, "跑了三次")
        assert fr.case_of(app, bad).status == "open"
    with _at(5):
        fr.rating(app, w.service, w.citizen, 4, "后来办好了")
    case = fr.case_of(app, bad)
    assert case.status == "withdrawn" and case.withdrawn_at == T0 + timedelta(days=5)
    with _at(6):
        token = factories.token(app, w.officer)
        response = client.api("POST", f"/ratings/{bad.id}/rectification", {"body": "已整改"}, token=token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "case_withdrawn"
        assert client.get("/api/v1/rectifications").get_json()["total"] == 0  # not public, not counted
        assert client.get("/api/v1/rectifications?state=overdue").get_json()["total"] == 0


def test_another_bad_rating_moves_the_open_case_and_keeps_its_deadline(client, app, w):
    with _at(0):
        first = fr.rating(app, w.service, w.citizen, 2, "第一次差评")
        due = fr.case_of(app, first).due_at
    with _at(10):
        second = fr.rating(app, w.service, w.citizen, 1, "更差了")
    assert fr.case_of(app, first) is None
    case = fr.case_of(app, second)
    assert case.status == "open" and case.opened_at == T0 and case.due_at == due
    with _at(11):
        token = factories.token(app, w.officer)
        assert client.api("POST", f"/ratings/{first.id}/rectification", {"body": "x"}, token=token).status_code == 409
        assert client.api("POST", f"/ratings/{second.id}/rectification", {"body": "已整改"}, token=token).status_code == 201


def test_answered_case_stays_and_no_second_case_opens_in_the_window(app, w):
    with _at(0):
        first = fr.rating(app, w.service, w.citizen, 2)
    with _at(1):
        fr.answer(app, first, w.officer)
    with _at(2):
        second = fr.rating(app, w.service, w.citizen, 1)
    assert fr.case_of(app, second) is None
    assert fr.case_of(app, first).status == "rectified"
    with _at(3):  # the rater gives the verdict on the answered case
        fr.confirm(app, first, w.citizen, False)
    assert fr.case_of(app, first).status == "unresolved"
    with _at(31):  # a new window: a bad rating opens a new case
        third = fr.rating(app, w.service, w.citizen, 2)
    assert fr.case_of(app, third).status == "open"


def test_bad_rating_after_a_withdrawn_case_opens_a_new_case(app, w):
    with _at(0):
        first = fr.rating(app, w.service, w.citizen, 1)
    with _at(2):
        fr.rating(app, w.service, w.citizen, 5)
    with _at(4):
        third = fr.rating(app, w.service, w.citizen, 2)
    assert fr.case_of(app, first).status == "withdrawn"
    case = fr.case_of(app, third)
    assert case.status == "open" and case.opened_at == T0 + timedelta(days=4)


def test_my_rating_on_the_service_page_says_when_i_can_rate_again(app, w):
    with _at(0):
        fr.rating(app, w.service, w.citizen, 4)
    with _at(1):
        client = app.test_client()
        client.login(w.citizen.username)
        html = client.get(f"/services/{w.service.id}").get_data(as_text=True)
        assert "您于 2026-03-02 10:00 评价本事项为“4 满意”。" in html
        assert "在 2026-04-01 10:00 之前再次评价将替换本次评价" in html


# --- signals ------------------------------------------------------------------------

def test_signals_for_new_and_replacing_ratings(app, w):
    received: list[tuple] = []

    def on_created(rating, **kwargs):
        received.append(("rating.created", rating.score, kwargs["replaces"].score if kwargs["replaces"] else None, kwargs["actor"].id))

    def on_replaced(rating, **kwargs):
        received.append(("rating.replaced", rating.score, kwargs["old"].score))

    def on_answered(case, **kwargs):
        received.append(("rectification.answered", case.status, kwargs["actor"].id))

    def on_confirmed(case, **kwargs):
        received.append(("rectification.confirmed", case.status, kwargs["resolved"]))

    pairs = [("rating.created", on_created), ("rating.replaced", on_replaced), ("rectification.answered", on_answered), ("rectification.confirmed", on_confirmed)]
    for name, receiver in pairs:
        signal(name).connect(receiver)
    try:
        with _at(0):
            first = fr.rating(app, w.service, w.citizen, 4)
        with _at(1):
            second = fr.rating(app, w.service, w.citizen, 2)
            fr.answer(app, second, w.officer)
            fr.confirm(app, second, w.citizen, True)
    finally:
        for name, receiver in pairs:
            signal(name).disconnect(receiver)
    assert first.id != second.id
    assert received == [
        ("rating.created", 4, None, w.citizen.id),
        ("rating.created", 2, 4, w.citizen.id),
        ("rating.replaced", 2, 4),
        ("rectification.answered", "rectified", w.officer.id),
        ("rectification.confirmed", "resolved", True),
    ]
