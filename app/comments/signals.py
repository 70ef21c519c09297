"""Signals sent by the comment services (after flushing, inside the request's transaction).

The sender is always the ``Comment``; keyword arguments:

``comment.created``    target, actor, flags — a comment was written (it may wait for review);
                       ``flags`` are the content policy's flags (e.g. ["personal_info"])
``comment.published``  target, actor — the comment became public (posted directly or approved)
``comment.updated``    target, actor, fields, flags — edited (``fields`` ["body"]), deleted
                       (["deleted"]) or hidden/restored by moderators (["hidden"])
"""

from __future__ import annotations

from typing import Any

from app.events import signal

CREATED = "comment.created"
PUBLISHED = "comment.published"
UPDATED = "comment.updated"


def send(name: str, comment: Any, **kwargs: Any) -> None:
    """Send one of the signals above."""
    signal(name).send(comment, **kwargs)
