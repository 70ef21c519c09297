"""Background work: inline in development and tests, a Redis queue (RQ) in production.

``defer(func, *args)`` runs ``func(*args)`` now, in the current transaction,
unless ``TASKS_ASYNC`` is on and ``REDIS_URL`` is set; then the call is put
on the queue (``TASKS_QUEUE``, default "minyi") *after* the request's commit
succeeds (so the worker sees the data), and ``flask --app wsgi tasks worker``
(``app/worker.py``) runs it inside an app context and commits what it
flushed. If Redis cannot be reached at that moment, the call runs at once
instead (and commits), so no work is lost. Functions must be module-level
and take plain, picklable arguments (ids, not objects).
"""

from __future__ import annotations

from typing import Any, Callable

from flask import current_app, g, has_request_context

QUEUE_NAME = "minyi"


def _async_enabled() -> bool:
    return bool(current_app.config.get("TASKS_ASYNC") and current_app.config.get("REDIS_URL"))


def defer(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``func`` now (inline mode) or after commit on the queue (async mode)."""
    if not _async_enabled():
        func(*args, **kwargs)
        return
    pending = g.setdefault("_deferred_tasks", []) if has_request_context() else None
    if pending is None:  # outside a request (CLI): enqueue at once
        _enqueue(func, args, kwargs)
    else:
        pending.append((func, args, kwargs))


def queue_name() -> str:
    """The RQ queue deferred calls go to."""
    return current_app.config.get("TASKS_QUEUE") or QUEUE_NAME


def _enqueue(func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    from redis import Redis
    from rq import Queue

    queue = Queue(queue_name(), connection=Redis.from_url(current_app.config["REDIS_URL"]))
    queue.enqueue(f"{func.__module__}.{func.__qualname__}", *args, **kwargs)


def flush_deferred() -> None:
    """Enqueue the request's deferred calls (called after a successful commit)."""
    if not has_request_context():
        return
    for func, args, kwargs in g.pop("_deferred_tasks", []):
        try:
            _enqueue(func, args, kwargs)
        except Exception:  # noqa: BLE001 - Redis down: the request's data is committed, do the work now
            current_app.logger.exception("could not enqueue %s; running it now", func.__qualname__)
            _run_now(func, args, kwargs)


def _run_now(func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    from app.extensions import db

    try:
        func(*args, **kwargs)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the response is already decided; log and move on
        db.session.rollback()
        current_app.logger.exception("deferred call %s failed", func.__qualname__)


def discard_deferred() -> None:
    """Forget the request's deferred calls (called after a rollback)."""
    if has_request_context():
        g.pop("_deferred_tasks", None)
