"""Segmentation, query quoting and snippets: the parts of search that need no database."""

from __future__ import annotations

from app.search.highlight import highlight, snippet
from app.search.text import MAX_QUERY_TERMS, document_terms, fts5_query, query_terms, words
from tests.htmlsafety import unsafe_parts


def test_chinese_is_segmented_into_words_and_their_parts():
    found = words("杭州市西湖区道路积水严重，希望尽快修缮排水设施")
    assert {"杭州市", "西湖区", "西湖", "积水", "排水", "设施", "修缮"} <= set(found)
    assert "，" not in found and all(" " not in word for word in found)


def test_domain_words_are_kept_whole():
    assert "一网通办" in words("推进政务服务一网通办")
    assert "最多跑一次" in words("最多跑一次改革")


def test_latin_is_lower_cased_full_width_folded_and_split_on_punctuation():
    assert words("Hello ＷＯＲＬＤ e-mail C++ 12345热线") == ["hello", "world", "mail", "12345", "热线"]


def test_stop_words_and_punctuation_are_dropped():
    assert query_terms("我的了是在，。！？") == []
    assert query_terms("the and of") == []
    assert "路" in words("这条路")  # meaningful single characters stay


def test_query_terms_are_distinct_and_bounded():
    assert query_terms("积水 积水 积水") == ["积水"]
    assert len(query_terms(" ".join(f"词{i}语" for i in range(200)))) <= MAX_QUERY_TERMS
    assert query_terms("x" * 100_000) == []  # a 200-character run is not a word


def test_document_terms_weigh_the_title_twice():
    terms = document_terms("道路积水", "西湖区积水").split()
    assert terms.count("道路") == 2 and terms.count("积水") == 3


def test_fts5_query_quotes_every_term():
    assert fts5_query(["near", "or"]) == '"near" AND "or"'
    assert fts5_query(['a"b']) == '"a""b"'
    assert fts5_query(["积水", "排水"], "OR") == '"积水" OR "排水"'


def test_highlight_escapes_and_marks():
    html = str(highlight("<script>alert(1)</script> 道路积水", ["积水", "script"]))
    assert "<script>" not in html and "&lt;<mark>script</mark>&gt;" in html
    assert "<mark>积水</mark>" in html
    assert unsafe_parts(html) == []


def test_highlight_ignores_case_and_full_width_and_merges_neighbours():
    assert str(highlight("ＡＢＣ abc", ["abc"])) == "<mark>ＡＢＣ</mark> <mark>abc</mark>"
    assert str(highlight("户口迁移证", ["户口", "迁移"])) == "<mark>户口迁移</mark>证"
    assert str(highlight("排水设施", ["排水", "设施", "排水设施"])) == "<mark>排水设施</mark>"


def test_snippet_shows_the_first_match_with_ellipses():
    text = "开头" * 100 + "道路积水严重" + "结尾" * 100
    html = str(snippet(text, ["积水"], length=40))
    assert html.startswith("…") and html.endswith("…") and "<mark>积水</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == 42


def test_snippet_without_a_match_shows_the_start():
    assert str(snippet("短文本", ["积水"])) == "短文本"
    assert str(snippet("a<b" * 100, [], length=9)) == "a&lt;ba&lt;ba&lt;b…"


def test_similarity_ignores_words_every_message_contains():
    from app.search.text import similarity_terms

    assert similarity_terms("希望尽快解决小区停车难的问题") == ["小区", "停车", "停车难"]
    assert similarity_terms("请问如何") == []
