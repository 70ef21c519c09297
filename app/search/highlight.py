"""Snippets with the matched words in ``<mark>``, made in Python from the stored plain text.

The databases only say *which* documents match; the snippet is cut and
highlighted here, so it is the same on SQLite and PostgreSQL. Matching
ignores case and full-width forms (as the index does), and every piece of
text is HTML-escaped before the ``<mark>`` tags are added.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

SNIPPET_LENGTH = 120
LEAD = 30  # characters shown before the first match
ELLIPSIS = "…"


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` normalised per character, and for each normalised character its index in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


def _pattern(terms: list[str]) -> re.Pattern | None:
    # Longest first, so 排水设施 is marked whole rather than as 排水 + 设施.
    alternatives = sorted({t for t in terms if t}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile("|".join(_alternative(t) for t in alternatives))


def _alternative(term: str) -> str:
    # Latin words match whole (script is not marked inside javascript); Chinese has no word boundaries.
    if term.isascii():
        return rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])"
    return re.escape(term)


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every occurrence of a term, left to right, not overlapping."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return []
    normalised, origin = _normalised_with_map(text)
    spans = []
    for found in pattern.finditer(normalised):
        start = origin[found.start()]
        end = origin[found.end() - 1] + 1
        if spans and start < spans[-1][1]:
            continue
        if spans and start == spans[-1][1]:  # 户口 + 迁移 next to each other: one mark
            spans[-1] = (spans[-1][0], end)
            continue
        spans.append((start, end))
    return spans


def highlight(text: str, terms: list[str], spans: list[tuple[int, int]] | None = None) -> Markup:
    """The whole of ``text``, escaped, with each term occurrence wrapped in ``<mark>``."""
    if spans is None:
        spans = match_spans(text, terms)
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(str(escape(text[position:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> Markup:
    """About ``length`` characters of ``text`` around its first match, escaped and highlighted.

    Without a match (the title matched), the start of the text is shown.
    """
    text = text or ""
    spans = match_spans(text, terms)
    start = 0
    if spans and spans[0][0] > LEAD:
        start = spans[0][0] - LEAD
    end = min(len(text), start + length)
    if end - start < length:
        start = max(0, end - length)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = highlight(text[start:end], terms, window)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return Markup(prefix) + body + Markup(suffix)
