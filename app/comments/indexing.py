"""Comments in the full-text search index (kind "comment").

A comment is searchable while the public may read it: published, neither
hidden nor deleted, on a target the public may read. Only masked plain text
is indexed; the result links to the comment's anchor on its target's page.
When a target is hidden or restored, its comments leave or re-enter the
index with it.
"""

from __future__ import annotations

from typing import Any, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.comments.models import PUBLISHED, Comment
from app.comments.registry import commentable, commentables
from app.events import signal
from app.extensions import db
from app.privacy import mask_personal_info
from app.sanitize import plain_text
from app.search import services as search
from app.search.models import SearchDocument

KIND = "comment"
BATCH = 500


def _visible_filter(query: Any) -> Any:
    return query.where(Comment.status == PUBLISHED, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))


def document(comment: Comment, target: Any) -> dict[str, Any]:
    """The searchable copy: the target's masked title, the comment's masked plain text, a link to its anchor."""
    kind = commentable(comment.target_type)
    return {
        "ref_id": comment.id,
        "title": kind.title(target),
        "body": mask_personal_info(plain_text(comment.body)),
        "url": f"{kind.url(target)}#comment-{comment.id}",
        "department_id": kind.department_id(target),
        "created_at": comment.created_at,
    }


def sync(comment: Comment, target: Any = None) -> None:
    """Index the comment, or take it out when the public may no longer read it."""
    kind = commentable(comment.target_type)
    target = target if target is not None else kind.load(comment.target_id)
    if comment.is_visible and target is not None and kind.is_public(target):
        search.index_document(KIND, **document(comment, target))
    else:
        search.remove_document(KIND, comment.id)


def sync_target(target_type: str, target: Any) -> None:
    """A target became public or stopped being public: its comments follow (bulk, in batches)."""
    kind = commentable(target_type)
    ids = select(Comment.id).where(Comment.target_type == target_type, Comment.target_id == target.id)
    if not kind.is_public(target):
        db.session.execute(
            delete(SearchDocument).where(SearchDocument.kind == KIND, SearchDocument.ref_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        return
    last_id = 0
    while True:
        batch = db.session.scalars(
            _visible_filter(select(Comment))
            .where(Comment.target_type == target_type, Comment.target_id == target.id, Comment.id > last_id)
            .order_by(Comment.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for comment in batch:
            search.index_document(KIND, **document(comment, target))
        last_id = batch[-1].id


def reindex_comments() -> Iterator[dict[str, Any]]:
    """Every searchable comment, read in batches by id."""
    for kind in commentables():
        last_id = 0
        public = kind.public_ids()
        while True:
            batch = db.session.scalars(
                _visible_filter(select(Comment))
                .where(Comment.target_type == kind.target_type, Comment.target_id.in_(public), Comment.id > last_id)
                .order_by(Comment.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            targets = {
                target.id: target
                for target in db.session.scalars(select(kind.model).where(kind.model.id.in_({c.target_id for c in batch})))
            }
            for comment in batch:
                yield document(comment, targets[comment.target_id])
            last_id = batch[-1].id


def _proposal_visibility(proposal: Any, fields: Any = None, **_: Any) -> None:
    if fields is None or "hidden" in fields or "title" in fields:
        sync_target("proposal", proposal)


def _proposal_published(proposal: Any, **_: Any) -> None:
    sync_target("proposal", proposal)


def _case_changed(case: Any, **_: Any) -> None:
    sync_target("case", case)


signal("proposal.updated").connect(_proposal_visibility, weak=False)
signal("proposal.published").connect(_proposal_published, weak=False)
signal("case.updated").connect(_case_changed, weak=False)

search.register_source(KIND, _l("User comment"), reindex_comments)
