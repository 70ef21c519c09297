"""Reading threads: the list with its filters and sorts, and one thread with
everything its page shows, each in a constant number of SQL queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import gettext
from sqlalchemy import Select, and_, exists, func, literal, select
from sqlalchemy.orm import joinedload, selectinload

from app.clock import utcnow
from app.departments.models import Department, Service
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.pagination import Page
from app.permissions import is_moderator, is_signed_in
from app.proposals import access, states
from app.proposals.models import KINDS, UNSURE, Extension, OfficialAnswer, Proposal, ProposalEvent, Support

SORTS = ("new", "top", "active")


@dataclass
class Filters:
    """The list's filters, checked."""

    department: Department | None = None
    unsure: bool = False
    service: Service | None = None
    kind: str | None = None
    status: str | None = None
    overdue: bool = False
    sort: str = "new"
    sort_chosen: bool = False
    q: str = ""
    problems: dict[str, list[str]] = field(default_factory=dict)

    def args(self) -> dict[str, Any]:
        """The query arguments that reproduce these filters (for pagination links)."""
        args: dict[str, Any] = {}
        if self.unsure:
            args["department"] = UNSURE
        elif self.department is not None:
            args["department"] = self.department.slug
        if self.service is not None:
            args["service"] = self.service.id
        for name in ("kind", "status", "q"):
            if getattr(self, name):
                args[name] = getattr(self, name)
        if self.overdue:
            args["overdue"] = 1
        if self.sort_chosen:
            args["sort"] = self.sort
        return args


def parse_filters(args: Mapping[str, Any], viewer: Any) -> Filters:
    """Filters from query arguments; problems are collected (the API answers 400, pages ignore them)."""
    filters = Filters()
    problems = filters.problems
    slug = (args.get("department") or "").strip()
    if slug == UNSURE:
        filters.unsure = True
    elif slug:
        filters.department = db.session.scalar(select(Department).where(Department.slug == slug[:64]))
        if filters.department is None:
            problems.setdefault("department", []).append(gettext("No department with this name."))
    raw_service = (args.get("service") or "").strip()
    if raw_service:
        if raw_service.isdigit() and int(raw_service) < 2**31:
            filters.service = db.session.get(Service, int(raw_service))
        if filters.service is None:
            problems.setdefault("service", []).append(gettext("No such service."))
    kind = (args.get("kind") or "").strip()
    if kind:
        if kind in KINDS:
            filters.kind = kind
        else:
            problems.setdefault("kind", []).append(gettext("Unknown kind."))
    status = (args.get("status") or "").strip()
    if status:
        if status in states.PUBLISHED or (status == states.PENDING_REVIEW and is_moderator(viewer)):
            filters.status = status
        else:
            problems.setdefault("status", []).append(gettext("Unknown status."))
    filters.overdue = (args.get("overdue") or "").strip().lower() in ("1", "true", "yes", "on")
    sort = (args.get("sort") or "new").strip()
    filters.sort_chosen = bool((args.get("sort") or "").strip())
    if sort in SORTS:
        filters.sort = sort
    else:
        problems.setdefault("sort", []).append(gettext("Sort by new, top or active."))
    filters.q = (args.get("q") or "").strip()[:100]
    return filters


def check(filters: Filters) -> None:
    """Raise ValidationFailed for bad filters (API)."""
    if filters.problems:
        raise ValidationFailed(fields=filters.problems)


def filtered_query(filters: Filters) -> tuple[Select, Any]:
    """Published threads matching the filters, unordered; and the search rank column when ``q`` is given."""
    query = select(Proposal)
    rank = None
    if filters.q:
        from app.search.services import ranked_ids

        hits = ranked_ids(filters.q, "proposal").subquery()
        query = query.join(hits, hits.c.ref_id == Proposal.id)
        rank = hits.c.rank
    if filters.status:
        query = query.where(Proposal.status == filters.status)
    else:
        query = query.where(Proposal.status != states.PENDING_REVIEW)
    if filters.unsure:
        query = query.where(Proposal.department_id.is_(None))
    elif filters.department is not None:
        query = query.where(Proposal.department_id == filters.department.id)
    if filters.service is not None:
        query = query.where(Proposal.service_id == filters.service.id)
    if filters.kind:
        query = query.where(Proposal.kind == filters.kind)
    if filters.overdue:
        query = query.where(Proposal.next_due_at < utcnow())
    return query, rank


