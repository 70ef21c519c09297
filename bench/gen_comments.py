"""Generator: nested comments under threads (counts decided by the thread plan)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from html import escape

from gen_text import COMMENTS, words

COMMENT_COLUMNS = ("id", "target_type", "target_id", "parent_id", "path", "depth", "author_id", "body", "body_html",
                   "status", "revisions_count", "created_at", "updated_at", "published_at")
REVISION_COLUMNS = ("id", "comment_id", "number", "body", "body_html", "created_at")
SEARCH_COLUMNS = ("kind", "ref_id", "title", "body", "url", "department_id", "created_at", "terms")
BATCH = 200_000


def _segment(comment_id: int) -> str:
    return f"{comment_id:010d}"


def generate(loader, plan, layout, now: datetime, seed: int) -> None:
    """Comments for every readable thread, nested up to three levels, indexed for search."""
    rng = random.Random(seed + 9)
    first, last = layout["first_citizen"], layout["last_citizen"]
    bodies = [(text, f"<p>{escape(text)}</p>", list(words(text))) for text in COMMENTS]
    comments, revisions, documents = [], [], []
    next_id = 0
    written = 0

    def flush():
        nonlocal comments, revisions, documents
        loader.insert("comments", COMMENT_COLUMNS, comments)
        loader.insert("comment_revisions", REVISION_COLUMNS, revisions)
        loader.insert("search_documents", SEARCH_COLUMNS, documents)
        comments, revisions, documents = [], [], []

    for thread_id, department_id, published, title, count in plan.thread_meta:
        title_terms = list(words(title)) * 2
        span = max((now - published).total_seconds(), 60.0)
        thread_comments: list[tuple[int, str, int]] = []  # (id, path, depth)
        for _ in range(count):
            next_id += 1
            parent = None
            if thread_comments and rng.random() < 0.4:
                candidates = [c for c in thread_comments[-20:] if c[2] < 3]
                parent = rng.choice(candidates) if candidates else None
            depth = parent[2] + 1 if parent else 1
            path = (parent[1] + "/" if parent else "") + _segment(next_id)
            thread_comments.append((next_id, path, depth))
            text, html, text_words = rng.choice(bodies)
            created = published + timedelta(seconds=rng.uniform(30, span))
            comments.append((next_id, "proposal", thread_id, parent[0] if parent else None, path, depth,
                             rng.randint(first, last), text, html, "published", 1, created, created, created))
            revisions.append((next_id, next_id, 1, text, html, created))
            documents.append(("comment", next_id, title, text, f"/proposals/{thread_id}#comment-{next_id}",
                              department_id, created, " ".join(title_terms + text_words)))
        written += count
        if len(comments) >= BATCH:
            flush()
            print(f"  comments {written:,}", flush=True)
    flush()
    print(f"  {written:,} comments (thread {plan.busy_thread} has 200)", flush=True)
