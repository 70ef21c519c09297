"""Factories for ratings and rectification cases, through the real services.

    r = rating(app, service, citizen, 2, "排队太久")
    answer(app, r, officer, "已增开窗口")
    confirm(app, r, citizen, True)
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db


def _user(user_obj):
    from app.accounts.models import User

    return db.session.get(User, user_obj.id)


def rating(app, service, user, score: int = 4, comment: str | None = None):
    """A rating (or a replacement, inside the window) by ``user``; returns the new rating."""
    from app.departments.services import get_service
    from app.ratings.services import rate

    with app.app_context():
        result = rate(_user(user), get_service(service.id), score, comment)
        db.session.commit()
        db.session.refresh(result.rating)
        db.session.expunge(result.rating)
        return result.rating


def answer(app, rating_obj, officer, body: str = "已核实并整改：增开窗口，更新办事指南。"):
    """The department's rectification note on a rating's case."""
    from app.ratings.services import answer as answer_case, get_rating

    with app.app_context():
        case = answer_case(_user(officer), get_rating(rating_obj.id), body)
        db.session.commit()
        db.session.refresh(case)
        db.session.expunge(case)
        return case


def confirm(app, rating_obj, rater, resolved: bool = True):
    """The rater's confirmation."""
    from app.ratings.services import confirm as confirm_case, get_rating

    with app.app_context():
        case = confirm_case(_user(rater), get_rating(rating_obj.id), resolved)
        db.session.commit()
        db.session.refresh(case)
        db.session.expunge(case)
        return case


def case_of(app, rating_obj):
    """The rectification case a rating carries, or None (detached)."""
    from app.ratings.models import RectificationCase

    with app.app_context():
        case = db.session.scalar(select(RectificationCase).where(RectificationCase.rating_id == rating_obj.id))
        if case is not None:
            db.session.expunge(case)
        return case


def stats(app, service) -> dict:
    """The stored aggregates of a service: {"count", "total", 1..5}."""
    from app.ratings.models import ServiceRatingStats

    with app.app_context():
        row = db.session.get(ServiceRatingStats, service.id)
        if row is None:
            return {"count": 0, "total": 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
        return {"count": row.count, "total": row.total, **row.distribution}


def counted(app, service) -> dict:
    """The same figures counted from the ratings table (to check the stored ones)."""
    from app.ratings.models import Rating

    with app.app_context():
        rows = db.session.execute(
            select(Rating.score, func.count())
            .where(Rating.service_id == service.id, Rating.superseded_at.is_(None))
            .group_by(Rating.score)
        ).all()
        levels = {score: 0 for score in range(1, 6)}
        levels.update(dict(rows))
        return {"count": sum(levels.values()), "total": sum(s * n for s, n in levels.items()), **levels}


def all_ratings(app, service=None) -> list:
    """Every rating row (counted or replaced), oldest first, detached."""
    from app.ratings.models import Rating

    with app.app_context():
        query = select(Rating).order_by(Rating.id)
        if service is not None:
            query = query.where(Rating.service_id == service.id)
        rows = db.session.scalars(query).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def many_ratings(app, service, scores: list[int], comment: str | None = "办理顺利") -> None:
    """One rating per new citizen for each score, in one transaction (for larger data)."""
    from app.accounts.services import register
    from app.departments.services import get_service
    from app.ratings.services import rate
    from tests.factories import PASSWORD, _next

    with app.app_context():
        svc = get_service(service.id)
        for score in scores:
            n = _next()
            user = register(f"rater{n}", PASSWORD, f"rater{n}@example.org")
            rate(user, svc, score, comment)
        db.session.commit()


def world(app):
    """Two departments with a service each, and an account of every role that matters.

    ``officer`` works for the rated service's department, ``other_officer`` for
    another one; ``suspended`` and ``banned`` are citizens who may not take part.
    """
    from datetime import timedelta
    from types import SimpleNamespace

    from app.clock import utcnow
    from tests import factories

    dept = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    other = factories.department(app, slug="zj-rst", name="浙江省人力资源和社会保障厅")
    return SimpleNamespace(
        dept=dept,
        other=other,
        service=factories.service(app, dept, code="330000-GA-001", name="居民身份证首次申领"),
        other_service=factories.service(app, other, code="330000-RS-001", name="社会保障卡申领"),
        citizen=factories.user(app, "王晓明", role="citizen"),
        citizen2=factories.user(app, "李小娜", role="citizen"),
        officer=factories.user(app, "gat-officer", role="officer", department=dept),
        other_officer=factories.user(app, "rst-officer", role="officer", department=other),
        moderator=factories.user(app, "moderator1", role="moderator"),
        admin=factories.user(app, "admin1", role="admin"),
        suspended=factories.user(
            app, "suspended1", role="citizen", suspended_until=utcnow() + timedelta(days=7), suspension_reason="广告刷屏"
        ),
        banned=factories.user(app, "banned1", role="citizen", banned_at=utcnow(), suspension_reason="恶意攻击"),
    )
