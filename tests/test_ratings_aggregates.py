"""What the department portrait reads: single aggregate queries per department
and period; and the demo data, consistent with what the services keep."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.ratings import aggregates
from app.ratings.models import Rating, RatingWindow, RectificationCase, ServiceRatingStats
from tests import factories
from tests import factories_ratings as fr

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def w(app):
    return fr.world(app)


def test_department_figures_for_a_period_are_one_query_each(app, w, count_queries):
    citizens = [factories.user(app) for _ in range(5)]
    with time_machine.travel(T0, tick=False):
        r1 = fr.rating(app, w.service, citizens[0], 1)
        r2 = fr.rating(app, w.service, citizens[1], 2)
        fr.rating(app, w.service, citizens[2], 5)
        fr.rating(app, w.service, citizens[3], 4)
        fr.rating(app, w.other_service, citizens[4], 1)  # another department
        withdrawn = fr.rating(app, w.service, citizens[4], 2)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        fr.answer(app, r1, w.officer)
        fr.confirm(app, r1, citizens[0], True)
        fr.rating(app, w.service, citizens[4], 5)  # replaces the 2, withdrawing its case
    with time_machine.travel(T0 + timedelta(days=60), tick=False):
        fr.answer(app, r2, w.officer)  # late
        fr.confirm(app, r2, citizens[1], False)
        fr.rating(app, w.service, citizens[2], 3)  # outside the period below
    assert fr.case_of(app, withdrawn).status == "withdrawn"
    start, end = T0 - timedelta(days=1), T0 + timedelta(days=30)
    with app.app_context():
        with count_queries() as counter:
            ratings = aggregates.department_ratings(w.dept.id, start, end)
        assert counter.count == 1
        assert ratings.count == 5 and ratings.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 2}
        assert ratings.mean == round((1 + 2 + 4 + 5 + 5) / 5, 2)
        with count_queries() as counter:
            cases = aggregates.department_rectifications(w.dept.id, start, end, now=T0 + timedelta(days=90))
        assert counter.count == 1
        assert (cases.cases, cases.open, cases.overdue, cases.rectified, cases.rectified_on_time) == (2, 0, 0, 2, 1)
        assert (cases.confirmed, cases.resolved, cases.unresolved) == (2, 1, 1)
        assert cases.share_rectified_on_time == 0.5 and cases.share_confirmed_resolved == 0.5
        other = aggregates.department_rectifications(w.other.id, start, end, now=T0 + timedelta(days=90))
        assert (other.cases, other.overdue, other.share_rectified_on_time, other.share_confirmed_resolved) == (1, 1, 0.0, None)
        empty = aggregates.department_ratings(w.dept.id, T0 + timedelta(days=100), T0 + timedelta(days=200))
        assert (empty.count, empty.mean) == (0, None)


def test_the_portrait_queries_use_the_department_time_indexes(app):
    from app.ratings.models import Rating as R, RectificationCase as C

    rating_indexes = {tuple(c.name for c in index.columns) for index in R.__table__.indexes}
    case_indexes = {tuple(c.name for c in index.columns) for index in C.__table__.indexes}
    assert ("department_id", "created_at") in rating_indexes
    assert ("department_id", "opened_at") in case_indexes


def test_demo_seed_has_ratings_and_cases_in_every_state_consistent_with_the_services(app):
    from app.seed import run_demo_seed

    with app.app_context():
        run_demo_seed(2026)
        db.session.commit()
        now = datetime.now(timezone.utc)
        assert db.session.scalar(select(func.count(Rating.id))) > 500
        with_ratings = db.session.scalar(select(func.count(func.distinct(Rating.service_id))))
        services = db.session.scalar(select(func.count()).select_from(ServiceRatingStats))
        assert with_ratings == services >= 50
        cases = db.session.scalars(select(RectificationCase)).all()
        states = {case.state(now) for case in cases}
        assert states >= {"open", "overdue", "rectified", "resolved", "unresolved", "withdrawn"}
        assert any(c.rectified_on_time for c in cases) and any(c.rectified_on_time is False for c in cases)
        for case in cases:
            assert case.opened_at <= now and case.due_at > case.opened_at
            if case.rectified_at:
                assert case.note and case.rectified_on_time == (case.rectified_at <= case.due_at) and case.rectified_at <= now
            if case.confirmed_at:
                assert case.rectified_at < case.confirmed_at <= now and case.status in ("resolved", "unresolved")
        assert any("，" in (r.comment or "") for r in db.session.scalars(select(Rating).limit(200)))
        # stored aggregates equal the counted ratings
        counted = dict(
            db.session.execute(
                select(Rating.service_id, func.count()).where(Rating.superseded_at.is_(None)).group_by(Rating.service_id)
            ).all()
        )
        stored = {s.service_id: s for s in db.session.scalars(select(ServiceRatingStats))}
        assert {sid: s.count for sid, s in stored.items()} == counted
        for stats in stored.values():
            assert stats.count == sum(stats.distribution.values())
        # every window points at a counted rating of its citizen and service, the newest one
        for window in db.session.scalars(select(RatingWindow)):
            rating = db.session.get(Rating, window.rating_id)
            assert rating.superseded_at is None and (rating.service_id, rating.user_id) == (window.service_id, window.user_id)
        replaced = db.session.scalars(select(Rating).where(Rating.superseded_at.is_not(None))).all()
        assert replaced and all(r.superseded_at - r.window_started_at < timedelta(days=30) for r in replaced)
        # some departments are clearly better than others
        means = db.session.execute(
            select(Rating.department_id, func.avg(Rating.score)).where(Rating.superseded_at.is_(None)).group_by(Rating.department_id)
        ).all()
        values = sorted(float(mean) for _, mean in means)
        assert values[-1] - values[0] > 1.0
