"""Server-side SVG charts, each shown with a table of the same numbers.

No JavaScript and nothing the strict Content-Security-Policy forbids: charts
are inline ``<svg>`` drawn with presentation attributes (``fill``,
``font-size`` …), never ``style=``. Every chart is
``<svg role="img" aria-labelledby="…">`` with a ``<title>`` and a ``<desc>``,
and the macro ``chart_with_table`` in ``templates/macros/charts.html`` puts a
``<table>`` of the same data beside it, for screen readers, readers without
images, and anyone who wants the exact figures.

Adding a chart type (radar, line …): subclass ``Chart`` and implement
``size()``, ``draw()`` (SVG elements as strings, built with ``svg_text``,
``svg_rect``, ``svg_line`` so every value is escaped) and ``table()``. Labels
come from the caller, already translated; this module has no strings of its own.

    chart = BarChart("results-7", "投票结果", [Bar("最多跑一次改革", 120), Bar("浙里办", 98)],
                     label_header="案例", value_header="票数", unit="票")
    {{ chart_with_table(chart) }}
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Sequence

from markupsafe import Markup, escape

# Colours with at least 3:1 contrast against white (WCAG 1.4.11, graphical objects).
PALETTE = ("#0b4f9c", "#1b6b34", "#b3261e", "#8a5a00", "#6a1b9a", "#00695c")
INK = "#1b1f24"
MUTED = "#4a525c"
GRID = "#c9d0d8"
FONT_SIZE = 14

_id_safe = re.compile(r"[^A-Za-z0-9_-]+")


# --- text helpers ------------------------------------------------------------


def char_width(char: str) -> float:
    """Approximate width of a character in ems: CJK, full-width and ambiguous ones (“ ” … in CJK fonts) are square."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    if char in "il.,:;'|!":
        return 0.3
    return 0.6


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Approximate rendered width of ``text`` in pixels."""
    return sum(char_width(char) for char in text) * font_size


def fit_text(text: str, max_width: float, font_size: float = FONT_SIZE) -> str:
    """``text`` shortened with an ellipsis so that it fits ``max_width`` pixels."""
    if text_width(text, font_size) <= max_width:
        return text
    budget = max_width - text_width("…", font_size)
    kept = []
    used = 0.0
    for char in text:
        used += char_width(char) * font_size
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def format_number(value: float, decimals: int | None = None) -> str:
    """1234 → "1,234"; 3.14159 with decimals=1 → "3.1"."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