SORT_KEYS = {"new": Proposal.created_at, "top": Proposal.supports_count, "active": Proposal.last_activity_at}


def list_page(filters: Filters, page: int, per_page: int) -> Page:
    """One page of the list: pinned threads first, then the rest by the chosen sort.

    Three queries: the count, the pinned threads (few, by the index on
    ``pinned_at``), and one page of the others ordered by an indexed column
    (``ORDER BY created_at`` / ``supports_count`` / ``last_activity_at``), so
    no query sorts the whole table.
    """
    base, rank = filtered_query(filters)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pinned = list(
        db.session.scalars(base.where(Proposal.pinned_at.is_not(None)).order_by(Proposal.pinned_at.desc(), Proposal.id.desc()))
    )
    start = (page - 1) * per_page
    items = pinned[start : start + per_page]
    wanted = per_page - len(items)
    if wanted > 0 and start + len(items) < total:
        # with words to search for and no sort chosen, the best matches come first
        key = rank if rank is not None and not filters.sort_chosen else SORT_KEYS[filters.sort]
        rest = (
            base.where(Proposal.pinned_at.is_(None))
            .order_by(key.desc(), Proposal.id.desc())
            .offset(max(0, start - len(pinned)))
            .limit(wanted)
        )
        items += list(db.session.scalars(rest))
    return Page(items=items, page=page, per_page=per_page, total=total)


def latest_query(limit: int = 5, department: Department | None = None) -> Select:
    """The newest published threads (home page, department page)."""
    query = select(Proposal).where(Proposal.status != states.PENDING_REVIEW)
    if department is not None:
        query = query.where(Proposal.department_id == department.id)
    return query.order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit)


def get_visible(proposal_id: int, viewer: Any) -> tuple[Proposal, bool]:
    """One thread the viewer may see, and whether the viewer supports it (one query)."""
    if not 0 < proposal_id < 2**31:
        raise NotFound(gettext("No such thread."))
    if is_signed_in(viewer):
        supported = exists().where(and_(Support.proposal_id == Proposal.id, Support.user_id == viewer.id)).correlate(Proposal)
    else:
        supported = literal(False)
    row = db.session.execute(select(Proposal, supported.label("supported")).where(Proposal.id == proposal_id)).first()
    if row is None or not access.can_view(viewer, row[0]):
        raise NotFound(gettext("No such thread."))
    return row[0], bool(row[1])


def get_for_action(proposal_id: int, viewer: Any) -> Proposal:
    """A thread an action is aimed at; invisible ones are not found."""
    proposal = db.session.get(Proposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or not access.can_view(viewer, proposal):
        raise NotFound(gettext("No such thread."))
    return proposal


def answers_of(proposal: Proposal) -> list[OfficialAnswer]:
    """Official answers, oldest first, with their ratings, then their revisions (two queries)."""
    return list(
        db.session.scalars(
            select(OfficialAnswer)
            .where(OfficialAnswer.proposal_id == proposal.id)
            .options(selectinload(OfficialAnswer.revisions), joinedload(OfficialAnswer.rating))
            .order_by(OfficialAnswer.created_at, OfficialAnswer.id)
        )
    )


def events_of(proposal: Proposal) -> list[ProposalEvent]:
    """The timeline, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(ProposalEvent)
            .where(ProposalEvent.proposal_id == proposal.id)
            .order_by(ProposalEvent.created_at, ProposalEvent.id)
        )
    )


def extensions_of(proposal: Proposal) -> list[Extension]:
    """Extension requests of a thread, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Extension).where(Extension.proposal_id == proposal.id).order_by(Extension.created_at.desc(), Extension.id.desc())
        )
    )
