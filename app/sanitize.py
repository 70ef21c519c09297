"""The one place that turns user Markdown into safe HTML.

markdown-it-py renders CommonMark with raw HTML disabled; bleach then keeps
only an allow-list of tags, attributes and URL schemes, and gives every link
``rel="nofollow ugc noopener"``. A post's top heading becomes h2, so a post
never out-ranks the page's h1 nor skips a level. No images: they would leak
readers' addresses to other sites (and the CSP blocks them anyway).
"""

from __future__ import annotations

import html
import re
from typing import Literal

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

LINK_REL = "nofollow ugc noopener"
PROTOCOLS = ["http", "https", "mailto"]

FULL_TAGS = [
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
]
COMMENT_TAGS = ["p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"]
ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"], "th": ["align"], "td": ["align"]}

_full = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(["table", "strikethrough"])
_comment = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    .enable(["strikethrough"])
    .disable(["heading", "lheading", "image", "table"], ignoreInvalid=True)
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_linker = Linker(callbacks=[_set_rel], skip_tags=["pre", "code"], parse_email=False)


def render_markdown(text: str, flavour: Literal["full", "comment"] = "full") -> str:
    """Safe HTML for user Markdown: ``full`` for threads and cases, ``comment`` for comments."""
    engine = _full if flavour == "full" else _comment
    tokens = engine.parse(text or "")
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    if headings:
        # The post's top heading becomes h2 (under the page's h1), keeping the hierarchy:
        # never a skipped level, never a second h1.
        shift = 2 - min(int(token.tag[1]) for token in headings)
        for token in headings:
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    rendered = engine.renderer.render(tokens, engine.options, {})
    tags = FULL_TAGS if flavour == "full" else COMMENT_TAGS
    cleaned = bleach.clean(rendered, tags=tags, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True)
    return _linker.linkify(cleaned).strip()


_OWN_STAR = "\ue000"  # the author's own asterisks while masking
_MASK_STAR = "\ue001"  # the asterisks masking adds, kept away from Markdown


def render_masked(text: str, flavour: Literal["full", "comment"] = "full") -> str:
    """Safe HTML for user Markdown with personal information masked (the public rendering).

    The mask's asterisks (138****5678) would otherwise be read as Markdown
    emphasis, which mangles the mask and the text around it; they are swapped
    for a private-use character while rendering.
    """
    from app.privacy import mask_personal_info

    text = (text or "").replace(_OWN_STAR, "").replace(_MASK_STAR, "")
    masked = mask_personal_info(text.replace("*", _OWN_STAR))
    masked = masked.replace("*", _MASK_STAR).replace(_OWN_STAR, "*")
    return render_markdown(masked, flavour).replace(_MASK_STAR, "*")


def sanitize_html(fragment: str, flavour: Literal["full", "comment"] = "full") -> str:
    """Clean an HTML fragment to the same allow-list (for HTML from elsewhere)."""
    tags = FULL_TAGS if flavour == "full" else COMMENT_TAGS
    cleaned = bleach.clean(fragment or "", tags=tags, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True)
    return _linker.linkify(cleaned)


_space = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """The visible text of user Markdown, without markup (not escaped)."""
    rendered = _full.render(text or "")
    stripped = bleach.clean(rendered, tags=[], strip=True)
    return _space.sub(" ", html.unescape(stripped)).strip()


def excerpt(text: str, length: int = 120) -> str:
    """A plain-text excerpt of at most ``length`` characters (not escaped)."""
    plain = plain_text(text)
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"
