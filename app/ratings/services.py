"""Rating verbs: rate a service, answer a rectification case, confirm it.

They check permissions and input before changing anything, then change,
flush, audit-log and send signals; they never commit.

The 30-day rule (one rating per citizen per service per 30 days)
------------------------------------------------------------------
A citizen's first rating of a service opens a 30-day window. A new rating
before the window ends *replaces* the current one: the old row stays, marked
``superseded_at``/``superseded_by_id`` (history), and the stored aggregates
move from the old score to the new one. A rating at or after the end of the
window (30 × 24 h after the window's first rating; replacements do not
extend it) is a new rating in a new window, and both count.

Concurrency: every rating first makes sure the (service, user) row of
``rating_windows`` exists (``INSERT … ON CONFLICT DO NOTHING``) and then
locks it (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers already
hold the database's write lock). Two submissions at the same moment are
therefore settled one after the other: the second replaces the first, and
there is exactly one current rating. Aggregates move with ``UPDATE … SET
n = n + 1`` in the same transaction.

Rectification cases when a bad rating is replaced
-------------------------------------------------
A window has at most one live rectification case (``rating_windows.case_id``):

- replaced by a rating of 3–5 while the case is unanswered: the case is
  *withdrawn* (kept, with ``withdrawn_at``; not shown as open or overdue, not
  counted against the department, no longer answerable);
- replaced by another 1 or 2 while the case is unanswered: the case moves to
  the new rating and keeps its opening time and deadline (re-rating never
  resets the department's clock);
- the case was already answered (rectified or confirmed): it stays with the
  rating it answered and nothing new opens in this window; the rater gives
  their verdict through the confirmation;
- a 1 or 2 in a window without a live case (none yet, or withdrawn) opens a
  new case with a fresh deadline of 15 working days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update

from app.audit.services import record
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, NotFound, ValidationFailed
from app.events import signal
from app.extensions import db
from app.ratings.models import (
    BAD_SCORES,
    COMMENT_MAX,
    NOTE_MAX,
    OPEN,
    RECTIFICATION_WORKING_DAYS,
    RECTIFIED,
    RESOLVED,
    UNRESOLVED,
    WINDOW,
    WITHDRAWN,
    Rating,
    RatingWindow,
    RectificationCase,
    ServiceRatingStats,
)
from app.ratings.permissions import require_can_answer, require_can_confirm, require_can_rate
from app.workdays import add_working_days

# Signals (sent after flush, in the request's transaction):
#: a rating was stored — also for a replacement. sender=rating; actor, replaces (Rating | None), case (RectificationCase | None)
rating_created = signal("rating.created")
#: a rating replaced the citizen's current one inside its window. sender=new rating; old, actor
rating_replaced = signal("rating.replaced")
#: a bad rating opened a case. sender=case; rating
rectification_opened = signal("rectification.opened")
#: a better rating withdrew an unanswered case. sender=case; rating (the better one)
rectification_withdrawn = signal("rectification.withdrawn")
#: an officer answered a case with a rectification note. sender=case; actor
rectification_answered = signal("rectification.answered")
#: the rater confirmed resolved or not. sender=case; actor, resolved
rectification_confirmed = signal("rectification.confirmed")


@dataclass
class RatingResult:
    """What ``rate`` did: the new rating, the one it replaced, the window's case."""

    rating: Rating
    replaced: Rating | None
    case: RectificationCase | None


# --- input ------------------------------------------------------------------

def _encodable(value: str) -> bool:
    """False for text no database can store (NUL is checked apart; lone surrogates from JSON here)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_problems(value: Any, maximum: int, *, required: bool, required_message: Any = None) -> list[str]:
    if not isinstance(value, str):
        return [gettext("Must be text.")]
    if "\x00" in value or not _encodable(value):
        return [gettext("Contains characters that are not allowed.")]
    stripped = value.strip()
    if required and not stripped:
        return [str(required_message or gettext("This field is required."))]
    if len(stripped) > maximum:
        return [gettext("At most %(max)d characters.", max=maximum)]
    return []


def validate_rating(score: Any, comment: Any) -> tuple[int, str | None]:
    """The score (a whole number 1–5) and the comment (optional, ≤ 1,000 characters)."""
    fields: dict[str, list[str]] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        fields["score"] = [gettext("Choose a level from 1 (very dissatisfied) to 5 (very satisfied).")]
    if comment is not None and (problems := _text_problems(comment, COMMENT_MAX, required=False)):
        fields["comment"] = problems
    if fields:
        raise ValidationFailed(fields=fields)
    return score, (comment.strip() or None) if comment is not None else None


# --- rating -----------------------------------------------------------------

def _lock_window(service_id: int, user_id: int) -> RatingWindow:
    """The (service, user) window row, created if needed and locked for this transaction."""
    insert_or_ignore(db.session, RatingWindow, {"service_id": service_id, "user_id": user_id})
    return db.session.scalars(
        select(RatingWindow)
        .where(RatingWindow.service_id == service_id, RatingWindow.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _move_stats(service_id: int, add: int, remove: int | None = None) -> None:
    """Add a score to the service's aggregates (and take a replaced one off), atomically."""
    insert_or_ignore(db.session, ServiceRatingStats, {"service_id": service_id})
    table = ServiceRatingStats.__table__
    deltas: Counter[int] = Counter({add: 1})
    if remove is not None:
        deltas[remove] -= 1
    values: dict[str, Any] = {f"n{score}": table.c[f"n{score}"] + delta for score, delta in deltas.items() if delta}
    values["total"] = table.c.total + (add - (remove or 0))
    if remove is None:
        values["count"] = table.c.count + 1
    db.session.execute(update(table).where(table.c.service_id == service_id).values(**values))


