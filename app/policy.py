"""Content policy: which new posts wait for a moderator, and which get flagged.

A post (thread, comment, case text) waits in the review queue when
- its author is a new citizen account (fewer than TRUSTED_AFTER_POSTS
  approved posts; staff accounts are trusted), or
- it matches a banned word or pattern (``BANNED_PATTERNS`` in config).
A post containing personal information is published masked but flagged for
review (``flags``), so a moderator looks at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from flask import current_app

from app.permissions import CITIZEN
from app.privacy import find_personal_info

NEW_ACCOUNT = "new_account"
BANNED_WORDS = "banned_words"
PERSONAL_INFO = "personal_info"


@dataclass
class Assessment:
    """What the policy says about a new post."""

    pending: list[str] = field(default_factory=list)  # reasons to hold it for review
    flags: list[str] = field(default_factory=list)  # reasons to flag it while published

    @property
    def needs_review(self) -> bool:
        return bool(self.pending)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error:
            compiled.append(re.compile(re.escape(pattern), re.IGNORECASE))
    return tuple(compiled)


# Other places that keep banned patterns (the moderators' list): callables returning regular expressions.
PATTERN_SOURCES: list[Callable[[], tuple[str, ...]]] = []


def banned_patterns() -> tuple[re.Pattern, ...]:
    """The configured banned words and patterns, and those of every registered source, compiled."""
    patterns = tuple(current_app.config.get("BANNED_PATTERNS", ()))
    for source in PATTERN_SOURCES:
        patterns += tuple(source())
    return _compiled(patterns)


def is_trusted(author: Any) -> bool:
    """Staff, or citizens with enough approved posts."""
    if author.role != CITIZEN:
        return True
    return author.approved_posts >= current_app.config.get("TRUSTED_AFTER_POSTS", 2)


def assess(author: Any, *texts: str) -> Assessment:
    """Judge a new post by its author and texts."""
    result = Assessment()
    if not is_trusted(author):
        result.pending.append(NEW_ACCOUNT)
    joined = "\n".join(t for t in texts if t)
    if any(pattern.search(joined) for pattern in banned_patterns()):
        result.pending.append(BANNED_WORDS)
    if find_personal_info(joined):
        result.flags.append(PERSONAL_INFO)
    return result
