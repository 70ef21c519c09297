"""Innovation case verbs: create, edit, submit, review. They validate, flush, audit; never commit."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, exists, select

from app.audit.services import record
from app.clock import utcnow
from app.departments.models import Department
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.events import signal
from app.extensions import db
from app.innovation.models import (
    BODY_MAX,
    DRAFT,
    EDITABLE,
    PUBLISHED,
    REASON_MAX,
    REJECTED,
    SUBMITTED,
    SUMMARY_MAX,
    TITLE_MAX,
    CaseTag,
    InnovationCase,
)
from app.innovation.permissions import can_review_cases, can_submit_case, can_view_case, can_work_on_case
from app.innovation.tags import clean_tags, normalize_tag
from app.permissions import require, require_participation
from app.sanitize import render_masked

# sender=case, actor=the moderator who published it
case_published = signal("case.published")
# sender=case, actor=whoever changed it (created, edited, submitted, published, rejected)
case_updated = signal("case.updated")

DECISIONS = ("publish", "reject")


def get_case(case_id: int) -> InnovationCase:
    """The case with this id, or NotFound."""
    case = db.session.get(InnovationCase, case_id) if 0 < case_id < 2**31 else None
    if case is None:
        raise NotFound(gettext("No such innovation case."))
    return case


def case_for_viewer(user: Any, case_id: int) -> InnovationCase:
    """The case if this user may see it; unpublished cases of other departments are NotFound."""
    case = get_case(case_id)
    if not can_view_case(user, case):
        raise NotFound(gettext("No such innovation case."))
    return case


def _text_problems(value: Any, maximum: int) -> list[str]:
    if not isinstance(value, str):
        return [gettext("Must be text.")]
    if "\x00" in value:
        return [gettext("Must not contain NUL characters.")]
    if not value.strip():
        return [gettext("This field is required.")]
    if len(value.strip()) > maximum:
        return [gettext("At most %(max)d characters.", max=maximum)]
    return []


def _checked_fields(title: Any, summary: Any, body: Any, tags: Any) -> tuple[dict[str, Any], list[str]]:
    """The cleaned fields, or ValidationFailed naming every problem."""
    fields: dict[str, list[str]] = {}
    for name, value, maximum in (("title", title, TITLE_MAX), ("summary", summary, SUMMARY_MAX), ("body", body, BODY_MAX)):
        if problems := _text_problems(value, maximum):
            fields[name] = problems
    tag_list, tag_problems = clean_tags(tags)
    if tag_problems:
        fields["tags"] = tag_problems
    if fields:
        raise ValidationFailed(fields=fields)
    return {"title": title.strip(), "summary": summary.strip(), "body": body.strip()}, tag_list


def _apply(case: InnovationCase, cleaned: dict[str, Any], tags: list[str]) -> None:
    case.title = cleaned["title"]
    case.summary = cleaned["summary"]
    case.body = cleaned["body"]
    case.body_html = render_masked(cleaned["body"], "full")
    wanted = set(tags)
    for existing in list(case.tags):
        if existing.tag not in wanted:
            case.tags.remove(existing)
    have = {existing.tag for existing in case.tags}
    for tag in tags:
        if tag not in have:
            case.tags.append(CaseTag(tag=tag))


def create_case(
    actor: Any,
    *,
    title: Any,
    summary: Any,
    body: Any,
    tags: Any = None,
    department: Department | None = None,
    submit: bool = True,
) -> InnovationCase:
    """An officer's new case for their own department: submitted for review, or kept as a draft."""
    require_participation(actor)
    require(can_submit_case(actor), actor, gettext("Only officers submit innovation cases, for their own department."))
    if department is not None and department.id != actor.department_id:
        raise Forbidden(gettext("Officers submit innovation cases for their own department only."), code="not_your_department")
    cleaned, tag_list = _checked_fields(title, summary, body, tags)
    now = utcnow()
    case = InnovationCase(
        department_id=actor.department_id,
        author_id=actor.id,
        status=SUBMITTED if submit else DRAFT,
        created_at=now,
        updated_at=now,
        submitted_at=now if submit else None,
    )
    _apply(case, cleaned, tag_list)
    db.session.add(case)
    db.session.flush()
    record(actor, "case.submit" if submit else "case.create", case, after={"status": case.status, "title": case.title})
    case_updated.send(case, actor=actor)
    return case


def check_editable(actor: Any, case: InnovationCase) -> None:
    """Raise unless the actor may edit the case now: 403 for others, 409 once submitted or published."""
    require_participation(actor)
    require(can_work_on_case(actor, case), actor, gettext("Only officers of the case's department may edit it."))
    if case.status not in EDITABLE:
        raise Conflict(gettext("Only drafts and rejected cases can be edited."), code="not_editable")


