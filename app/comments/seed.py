"""Seed step: comment threads under many proposals and published cases, with nested replies,
a few edited, one deleted (its replies under the tombstone), some waiting for review from
new accounts. Written as rows at moments in the past; stored counts equal the rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.accounts.models import User
from app.accounts.services import username_key
from app.clock import utcnow
from app.comments.models import PENDING, PUBLISHED, Comment, CommentRevision, path_segment
from app.comments.seed_data import COMMENTS, REPLIES
from app.comments.services import public_html
from app.extensions import db
from app.proposals import states
from app.seed import DemoContext


def _add(context: DemoContext, target_type: str, target: Any, author: User, body: str, moment: datetime,
         parent: Comment | None = None, status: str = PUBLISHED) -> Comment:
    comment = Comment(
        target_type=target_type, target_id=target.id, parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 1, author_id=author.id, body=body, body_html=public_html(body),
        status=status, review_flags=["new_account"] if status == PENDING else [], revisions_count=1,
        created_at=moment, updated_at=moment, published_at=moment if status == PUBLISHED else None,
    )
    db.session.add(comment)
    db.session.flush()
    comment.path = (parent.path + "/" if parent else "") + path_segment(comment.id)
    db.session.add(CommentRevision(comment_id=comment.id, number=1, body=body, body_html=comment.body_html, created_at=moment))
    if status == PUBLISHED:
        target.comments_count = (target.comments_count or 0) + 1
        author.approved_posts = (author.approved_posts or 0) + 1
    return comment


def _discussion(context: DemoContext, target_type: str, target: Any, start: datetime, now: datetime, size: int) -> list[Comment]:
    rng = context.rng
    span = max((now - start).total_seconds() - 600, 600)
    moments = sorted(start + timedelta(seconds=rng.uniform(60, span)) for _ in range(size))
    made: list[Comment] = []
    for moment in moments:
        author = rng.choice(context.citizens)
        parent = None
        if made and rng.random() < 0.45:
            candidates = [c for c in made if c.depth < 3]
            parent = rng.choice(candidates) if candidates else None
        body = rng.choice(REPLIES if parent is not None else COMMENTS)
        made.append(_add(context, target_type, target, author, body, moment, parent))
    return made


def _newcomers(context: DemoContext, count: int) -> list[User]:
    password_hash = context.citizens[0].password_hash
    made = []
    for index in range(1, count + 1):
        name = f"newcomer{index:02d}"
        user = User(username=name, username_key=username_key(name), email=f"{name}@demo.minyi.invalid",
                    password_hash=password_hash, role="citizen", approved_posts=0,
                    created_at=utcnow() - timedelta(hours=context.rng.randint(2, 60)))
        db.session.add(user)
        context.users[name] = user
        made.append(user)
    db.session.flush()
    return made


def seed_comments(context: DemoContext) -> None:
    """Comments on threads and cases (``context.extra["comments"]``, ``["comment_threads"]``)."""
    rng = context.rng
    now = utcnow()
    threads = [p for p in context.extra.get("proposals", [])
               if p.status not in (states.PENDING_REVIEW, states.MERGED) and p.hidden_at is None]
    threads.sort(key=lambda p: p.id)
    commented = [p for p in threads if rng.random() < 0.55]
    everything: list[Comment] = []
    for index, thread in enumerate(commented):
        size = 12 if index == 0 else rng.randint(1, 7)
        everything += _discussion(context, "proposal", thread, thread.published_at or thread.created_at, now, size)
    for case in context.extra.get("cases", [])[:12]:
        everything += _discussion(context, "case", case, case.published_at or case.created_at, now, rng.randint(0, 5))
    # a few edited within their 15 minutes
    for comment in rng.sample([c for c in everything if c.depth == 1], 4):
        revised = comment.body + "\n\n（补充）刚才又咨询了一下，情况属实。"
        comment.body, comment.body_html = revised, public_html(revised)
        comment.revisions_count, comment.edited_at = 2, comment.created_at + timedelta(minutes=rng.randint(2, 14))
        db.session.add(CommentRevision(comment_id=comment.id, number=2, body=revised, body_html=comment.body_html,
                                       created_at=comment.edited_at))
    # one deleted by its author: the tombstone keeps its replies in place
    first = commented[0] if commented else None
    if first is not None:
        top = next(c for c in everything if c.target_id == first.id and c.target_type == "proposal" and c.depth == 1)
        reply = _add(context, "proposal", first, rng.choice(context.citizens), "原评论删了？我记得说的是窗口排队的事。",
                     now - timedelta(hours=3), parent=top)
        everything.append(reply)
        top.deleted_at = now - timedelta(hours=2)
        first.comments_count -= 1
    # new accounts' first comments wait for review
    for user, thread in zip(_newcomers(context, 3), commented[1:4]):
        everything.append(_add(context, "proposal", thread, user, "第一次在这里留言，想了解一下具体的办理流程。",
                               now - timedelta(minutes=rng.randint(10, 300)), status=PENDING))
    db.session.flush()
    context.extra["comments"] = everything
    context.extra["comment_threads"] = commented
