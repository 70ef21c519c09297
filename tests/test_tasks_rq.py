"""The production path of app.tasks: enqueue after commit, a real RQ worker runs the job in the app.

The tests marked ``needs_redis`` use TEST_REDIS_URL (CI sets it) and a queue
of their own; the worker is the real command, ``flask --app wsgi tasks
worker --burst``, in a subprocess on the test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import GENERIC_KIND, notify, notify_followers
from tests import factories
from tests import factories_search as fs

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")


def _notifications(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id))) or 0


@pytest.fixture
def async_tasks(app):
    """TASKS_ASYNC on, with a queue no other run shares; yields the RQ queue."""
    from redis import Redis
    from rq import Queue

    name = f"minyi-test-{uuid.uuid4().hex[:12]}"
    app.config.update(TASKS_ASYNC=True, REDIS_URL=REDIS_URL, TASKS_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url(REDIS_URL))
    try:
        yield queue
    finally:
        app.config.update(TASKS_ASYNC=False, REDIS_URL="", TASKS_QUEUE=None)
        for registry in (queue.failed_job_registry, queue.finished_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
        queue.delete(delete_jobs=True)


def _request(app, status: int, work) -> None:
    """Run ``work`` inside a POST request and answer ``status`` through the app's real after_request handlers."""
    with app.test_request_context("/anything", method="POST"):
        work()
        app.process_response(app.response_class("done", status=status))


def _run_worker(app, queue_name: str, tmp_path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL or "",
        "TASKS_ASYNC": "1",
        "SECRET_KEY": "worker-test",
        "MINYI_INSTANCE_PATH": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tasks", "worker", "--burst", "--queue", queue_name],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def failing_job(user_id: int) -> None:
    """A job that writes, then fails: the worker must roll the write back."""
    notify([user_id], GENERIC_KIND, target_type="proposal", target_id=1, url="/proposals/1", params={"title": "x"})
    db.session.flush()
    raise RuntimeError("this job fails on purpose")


@needs_redis
def test_fan_out_is_enqueued_after_commit_and_run_by_the_worker(app, async_tasks, tmp_path):
    follower_ids = fs.followers(app, 30, "proposal", 42)

    def act():
        notify_followers("proposal", 42, GENERIC_KIND, url="/proposals/42", params={"title": "道路积水"},
                         exclude_user_id=follower_ids[0])
        assert async_tasks.count == 0  # nothing leaves before the commit

    _request(app, 200, act)
    assert async_tasks.count == 1 and _notifications(app) == 0
    result = _run_worker(app, async_tasks.name, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _notifications(app) == 29
    assert async_tasks.count == 0 and async_tasks.finished_job_registry.count == 1
    with app.app_context():
        times = set(db.session.scalars(select(Notification.created_at)))
        assert len(times) == 1  # stamped at the time of the action, not of the run


@needs_redis
def test_a_failed_request_enqueues_nothing(app, async_tasks):
    fs.followers(app, 3, "proposal", 43)
    _request(app, 409, lambda: notify_followers("proposal", 43, GENERIC_KIND, url="/proposals/43", params={"title": "t"}))
    assert async_tasks.count == 0 and _notifications(app) == 0


@needs_redis
def test_a_failing_job_is_rolled_back_and_kept_as_failed(app, async_tasks, tmp_path):
    user = factories.user(app)
    from app.tasks import defer

    _request(app, 200, lambda: defer(failing_job, user.id))
    assert async_tasks.count == 1
    result = _run_worker(app, async_tasks.name, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _notifications(app) == 0
    (job_id,) = async_tasks.failed_job_registry.get_job_ids()
    assert "this job fails on purpose" in async_tasks.fetch_job(job_id).latest_result().exc_string


def test_without_redis_the_deferred_work_runs_after_the_commit(app):
    """REDIS_URL pointing nowhere: the committed request's fan-out still happens (and is committed)."""
    fs.followers(app, 4, "proposal", 44)
    app.config.update(TASKS_ASYNC=True, REDIS_URL="redis://127.0.0.1:1/0")
    try:
        _request(app, 200, lambda: notify_followers("proposal", 44, GENERIC_KIND, url="/proposals/44", params={"title": "t"}))
    finally:
        app.config.update(TASKS_ASYNC=False, REDIS_URL="")
    assert _notifications(app) == 4


def test_inline_mode_runs_in_the_same_transaction(app):
    fs.followers(app, 2, "proposal", 45)
    _request(app, 400, lambda: notify_followers("proposal", 45, GENERIC_KIND, url="/proposals/45", params={"title": "t"}))
    assert _notifications(app) == 0  # rolled back with the failed request
    _request(app, 200, lambda: notify_followers("proposal", 45, GENERIC_KIND, url="/proposals/45", params={"title": "t"}))
    assert _notifications(app) == 2


def test_worker_command_needs_redis(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tasks", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output