def update_case(actor: Any, case: InnovationCase, *, title: Any, summary: Any, body: Any, tags: Any = None) -> InnovationCase:
    """Edit a draft or rejected case (officers of its department)."""
    check_editable(actor, case)
    cleaned, tag_list = _checked_fields(title, summary, body, tags)
    before = {"title": case.title, "summary": case.summary, "tags": case.tag_names}
    _apply(case, cleaned, tag_list)
    case.updated_at = utcnow()
    db.session.flush()
    record(actor, "case.edit", case, before=before, after={"title": case.title, "summary": case.summary, "tags": tag_list})
    case_updated.send(case, actor=actor)
    return case


def submit_case(actor: Any, case: InnovationCase) -> InnovationCase:
    """Send a draft or rejected case to the moderators."""
    require_participation(actor)
    require(can_work_on_case(actor, case), actor, gettext("Only officers of the case's department may submit it."))
    if case.status not in EDITABLE:
        raise Conflict(gettext("This case has already been submitted."), code="not_editable")
    before = {"status": case.status}
    now = utcnow()
    case.status = SUBMITTED
    case.submitted_at = now
    case.updated_at = now
    db.session.flush()
    record(actor, "case.submit", case, before=before, after={"status": SUBMITTED})
    case_updated.send(case, actor=actor)
    return case


def review_case(actor: Any, case: InnovationCase, decision: Any, reason: Any = None) -> InnovationCase:
    """A moderator publishes or rejects (with a reason shown to the department) a submitted case."""
    require(can_review_cases(actor), actor, gettext("Only moderators review innovation cases."))
    fields: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        fields["decision"] = [gettext("Must be one of: %(choices)s.", choices=", ".join(DECISIONS))]
    if reason is not None and (not isinstance(reason, str) or "\x00" in reason):
        fields["reason"] = [gettext("Must be text.")]
    elif reason is not None and len(reason.strip()) > REASON_MAX:
        fields["reason"] = [gettext("At most %(max)d characters.", max=REASON_MAX)]
    elif decision == "reject" and not (reason or "").strip():
        fields["reason"] = [gettext("Please give the reason for rejecting this case; the department will see it.")]
    if fields:
        raise ValidationFailed(fields=fields)
    # lock the case so that two moderators cannot both decide
    db.session.execute(select(InnovationCase.id).where(InnovationCase.id == case.id).with_for_update())
    db.session.refresh(case)
    if case.status != SUBMITTED:
        raise Conflict(gettext("Only submitted cases can be reviewed; this one is %(status)s.", status=status_label(case.status)))
    reason_text = (reason or "").strip() or None
    now = utcnow()
    before = {"status": case.status}
    case.reviewed_at = now
    case.reviewed_by_id = actor.id
    case.updated_at = now
    if decision == "publish":
        case.status = PUBLISHED
        case.published_at = case.published_at or now
        case.rejection_reason = None
    else:
        case.status = REJECTED
        case.rejection_reason = reason_text
    db.session.flush()
    record(actor, f"case.{decision}", case, reason=reason_text, before=before, after={"status": case.status})
    if case.status == PUBLISHED:
        case_published.send(case, actor=actor)
    case_updated.send(case, actor=actor)
    return case


def status_label(status: str) -> str:
    """The translated name of a case state."""
    labels = {
        DRAFT: gettext("draft"),
        SUBMITTED: gettext("submitted"),
        PUBLISHED: gettext("published"),
        REJECTED: gettext("rejected"),
    }
    return labels.get(status, status)


# --- queries -----------------------------------------------------------------


def published_cases_query(department_id: int | None = None, tag: str | None = None) -> Select:
    """Published, visible cases, newest first; optionally of one department and with one tag."""
    query = (
        select(InnovationCase)
        .where(InnovationCase.status == PUBLISHED, InnovationCase.hidden_at.is_(None))
        .order_by(InnovationCase.published_at.desc(), InnovationCase.id.desc())
    )
    if department_id is not None:
        query = query.where(InnovationCase.department_id == department_id)
    if tag:
        query = query.where(
            exists().where(CaseTag.case_id == InnovationCase.id, CaseTag.tag == normalize_tag(tag))
        )
    return query


def department_cases_query(department_id: int) -> Select:
    """Every case of a department in every state, latest change first (for its officers)."""
    return (
        select(InnovationCase)
        .where(InnovationCase.department_id == department_id)
        .order_by(InnovationCase.updated_at.desc(), InnovationCase.id.desc())
    )


def submitted_cases_query() -> Select:
    """The review queue: submitted cases, oldest first."""
    return (
        select(InnovationCase)
        .where(InnovationCase.status == SUBMITTED)
        .order_by(InnovationCase.submitted_at, InnovationCase.id)
    )
