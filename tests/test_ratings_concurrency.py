"""Simultaneous ratings, through real concurrent HTTP requests to a threaded
server: one citizen's two submissions leave exactly one current rating, and
many citizens at once leave exact counts. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy import func, select

from app.extensions import db
from app.ratings.models import Rating, RatingWindow, RectificationCase
from tests import factories
from tests import factories_ratings as fr
from tests.servers import threaded_server


def _post_together(requests: list[tuple[str, dict, str]]) -> list[int]:
    """POST every (url, body, token) at the same moment; the status codes in order."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int | None] = [None] * len(requests)

    def send(index: int, url: str, body: dict, token: str) -> None:
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=send, args=(i, *args)) for i, args in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses  # type: ignore[return-value]


def test_two_simultaneous_ratings_by_one_citizen_leave_one_current_rating(app):
    dept = factories.department(app)
    citizen = factories.user(app)
    token = factories.token(app, citizen)
    rounds = [(5, 3), (1, 2), (4, 4), (2, 5), (1, 1), (3, 4), (2, 1), (5, 1)]
    services = [factories.service(app, dept) for _ in rounds]
    earlier = {}
    for service in services[len(services) // 2 :]:  # here the window row exists already: the lock decides
        earlier[service.id] = fr.rating(app, service, citizen, 3)
    with threaded_server(app) as base:
        for service, scores in zip(services, rounds):
            url = f"{base}/api/v1/services/{service.id}/ratings"
            statuses = _post_together([(url, {"score": score, "comment": f"并发{score}"}, token) for score in scores])
            assert statuses == [201, 201], statuses  # the second is settled after the first and replaces it
    with app.app_context():
        for service, scores in zip(services, rounds):
            rows = db.session.scalars(select(Rating).where(Rating.service_id == service.id).order_by(Rating.id)).all()
            if service.id in earlier:
                assert rows[0].id == earlier[service.id].id and rows[0].superseded_by_id in {r.id for r in rows[1:]}
                rows = rows[1:]
            current = [r for r in rows if r.superseded_at is None]
            assert len(rows) == 2 and len(current) == 1, scores
            old = next(r for r in rows if r.superseded_at is not None)
            assert old.superseded_by_id == current[0].id
            window = db.session.get(RatingWindow, (service.id, citizen.id))
            assert window.rating_id == current[0].id
            cases = db.session.scalars(select(RectificationCase).where(RectificationCase.service_id == service.id)).all()
            bad = {1, 2}
            if current[0].score in bad:
                # one open case, carried by the current rating, whatever the order
                assert [(c.status, c.rating_id) for c in cases] == [("open", current[0].id)]
            elif old.score in bad:
                assert [c.status for c in cases] == ["withdrawn"]
            else:
                assert cases == []
    for service in services:
        stats = fr.stats(app, service)
        assert stats == fr.counted(app, service) and stats["count"] == 1


def test_many_citizens_at_once_leave_exact_counts(app):
    dept = factories.department(app)
    service = factories.service(app, dept)
    citizens = [factories.user(app) for _ in range(6)]
    tokens = [factories.token(app, citizen) for citizen in citizens]
    url_for = lambda base: f"{base}/api/v1/services/{service.id}/ratings"  # noqa: E731
    with threaded_server(app) as base:
        requests = []
        for i, token in enumerate(tokens):  # every citizen sends two ratings at the same moment
            requests.append((url_for(base), {"score": 1 + i % 5}, token))
            requests.append((url_for(base), {"score": 5 - i % 5}, token))
        statuses = _post_together(requests)
    assert statuses == [201] * len(requests), statuses
    stats = fr.stats(app, service)
    assert stats == fr.counted(app, service)
    assert stats["count"] == len(citizens)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id)).where(Rating.superseded_at.is_(None))) == len(citizens)
        assert db.session.scalar(select(func.count(Rating.id))) == 2 * len(citizens)
        windows = db.session.scalars(select(RatingWindow).where(RatingWindow.service_id == service.id)).all()
        assert len(windows) == len(citizens)
