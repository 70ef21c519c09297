"""app/charts.py: accessible SVG bar charts that obey the CSP, with the same data as a table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import render_template_string

from app.charts import Bar, BarChart, Chart, Table, fit_text, format_number, text_width


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data)


def _parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    return parser


def _chart(**kwargs) -> BarChart:
    bars = [Bar("最多跑一次改革", 120), Bar("浙里办“一网通办”：户籍业务掌上办理以及更多很长很长的名字", 98), Bar("零票案例", 0)]
    return BarChart("results 7", "投票结果", bars, description="共 218 票", label_header="案例", value_header="票数", unit="票", **kwargs)


def test_bar_chart_is_an_accessible_image_without_inline_styles():
    chart = _chart()
    svg = str(chart.svg())
    parsed = _parse(svg)
    tag, attrs = parsed.elements[0]
    assert tag == "svg" and attrs["role"] == "img" and attrs["focusable"] == "false"
    assert chart.chart_id == "results-7"
    assert attrs["aria-labelledby"] == "results-7-title results-7-desc"
    assert attrs["viewbox"] == "0 0 640 106"  # 3 bars of 22 with gaps of 10
    assert '<title id="results-7-title">投票结果</title>' in svg and '<desc id="results-7-desc">共 218 票</desc>' in svg
    assert all("style" not in element_attrs for _, element_attrs in parsed.elements)
    assert "<script" not in svg and "<foreignObject" not in svg
    rects = [a for t, a in parsed.elements if t == "rect"]
    assert len(rects) == 3
    widths = [float(rect["width"]) for rect in rects]
    assert widths[0] > widths[1] > widths[2] == 0  # longest bar for the largest value, none for zero
    assert all(rect["fill"].startswith("#") for rect in rects)
    assert "120票" in parsed.texts and "0票" in parsed.texts
    # long labels are shortened in the picture; the table has them whole
    shortened = [text for text in parsed.texts if text.endswith("…")]
    assert shortened and text_width(shortened[0]) <= 220


def test_bar_chart_escapes_labels():
    chart = BarChart("x", "<b>标题</b>", [Bar('<script>alert("x")</script>', 1)])
    svg = str(chart.svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;标题&lt;/b&gt;" in svg


def test_bar_chart_table_has_the_same_numbers():
    table = _chart().table()
    assert table == Table("投票结果", ["案例", "票数"], [
        ["最多跑一次改革", "120票"],
        ["浙里办“一网通办”：户籍业务掌上办理以及更多很长很长的名字", "98票"],
        ["零票案例", "0票"],
    ], 0)
    custom = BarChart("y", "t", [Bar("甲", 3, row=(1, "甲", "部门", 3))], table_headers=("名次", "案例", "部门", "票数"), row_header=1).table()
    assert custom.headers == ["名次", "案例", "部门", "票数"] and custom.rows == [[1, "甲", "部门", 3]] and custom.row_header == 1


def test_empty_chart_says_so():
    svg = str(BarChart("e", "空", [], empty_text="还没有选票。").svg())
    assert "还没有选票。" in svg and "<rect" not in svg


def test_macro_renders_figure_with_table(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros/charts.html" import chart_with_table %}{{ chart_with_table(chart) }}', chart=_chart()
        )
    assert '<figure class="chart" aria-labelledby="results-7-caption">' in html
    assert '<figcaption id="results-7-caption" class="chart-caption">投票结果</figcaption>' in html
    assert '<th scope="col">案例</th><th scope="col">票数</th>' in html
    assert '<th scope="row">最多跑一次改革</th><td>120票</td>' in html
    assert re.search(r"<caption[^>]*>投票结果</caption>", html)


def test_text_helpers():
    assert format_number(1234) == "1,234" and format_number(3.14159, 1) == "3.1" and format_number(2.5) == "2.5"
    assert text_width("ab") < text_width("中文")
    assert fit_text("短", 100) == "短"
    assert fit_text("很长的中文标签" * 5, 60).endswith("…")


def test_chart_base_class_is_the_extension_point():
    class Dots(Chart):
        def size(self):
            return 100, 50

        def draw(self):
            return ['<circle cx="10" cy="10" r="3" fill="#0b4f9c"/>']

        def table(self):
            return Table(self.title, ["x"], [[1]])

    svg = str(Dots("d", "点图").svg())
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"') and "<circle" in svg
    assert 'aria-labelledby="d-title"' in svg
