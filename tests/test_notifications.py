"""Follows and notifications: the services other features call."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Follow, Notification
from tests import factories
from tests import factories_search as fs


def _user(user_obj) -> User:
    return db.session.get(User, user_obj.id)


def _inbox(app, user_obj) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(notifications.inbox_query(_user(user_obj))))


def test_follow_and_unfollow_are_idempotent(app, citizen):
    with app.app_context():
        user = _user(citizen)
        assert notifications.follow(user, "proposal", 1) is True
        assert notifications.follow(user, "proposal", 1) is False
        assert notifications.is_following(user, "proposal", 1)
        assert not notifications.is_following(user, "proposal", 2)
        assert not notifications.is_following(user, "case", 1)
        assert notifications.followers_count("proposal", 1) == 1
        db.session.commit()
        assert db.session.scalar(select(func.count(Follow.id))) == 1
        assert notifications.unfollow(user, "proposal", 1) is True
        assert notifications.unfollow(user, "proposal", 1) is False
        assert notifications.followers_count("proposal", 1) == 0
        db.session.commit()


def test_visitors_follow_nothing(app):
    from flask_login import AnonymousUserMixin

    from app.errors import NotAuthenticated

    with app.app_context():
        visitor = AnonymousUserMixin()
        assert notifications.is_following(visitor, "proposal", 1) is False
        assert notifications.unread_count(visitor) == 0
        with pytest.raises(NotAuthenticated):
            notifications.follow(visitor, "proposal", 1)


def test_notify_writes_one_row_per_distinct_user(app, citizen, officer, count_queries):
    other = factories.user(app)
    with app.app_context():
        actor = _user(officer)
        with count_queries() as counter:
            written = notifications.notify(
                [citizen.id, other.id, citizen.id, None],
                notifications.GENERIC_KIND,
                target_type="proposal",
                target_id=5,
                url="/proposals/5",
                actor=actor,
                params={"title": "道路积水"},
            )
        db.session.commit()
    assert written == 2 and counter.count == 1
    (mine,) = _inbox(app, citizen)
    assert (mine.kind, mine.target_type, mine.target_id, mine.url) == ("followed.update", "proposal", 5, "/proposals/5")
    assert mine.actor_id == officer.id and mine.params == {"title": "道路积水"} and mine.read_at is None


def test_notify_followers_reaches_followers_but_not_the_actor_or_the_excluded(app, citizen, officer):
    author = factories.user(app)
    bystander = factories.user(app)
    for user in (citizen, officer, author):
        fs.follow(app, user, "proposal", 9)
    fs.follow(app, bystander, "proposal", 10)
    with app.app_context():
        notifications.notify_followers(
            "proposal", 9, notifications.GENERIC_KIND, url="/proposals/9", actor=_user(officer),
            params={"title": "积水"}, exclude_user_id=author.id,
        )
        db.session.commit()
    assert [n.user_id for n in _inbox(app, citizen)] == [citizen.id]
    assert _inbox(app, officer) == [] and _inbox(app, author) == [] and _inbox(app, bystander) == []
    (sent,) = _inbox(app, citizen)
    assert sent.actor_id == officer.id and sent.params == {"title": "积水"} and sent.url == "/proposals/9"


def test_deleted_accounts_are_not_notified(app, citizen):
    gone = factories.user(app, deleted_at=utcnow())
    fs.follow(app, citizen, "case", 3)
    with app.app_context():
        db.session.add(Follow(user_id=gone.id, target_type="case", target_id=3, created_at=utcnow()))
        notifications.notify_followers("case", 3, notifications.GENERIC_KIND, url="/cases/3", params={"title": "x"})
        db.session.commit()
        assert db.session.scalar(select(func.count(Notification.id))) == 1


@pytest.mark.slow
def test_fan_out_is_one_statement_whatever_the_number_of_followers(app, count_queries):
    fs.followers(app, 10, "proposal", 100)
    fs.followers(app, 1000, "proposal", 200)
    measured = {}
    for target_id, expected in ((100, 10), (200, 1000)):
        with app.app_context():
            with count_queries() as counter:
                notifications.notify_followers(
                    "proposal", target_id, notifications.GENERIC_KIND, url=f"/proposals/{target_id}", params={"title": "t"}
                )
            db.session.commit()
            sent = db.session.scalar(select(func.count(Notification.id)).where(Notification.target_id == target_id))
        assert sent == expected
        measured[expected] = counter.count
        assert all(s.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS") for s in counter.statements), counter
    assert measured == {10: 1, 1000: 1}


def test_unread_count_and_mark_read(app, citizen):
    other = factories.user(app)
    ids = [fs.notification(app, citizen, target_id=i) for i in range(1, 5)]
    foreign = fs.notification(app, other)
    with app.app_context():
        user = _user(citizen)
        assert notifications.unread_count(user) == 4
        assert notifications.mark_read(user, [ids[0], ids[1], foreign, -1, 2**40, True]) == 2
        assert notifications.mark_read(user, [ids[0]]) == 0  # already read
        assert notifications.mark_read(user, []) == 0
        assert notifications.unread_count(user) == 2
        assert notifications.unread_count(_user(other)) == 1  # another user's id was ignored
        assert notifications.mark_read(user) == 2
        assert notifications.unread_count(user) == 0
        db.session.commit()
        assert notifications.unread_count(_user(other)) == 1


def test_inbox_is_newest_first_and_only_ones_own(app, citizen):
    other = factories.user(app)
    first = fs.notification(app, citizen, target_id=1)
    fs.notification(app, other, target_id=2)
    second = fs.notification(app, citizen, target_id=3)
    assert [n.id for n in _inbox(app, citizen)] == [second, first]
    with app.app_context():
        assert notifications.get_own(_user(citizen), second).id == second
        assert notifications.get_own(_user(other), second) is None
        assert notifications.get_own(_user(citizen), 2**40) is None


def test_texts_are_rendered_when_read_in_the_readers_language(app, citizen):
    fs.notification(app, citizen, params={"title": "道路积水"})
    fs.notification(app, citizen, kind="someone.elses_kind", params={})
    fs.notification(app, citizen, kind=notifications.GENERIC_KIND, params={"wrong": "params"})
    with app.app_context():
        broken, unknown, generic = list(db.session.scalars(notifications.inbox_query(_user(citizen))))
        with app.test_request_context():
            with force_locale("zh_CN"):
                assert notifications.render_text(generic) == "“道路积水”有新进展。"
                assert notifications.render_text(unknown) == "您有一条新通知。"
                assert notifications.render_text(broken) == "您有一条新通知。"
            with force_locale("en"):
                assert notifications.render_text(generic) == "There is news on “道路积水”."
                assert notifications.render_text(unknown) == "You have a new notification."


def test_register_kind_renders_with_params(app, citizen):
    from flask_babel import gettext

    notifications.register_kind("test.answered", lambda p: gettext("There is news on “%(title)s”.", title=p["who"] + "/" + p["title"]))
    fs.notification(app, citizen, kind="test.answered", params={"who": "市城管局", "title": "积水"})
    with app.app_context(), app.test_request_context(), force_locale("en"):
        (n,) = list(db.session.scalars(notifications.inbox_query(_user(citizen))))
        assert notifications.render_text(n) == "There is news on “市城管局/积水”."


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target_type": "Proposal"}, {"target_type": ""}, {"target_id": "1"}, {"kind": "Bad Kind"},
        {"url": "https://evil.example/"}, {"url": "//evil.example/"}, {"url": "javascript:alert(1)"},
    ],
)
def test_programming_errors_fail_loudly(app, citizen, kwargs):
    arguments = {"kind": "followed.update", "target_type": "proposal", "target_id": 1, "url": "/proposals/1", **kwargs}
    with app.app_context():
        with pytest.raises(ValueError):
            notifications.notify([citizen.id], arguments.pop("kind"), **arguments)
        arguments = {"kind": "followed.update", "target_type": "proposal", "target_id": 1, "url": "/proposals/1", **kwargs}
        with pytest.raises(ValueError):
            notifications.notify_followers(arguments.pop("target_type"), arguments.pop("target_id"), arguments.pop("kind"), **arguments)


def test_a_deleted_account_takes_its_follows_and_notifications_with_it(app, citizen):
    fs.follow(app, citizen, "proposal", 1)
    fs.notification(app, citizen)
    with app.app_context():
        db.session.delete(_user(citizen))
        db.session.commit()
        assert db.session.scalar(select(func.count(Follow.id))) == 0
        assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_insert_or_ignore_tells_whether_it_inserted(app, citizen):
    """The shared helper follow() relies on (its rowcount was -1 on PostgreSQL)."""
    from app.database import insert_or_ignore

    values = {"user_id": citizen.id, "target_type": "proposal", "target_id": 1, "created_at": utcnow()}
    with app.app_context():
        assert insert_or_ignore(db.session, Follow, values) is True
        assert insert_or_ignore(db.session, Follow, values) is False
        assert insert_or_ignore(db.session, Follow, {**values, "target_id": 2}) is True
        db.session.rollback()