def _attrs(attributes: dict[str, Any]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return " ".join(parts)


def svg_text(x: float, y: float, text: str, **attributes: Any) -> str:
    """A ``<text>`` element (attributes: fill, font_size, text_anchor, font_weight …)."""
    attributes = {"x": x, "y": y, "fill": INK, "font_size": FONT_SIZE, **attributes}
    return f"<text {_attrs(attributes)}>{escape(text)}</text>"


def svg_rect(x: float, y: float, width: float, height: float, **attributes: Any) -> str:
    """A ``<rect>`` element (attributes: fill, rx, stroke …)."""
    return f"<rect {_attrs({'x': x, 'y': y, 'width': width, 'height': height, **attributes})}/>"


def svg_line(x1: float, y1: float, x2: float, y2: float, **attributes: Any) -> str:
    """A ``<line>`` element (attributes: stroke, stroke_width, stroke_dasharray …)."""
    attributes = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": GRID, "stroke_width": 1, **attributes}
    return f"<line {_attrs(attributes)}/>"


# --- the general chart ----------------------------------------------------------


@dataclass
class Table:
    """The numbers of a chart: a caption, column headers, and rows; the ``row_header`` column names each row."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    row_header: int = 0


class Chart:
    """An accessible SVG chart; subclasses draw it and describe its data as a table."""

    def __init__(self, chart_id: str, title: str, description: str = "") -> None:
        self.chart_id = _id_safe.sub("-", chart_id) or "chart"
        self.title = title
        self.description = description

    def size(self) -> tuple[float, float]:
        """(width, height) of the drawing in SVG units."""
        raise NotImplementedError

    def draw(self) -> list[str]:
        """The SVG elements of the chart (escaped strings)."""
        raise NotImplementedError

    def table(self) -> Table:
        """The same data as a table."""
        raise NotImplementedError

    def svg(self) -> Markup:
        """The whole ``<svg>`` element, labelled by its title and description."""
        width, height = self.size()
        title_id, desc_id = f"{self.chart_id}-title", f"{self.chart_id}-desc"
        labelled_by = f"{title_id} {desc_id}" if self.description else title_id
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" focusable="false" '
            f'{_attrs({"width": width, "height": height, "viewBox": f"0 0 {width:g} {height:g}", "aria_labelledby": labelled_by})}>',
            f'<title id="{title_id}">{escape(self.title)}</title>',
        ]
        if self.description:
            parts.append(f'<desc id="{desc_id}">{escape(self.description)}</desc>')
        parts.extend(self.draw())
        parts.append("</svg>")
        return Markup("".join(parts))


# --- horizontal bars ---------------------------------------------------------------


@dataclass
class Bar:
    """One bar: its label and value; ``row`` is its whole table row when the table has more columns."""

    label: str
    value: float
    row: Sequence[Any] | None = None


class BarChart(Chart):
    """Horizontal bars, labels on the left, values at the end of each bar (long labels are shortened; the table has them whole)."""

    def __init__(
        self,
        chart_id: str,
        title: str,
        bars: Sequence[Bar],
        *,
        description: str = "",
        label_header: str = "",
        value_header: str = "",
        unit: str = "",
        table_headers: Sequence[str] | None = None,
        row_header: int = 0,
        max_value: float | None = None,
        decimals: int | None = None,
        empty_text: str = "",
        width: float = 640,
        label_width: float = 220,
        bar_height: float = 22,
        gap: float = 10,
        colour: str = PALETTE[0],
    ) -> None:
        super().__init__(chart_id, title, description)
        self.bars = list(bars)
        self.label_header = label_header
        self.value_header = value_header
        self.unit = unit
        self.table_headers = list(table_headers) if table_headers else None
        self.row_header = row_header
        self.max_value = max_value
        self.decimals = decimals
        self.empty_text = empty_text
        self.width = width
        self.label_width = label_width
        self.bar_height = bar_height
        self.gap = gap
        self.colour = colour

    def value_text(self, value: float) -> str:
        """A value as shown at the end of its bar and in the table."""
        return format_number(value, self.decimals) + self.unit

    def size(self) -> tuple[float, float]:
        rows = max(1, len(self.bars))
        return self.width, 2 * self.gap + rows * self.bar_height + (rows - 1) * self.gap

    def draw(self) -> list[str]:
        width, height = self.size()
        if not self.bars:
            return [svg_text(width / 2, height / 2, self.empty_text, fill=MUTED, text_anchor="middle", dominant_baseline="middle")]
        longest_value = max(text_width(self.value_text(bar.value)) for bar in self.bars)
        area = max(10.0, width - self.label_width - 8 - longest_value - 8)
        top_value = self.max_value or max((bar.value for bar in self.bars), default=0) or 1
        elements = [svg_line(self.label_width, self.gap / 2, self.label_width, height - self.gap / 2, stroke=MUTED)]
        for index, bar in enumerate(self.bars):
            y = self.gap + index * (self.bar_height + self.gap)
            middle = y + self.bar_height / 2
            length = max(0.0, min(1.0, bar.value / top_value)) * area
            if bar.value > 0:
                length = max(length, 2.0)
            elements.append(
                svg_text(
                    self.label_width - 8,
                    middle,
                    fit_text(bar.label, self.label_width - 12),
                    text_anchor="end",
                    dominant_baseline="middle",
                )
            )
            elements.append(svg_rect(self.label_width, y, length, self.bar_height, fill=self.colour, rx=2))
            elements.append(
                svg_text(self.label_width + length + 6, middle, self.value_text(bar.value), dominant_baseline="middle")
            )
        return elements

    def table(self) -> Table:
        headers = self.table_headers or [self.label_header, self.value_header]
        rows = [list(bar.row) if bar.row is not None else [bar.label, self.value_text(bar.value)] for bar in self.bars]
        return Table(self.title, headers, rows, self.row_header)
