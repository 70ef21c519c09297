"""``flask --app wsgi tasks worker``: run the calls ``app.tasks.defer`` put on the RQ queue.

Each job runs in the work horse RQ forks for it, inside an application
context, and commits what it flushed (or rolls back and fails the job, which
RQ keeps in its failed-job registry). ``--burst`` stops once the queue is
empty (tests, cron); without it the worker waits for jobs.

Plain ``rq worker --job-class app.worker.AppJob minyi`` works too: the job
then builds the app from the environment (``create_app()``) once per process.
"""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from rq.job import Job

tasks_cli = AppGroup("tasks", help="Background jobs (RQ).")


class AppJob(Job):
    """An RQ job run inside the Flask app context, committing on success and rolling back on failure."""

    flask_app: Flask | None = None
    worker_pid: int | None = None

    @classmethod
    def _app(cls) -> Flask:
        if cls.flask_app is None:
            from app import create_app

            cls.flask_app = create_app()
        return cls.flask_app

    def _execute(self) -> Any:
        from app.extensions import db

        with self._app().app_context():
            if os.getpid() != type(self).worker_pid:
                db.engine.dispose(close=False)  # a forked horse never reuses the parent's connections
            try:
                result = super()._execute()
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()


@tasks_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--queue", "queues", multiple=True, help="Queue to listen on (repeatable; default TASKS_QUEUE or 'minyi').")
@with_appcontext
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run deferred jobs from Redis (REDIS_URL) inside the app."""
    from redis import Redis
    from rq import Worker

    from app.tasks import queue_name

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: there is no queue to work on.")
    AppJob.flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
    AppJob.worker_pid = os.getpid()
    names = list(queues) or [queue_name()]
    rq_worker = Worker(names, connection=Redis.from_url(url), job_class=AppJob)
    rq_worker.work(burst=burst, logging_level="INFO")
