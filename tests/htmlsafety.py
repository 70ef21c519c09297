"""Checks that an HTML fragment or page carries no executable content."""

from __future__ import annotations

from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "img", "form", "base", "meta", "link"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRS and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "").split(":", 1)[0]
                if ":" in value and scheme in {"javascript", "vbscript", "data"}:
                    self.problems.append(f"{tag}[{name}={value[:30]}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")


def unsafe_parts(fragment: str, allowed_tags: set[str] = frozenset()) -> list[str]:
    """Executable or styling parts of a user-content fragment (empty when safe)."""
    collector = _Collector()
    collector.feed(fragment)
    return [p for p in collector.problems if p.strip("<>") not in allowed_tags]


def page_scripts_are_only_ours(page_html: str) -> bool:
    """True when every <script> in a full page is an external file of ours."""
    import re

    for tag in re.findall(r"<script\b[^>]*>", page_html, flags=re.IGNORECASE):
        if 'src="/static/' not in tag:
            return False
    return True
