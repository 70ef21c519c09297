"""Case tags: a few short words, normalised so that 一网通办, ＃一网通办 and ' 一网通办 ' are one tag."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from flask_babel import gettext

from app.innovation.models import TAG_MAX, TAGS_MAX

# Separators people type between tags: commas (ASCII, full-width), 、 ; and line breaks.
_separators = re.compile(r"[,，、;；\n\r]+")
_spaces = re.compile(r"\s+")
# letters and digits of any script (CJK included), joined by single - _ · or +
_tag = re.compile(r"^[^\W_](?:[\w·+\-]*[^\W_+\-·])?$")


def normalize_tag(raw: str) -> str:
    """The canonical form of one tag: NFKC, no leading #, lowercase, inner spaces become '-'."""
    value = unicodedata.normalize("NFKC", raw or "").strip().lstrip("#").strip()
    return _spaces.sub("-", value).casefold()


def split_tags(raw: str) -> list[str]:
    """Tags typed in one text field, separated by commas, 、 or line breaks."""
    return [piece for piece in _separators.split(raw or "") if piece.strip()]


def clean_tags(raw: Any) -> tuple[list[str], list[str]]:
    """(normalised unique tags in the given order, problems) for a list or a comma-separated string."""
    if raw is None:
        return [], []
    if isinstance(raw, str):
        items: Iterable[Any] = split_tags(raw)
    elif isinstance(raw, (list, tuple)):
        items = raw
    else:
        return [], [gettext("Tags are a list of short words.")]
    tags: list[str] = []
    problems: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return [], [gettext("Tags are a list of short words.")]
        tag = normalize_tag(item)
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _tag.match(tag):
            problems.append(
                gettext(
                    "“%(tag)s” is not a tag: use at most %(max)d letters or digits, joined by - if needed.",
                    tag=item.strip()[:40],
                    max=TAG_MAX,
                )
            )
            continue
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        problems.append(gettext("At most %(max)d tags.", max=TAGS_MAX))
    return tags, problems
