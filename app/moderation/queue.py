"""The review queue: what waits for a moderator, tab by tab, in a constant number of queries.

Tabs: ``pending`` (threads and comments held by the content policy),
``flagged`` (items citizens flagged, with the reasons and counts),
``appeals`` (authors asking for another look), ``personal`` (items the
policy found personal information in) and ``routing`` (threads waiting for
a department: "not sure", or sent back by a department).

A page of a tab is a list of references (type, id) from one query; the items
are then loaded per type, their authors and the authors' histories in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, or_, select, union_all

from app.accounts.models import User
from app.comments.models import PENDING as COMMENT_PENDING
from app.comments.models import Comment
from app.extensions import db
from app.innovation.models import InnovationCase
from app.moderation import accounts
from app.moderation.models import APPEAL_PENDING, Appeal, Flag
from app.pagination import Page
from app.privacy import mask_personal_info
from app.proposals import states
from app.proposals.models import Proposal
from app.sanitize import render_markdown

TABS = ("pending", "flagged", "appeals", "personal", "routing")
PERSONAL_INFO = "personal_info"


@dataclass
class QueueItem:
    """One entry of the queue, with what the moderator needs to decide."""

    target_type: str
    item: Any
    since: datetime
    title: str = ""
    url: str = ""
    context_title: str = ""  # for comments: the thread or case they are under
    author: User | None = None
    history: dict[str, int] = field(default_factory=dict)
    flag_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    system_flags: list[str] = field(default_factory=list)
    appeal: Appeal | None = None

    @property
    def flags_total(self) -> int:
        return sum(self.flag_counts.values())

    @property
    def public_html(self) -> str:
        return getattr(self.item, "body_html", "") or ""

    @property
    def original_html(self) -> str:
        """The unmasked text (moderators only): they judge what was actually written."""
        flavour = "comment" if self.target_type == "comment" else "full"
        return render_markdown(getattr(self.item, "body", "") or "", flavour)


def _pending_refs() -> Select:
    return union_all(
        select(literal_column("'proposal'").label("target_type"), Proposal.id.label("target_id"), Proposal.created_at.label("since"))
        .where(Proposal.status == states.PENDING_REVIEW, Proposal.hidden_at.is_(None)),
        select(literal_column("'comment'").label("target_type"), Comment.id.label("target_id"), Comment.created_at.label("since"))
        .where(Comment.status == COMMENT_PENDING, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None)),
    )


def _flag_refs(system: bool) -> Select:
    query = select(Flag.target_type, Flag.target_id, func.max(Flag.created_at).label("since")).where(Flag.resolved_at.is_(None))
    query = query.where(Flag.user_id.is_(None), Flag.reason == PERSONAL_INFO) if system else query.where(Flag.user_id.is_not(None))
    return query.group_by(Flag.target_type, Flag.target_id)


def _routing_refs() -> Select:
    return select(
        literal_column("'proposal'").label("target_type"), Proposal.id.label("target_id"), Proposal.updated_at.label("since")
    ).where(Proposal.department_id.is_(None), Proposal.status.in_(states.TRANSFERABLE), Proposal.hidden_at.is_(None))


def _appeal_refs() -> Select:
    return select(
        Appeal.target_type.label("target_type"), Appeal.target_id.label("target_id"), Appeal.created_at.label("since")
    ).where(Appeal.status == APPEAL_PENDING)


REFS = {"pending": _pending_refs, "flagged": lambda: _flag_refs(False), "personal": lambda: _flag_refs(True),
        "routing": _routing_refs, "appeals": _appeal_refs}
NEWEST_FIRST = {"flagged", "personal"}


def tab_counts() -> dict[str, int]:
    """How many entries each tab has (one query)."""
    columns = [select(func.count()).select_from(REFS[tab]().subquery()).scalar_subquery().label(tab) for tab in TABS]
    row = db.session.execute(select(*columns)).one()
    return dict(zip(TABS, row))


def queue_page(tab: str, page: int, per_page: int) -> Page:
    """One page of a tab, each entry a ``QueueItem``."""
    refs = REFS[tab]().subquery()
    total = db.session.scalar(select(func.count()).select_from(refs)) or 0
    order = (refs.c.since.desc(), refs.c.target_id.desc()) if tab in NEWEST_FIRST else (refs.c.since, refs.c.target_id)
    rows = db.session.execute(
        select(refs.c.target_type, refs.c.target_id, refs.c.since).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = _load([(row.target_type, row.target_id, row.since) for row in rows], tab)
    return Page(items=items, page=page, per_page=per_page, total=total)


def _load(refs: list[tuple[str, int, datetime]], tab: str) -> list[QueueItem]:
    if not refs:
        return []
    wanted: dict[str, set[int]] = {}
    for target_type, target_id, _ in refs:
        wanted.setdefault(target_type, set()).add(target_id)
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(wanted.get("comment", ()))))} \
        if wanted.get("comment") else {}
    proposal_ids = set(wanted.get("proposal", ())) | {c.target_id for c in comments.values() if c.target_type == "proposal"}
    case_ids = set(wanted.get("case", ())) | {c.target_id for c in comments.values() if c.target_type == "case"}
    proposals = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(proposal_ids)))} if proposal_ids else {}
    cases = {c.id: c for c in db.session.scalars(select(InnovationCase).where(InnovationCase.id.in_(case_ids)))} if case_ids else {}
    objects = {"proposal": proposals, "comment": comments, "case": cases}
    entries = []
    for target_type, target_id, since in refs:
        obj = objects.get(target_type, {}).get(target_id)
        if obj is not None:
            entries.append(_describe(QueueItem(target_type, obj, since), proposals, cases))
    author_ids = [entry.item.author_id for entry in entries if entry.item.author_id is not None]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(author_ids)))} if author_ids else {}
    histories = accounts.histories(author_ids)
    for entry in entries:
        entry.author = users.get(entry.item.author_id)
        entry.history = histories.get(entry.item.author_id, {})
    if tab in ("flagged", "personal"):
        _attach_flags(entries)
    if tab == "appeals":
        _attach_appeals(entries)
    return entries


def _describe(entry: QueueItem, proposals: dict, cases: dict) -> QueueItem:
    obj = entry.item
    if entry.target_type == "proposal":
        entry.title, entry.url = mask_personal_info(obj.title), f"/proposals/{obj.id}"
    elif entry.target_type == "case":
        entry.title, entry.url = obj.display_title, f"/cases/{obj.id}"
    else:
        parent = (proposals if obj.target_type == "proposal" else cases).get(obj.target_id)
        base = f"/proposals/{obj.target_id}" if obj.target_type == "proposal" else f"/cases/{obj.target_id}"
        entry.url = f"{base}#comment-{obj.id}"
        if parent is not None:
            entry.context_title = mask_personal_info(parent.title)
        entry.title = entry.context_title
    return entry


def _ref_condition(model_type: Any, model_id: Any, entries: list[QueueItem]) -> Any:
    by_type: dict[str, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.target_type, []).append(entry.item.id)
    return or_(*[and_(model_type == target_type, model_id.in_(ids)) for target_type, ids in by_type.items()])


def _attach_flags(entries: list[QueueItem]) -> None:
    if not entries:
        return
    index = {(entry.target_type, entry.item.id): entry for entry in entries}
    for flag in db.session.scalars(
        select(Flag)
        .where(Flag.resolved_at.is_(None), _ref_condition(Flag.target_type, Flag.target_id, entries))
        .order_by(Flag.created_at)
    ):
        entry = index.get((flag.target_type, flag.target_id))
        if entry is None:
            continue
        if flag.user_id is None:
            entry.system_flags.append(flag.reason)
            continue
        entry.flag_counts[flag.reason] = entry.flag_counts.get(flag.reason, 0) + 1
        if flag.note:
            entry.notes.append(mask_personal_info(flag.note))


def _attach_appeals(entries: list[QueueItem]) -> None:
    if not entries:
        return
    index = {(entry.target_type, entry.item.id): entry for entry in entries}
    for appeal in db.session.scalars(
        select(Appeal).where(Appeal.status == APPEAL_PENDING, _ref_condition(Appeal.target_type, Appeal.target_id, entries))
    ):
        entry = index.get((appeal.target_type, appeal.target_id))
        if entry is not None:
            entry.appeal = appeal