def _open_case(rating: Rating, now) -> RectificationCase:
    case = RectificationCase(
        rating_id=rating.id,
        service_id=rating.service_id,
        department_id=rating.department_id,
        user_id=rating.user_id,
        status=OPEN,
        opened_at=now,
        due_at=add_working_days(now, RECTIFICATION_WORKING_DAYS),
    )
    db.session.add(case)
    db.session.flush()
    rectification_opened.send(case, rating=rating)
    return case


def _settle_case(window: RatingWindow, rating: Rating, now) -> RectificationCase | None:
    """Open, move, withdraw or keep the window's case for a new rating (rules above)."""
    live = None
    if window.case_id is not None:
        live = db.session.scalars(
            select(RectificationCase)
            .where(RectificationCase.id == window.case_id)
            .execution_options(populate_existing=True)
        ).one()
    bad = rating.score in BAD_SCORES
    if live is not None and live.status == OPEN:
        if bad:
            live.rating_id = rating.id
        else:
            live.status = WITHDRAWN
            live.withdrawn_at = now
            db.session.flush()
            rectification_withdrawn.send(live, rating=rating)
        db.session.flush()
        return live
    if bad and (live is None or live.status == WITHDRAWN):
        live = _open_case(rating, now)
        window.case_id = live.id
    return live


def rate(user: Any, service: Any, score: Any, comment: Any = None) -> RatingResult:
    """Rate a service 1–5 with an optional comment; replaces the current rating inside its window."""
    require_can_rate(user, service)
    score, comment = validate_rating(score, comment)
    now = utcnow()
    window = _lock_window(service.id, user.id)
    old = db.session.get(Rating, window.rating_id) if window.rating_id is not None else None
    replacing = old is not None and window.started_at is not None and now < window.started_at + WINDOW
    if not replacing:
        window.started_at = now
        window.case_id = None  # a new window starts without a case
    rating = Rating(
        service_id=service.id,
        department_id=service.department_id,
        user_id=user.id,
        score=score,
        comment=comment,
        created_at=now,
        window_started_at=window.started_at,
    )
    db.session.add(rating)
    db.session.flush()
    if replacing:
        old.superseded_at = now
        old.superseded_by_id = rating.id
        _move_stats(service.id, add=score, remove=old.score)
    else:
        _move_stats(service.id, add=score)
    window.rating_id = rating.id
    case = _settle_case(window, rating, now)
    db.session.flush()
    replaced = old if replacing else None
    rating_created.send(rating, actor=user, replaces=replaced, case=case)
    if replaced is not None:
        rating_replaced.send(rating, old=replaced, actor=user)
    return RatingResult(rating=rating, replaced=replaced, case=case)


# --- rectification ------------------------------------------------------------

def get_rating(rating_id: int) -> Rating:
    """The rating with this id, or NotFound."""
    rating = db.session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(gettext("No such rating."))
    return rating


def _locked_case(rating: Rating) -> RectificationCase | None:
    return db.session.scalars(
        select(RectificationCase)
        .where(RectificationCase.rating_id == rating.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def answer(actor: Any, rating: Rating, body: Any) -> RectificationCase:
    """An officer of the department answers the rating's case with a rectification note."""
    require_can_answer(actor, rating)  # the case's department is the rating's
    case = _locked_case(rating)
    if case is None:
        raise Conflict(gettext("This rating has no rectification case."), code="no_case")
    if case.status == WITHDRAWN:
        raise Conflict(gettext("The rater improved their rating; this case was withdrawn."), code="case_withdrawn")
    if case.status != OPEN:
        raise Conflict(gettext("This case has already been answered."), code="already_answered")
    if problems := _text_problems(body, NOTE_MAX, required=True, required_message=gettext("Please write what the department did.")):
        raise ValidationFailed(fields={"body": problems})
    now = utcnow()
    case.note = body.strip()
    case.status = RECTIFIED
    case.rectified_at = now
    case.rectified_by_id = actor.id
    case.rectified_on_time = now <= case.due_at
    db.session.flush()
    record(
        actor,
        "rectification.answer",
        case,
        before={"status": OPEN},
        after={"status": RECTIFIED, "rating_id": rating.id, "on_time": case.rectified_on_time},
        subject_user_id=case.user_id,
    )
    rectification_answered.send(case, actor=actor)
    return case


def confirm(actor: Any, rating: Rating, resolved: Any) -> RectificationCase:
    """The rater says whether the rectification resolved their problem (回访)."""
    require_can_confirm(actor, rating)
    case = _locked_case(rating)
    if case is None:
        raise Conflict(gettext("This rating has no rectification case."), code="no_case")
    if case.status in (OPEN, WITHDRAWN):
        raise Conflict(gettext("The department has not answered yet."), code="not_answered")
    if case.status != RECTIFIED:
        raise Conflict(gettext("You have already confirmed this case."), code="already_confirmed")
    if not isinstance(resolved, bool):
        raise ValidationFailed(fields={"resolved": [gettext("Must be true or false.")]})
    case.confirmed_at = utcnow()
    case.resolved = resolved
    case.status = RESOLVED if resolved else UNRESOLVED
    db.session.flush()
    rectification_confirmed.send(case, actor=actor, resolved=resolved)
    return case
