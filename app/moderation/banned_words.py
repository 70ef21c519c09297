"""The moderators' list of banned words and patterns (with ``BANNED_PATTERNS`` from config).

``app.policy.assess`` reads both: a post matching any of them waits in the
review queue instead of being published. Plain words match literally
(case-insensitive); patterns are regular expressions, checked to compile
and kept short. Adding and removing is audited but not published (the list
would teach spammers what to avoid).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.database import insert_or_ignore
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.moderation.actions import require_moderator
from app.moderation.models import PATTERN_MAX, BannedWord
from app.policy import PATTERN_SOURCES


def _pattern_problems(pattern: Any, is_regex: bool) -> tuple[str | None, list[str]]:
    if not isinstance(pattern, str) or "\x00" in pattern or not pattern.strip():
        return None, [gettext("Please enter a word or a pattern.")]
    pattern = pattern.strip()
    if len(pattern) > PATTERN_MAX:
        return None, [gettext("At most %(max)d characters.", max=PATTERN_MAX)]
    if is_regex:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            return None, [gettext("This is not a valid regular expression: %(problem)s", problem=str(exc))]
        if compiled.search(""):
            return None, [gettext("This pattern matches every text.")]
    return pattern, []


def add_word(actor: Any, pattern: Any, is_regex: Any = False) -> BannedWord:
    """Add a banned word (or regular expression); 409 when it is on the list already."""
    require_moderator(actor)
    is_regex = bool(is_regex) and is_regex not in ("0", "false", "")
    clean, problems = _pattern_problems(pattern, is_regex)
    if problems:
        raise ValidationFailed(fields={"pattern": problems})
    if not insert_or_ignore(db.session, BannedWord, {
        "pattern": clean, "is_regex": is_regex, "created_by_id": actor.id, "created_at": utcnow(),
    }):
        raise Conflict(gettext("This word is already on the list."))
    word = db.session.scalar(select(BannedWord).where(BannedWord.pattern == clean))
    record(actor, "banned_word.add", word, after={"pattern": clean, "regex": is_regex}, public=False)
    return word


def remove_word(actor: Any, word_id: int) -> None:
    """Take a word off the list."""
    require_moderator(actor)
    word = db.session.get(BannedWord, word_id) if 0 < word_id < 2**31 else None
    if word is None:
        raise NotFound(gettext("No such word."))
    record(actor, "banned_word.remove", word, before={"pattern": word.pattern, "regex": word.is_regex}, public=False)
    db.session.delete(word)
    db.session.flush()


def words() -> list[BannedWord]:
    """The list, alphabetically."""
    return list(db.session.scalars(select(BannedWord).order_by(BannedWord.pattern)))


def stored_patterns() -> tuple[str, ...]:
    """The list as regular expressions, for ``app.policy`` (one query per assessed post)."""
    rows = db.session.execute(select(BannedWord.pattern, BannedWord.is_regex)).all()
    return tuple(pattern if is_regex else re.escape(pattern) for pattern, is_regex in rows)


if stored_patterns not in PATTERN_SOURCES:
    PATTERN_SOURCES.append(stored_patterns)
