"""Flags, comment counts and posting limits hold under truly concurrent requests
(threads against a real threaded server; SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.comments.models import Comment
from app.extensions import db
from tests import factories
from tests import factories_moderation as fm
from tests import factories_proposals as fp
from tests.servers import threaded_server
from tests.test_campaigns_race import _simultaneously


def test_simultaneous_flags_hide_a_comment_exactly_once(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "会被同时举报的评论")
    tokens = [factories.token(app, fp.citizen(app)) for _ in range(8)]
    calls = [("POST", "/flags", token, {"target_type": "comment", "target_id": comment.id, "reason": "spam"}) for token in tokens]
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
    assert [status for status, _ in results] == [201] * 8, results
    stored = fm.reload(app, comment)
    assert stored.hidden_by_flags and stored.flags_count == 8
    assert fp.reload(app, s.thread).comments_count == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "moderation.auto_hide")) == 1


def test_simultaneous_flags_of_one_account_count_once(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    token = factories.token(app, s.citizens[1])
    calls = [("POST", "/flags", token, {"target_type": "comment", "target_id": comment.id, "reason": "abuse"}) for _ in range(6)]
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
    assert sorted(status for status, _ in results) == [201] + [409] * 5, results
    assert fm.reload(app, comment).flags_count == 1


def test_simultaneous_comments_keep_the_stored_count_exact(app):
    s = fm.Scene(app)
    tokens = [factories.token(app, fp.citizen(app)) for _ in range(10)]
    calls = [("POST", f"/proposals/{s.thread.id}/comments", token, {"body": f"同时发表{i}"}) for i, token in enumerate(tokens)]
    with threaded_server(app) as base:
        results = _simultaneously(base, calls)
    assert [status for status, _ in results] == [201] * 10, results
    assert fp.reload(app, s.thread).comments_count == 10


def test_simultaneous_comments_never_pass_the_limit(app):
    s = fm.Scene(app)
    newcomer = factories.user(app, role="citizen")
    app.config["POSTING_LIMITS_ENABLED"] = True
    try:
        fm.bulk_comments(app, s.thread, 17, [newcomer], nested=False)
        with app.app_context():
            from datetime import timedelta

            from sqlalchemy import update

            from app.clock import utcnow

            db.session.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=5)))
            db.session.commit()
        token = factories.token(app, newcomer)
        calls = [("POST", f"/proposals/{s.thread.id}/comments", token, {"body": f"抢发{i}"}) for i in range(6)]
        with threaded_server(app) as base:
            results = _simultaneously(base, calls)
    finally:
        app.config["POSTING_LIMITS_ENABLED"] = False
    assert sorted(status for status, _ in results) == [201] * 3 + [429] * 3, results
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.author_id == newcomer.id)) == 20
