"""Working days, sanitizing, personal-information masking and the content policy."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.privacy import find_personal_info, mask_name, mask_personal_info, valid_id_number
from app.sanitize import excerpt, render_markdown
from app.workdays import add_working_days, is_working_day, working_seconds_between
from tests.htmlsafety import unsafe_parts

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


# --- working days ----------------------------------------------------------

@pytest.mark.parametrize(
    "start,days,expected",
    [
        (sh(2026, 11, 20, 10, 0), 1, sh(2026, 11, 23, 10, 0)),  # Friday + 1 = Monday
        (sh(2026, 11, 20, 10, 0), 2, sh(2026, 11, 24, 10, 0)),  # Friday + 2 = Tuesday
        (sh(2026, 11, 16, 9, 30), 5, sh(2026, 11, 23, 9, 30)),  # Monday + 5 = next Monday
        (sh(2026, 11, 21, 15, 0), 2, sh(2026, 11, 25, 0, 0)),  # Saturday + 2 = end of Tuesday
        (sh(2026, 11, 22, 23, 59), 1, sh(2026, 11, 24, 0, 0)),  # Sunday + 1 = end of Monday
        (sh(2026, 11, 20, 10, 0), 0, sh(2026, 11, 20, 10, 0)),
        (sh(2026, 11, 2, 8, 0), 15, sh(2026, 11, 23, 8, 0)),  # three weeks
    ],
)
def test_add_working_days_skips_weekends(start, days, expected):
    result = add_working_days(start, days, extra_holidays=())
    assert result == expected and result.tzinfo == timezone.utc


def test_add_working_days_skips_holidays():
    holidays = [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)]
    # Wednesday 30 September + 2 working days skips 1, 2 (holidays), 3, 4 (weekend), 5 (holiday)
    assert add_working_days(sh(2026, 9, 30, 12, 0), 2, holidays) == sh(2026, 10, 7, 12, 0)
    assert not is_working_day(date(2026, 10, 1), holidays)
    assert is_working_day(date(2026, 10, 6), holidays)


def test_add_working_days_reads_holidays_from_config(app):
    app.config["HOLIDAYS"] = ("2026-11-23",)
    try:
        with app.app_context():
            assert add_working_days(sh(2026, 11, 20, 10, 0), 1) == sh(2026, 11, 24, 10, 0)
    finally:
        app.config["HOLIDAYS"] = ()


def test_working_seconds_skip_weekends():
    # Friday 12:00 → Monday 12:00 is 24 working hours (12 on Friday, 12 on Monday)
    assert working_seconds_between(sh(2026, 11, 20, 12), sh(2026, 11, 23, 12), ()) == 24 * 3600
    assert working_seconds_between(sh(2026, 11, 21, 0), sh(2026, 11, 23, 0), ()) == 0
    assert working_seconds_between(sh(2026, 11, 23, 12), sh(2026, 11, 20, 12), ()) == 0


# --- sanitizing ------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '"><script>alert(1)</script>',
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "[x](vbscript:msgbox(1))",
    "<body onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "![x](javascript:alert(1))",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("flavour", ["full", "comment"])
def test_render_markdown_neutralises_xss(payload, flavour):
    html = render_markdown(payload, flavour)
    assert unsafe_parts(html) == [], html


def test_render_markdown_keeps_formatting_and_marks_links():
    html = render_markdown("# 标题\n\n**加粗** 和 [链接](https://zjzwfw.gov.cn) 以及 https://example.cn\n\n- 一\n- 二")
    assert "<h2>标题</h2>" in html and "<strong>加粗</strong>" in html and "<li>一</li>" in html
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_comment_flavour_has_no_headings_or_tables():
    html = render_markdown("# 标题\n\n| a | b |\n|---|---|\n| 1 | 2 |", "comment")
    assert "<h" not in html and "<table" not in html


def test_excerpt_is_plain_text():
    assert excerpt("**粗体** <b>标签</b> 文字", 100) == "粗体 <b>标签</b> 文字"
    assert excerpt("一二三四五六七八九十", 5) == "一二三四…"


# --- personal information --------------------------------------------------

def test_id_number_check_digit():
    assert valid_id_number("11010519491231002X")
    assert valid_id_number("11010519491231002x")
    assert not valid_id_number("110105194912310021")  # wrong check digit
    assert not valid_id_number("1101051949123100")


def test_masking_of_personal_information():
    text = "身份证11010519491231002X，手机13812345678，电话138-1234-5678，邮箱 zhang.san@example.com"
    masked = mask_personal_info(text)
    assert "11010519491231002X" not in masked and "110***********002X" in masked
    assert "13812345678" not in masked and masked.count("138****5678") == 2
    assert "zhang.san@example.com" not in masked and "z***@example.com" in masked
    assert set(find_personal_info(text)) == {"id_number", "mobile", "email"}


def test_18_digit_numbers_with_a_wrong_check_digit_are_not_masked():
    text = "订单号 110105194912310021 和 123456789012345678"
    assert mask_personal_info(text) == text
    assert find_personal_info(text) == []


def test_ordinary_numbers_are_left_alone():
    text = "热线12345，座机0571-87654321，2026年11月25日，金额 1380000 元"
    assert mask_personal_info(text) == text and find_personal_info(text) == []


def test_mask_name():
    assert mask_name("张伟") == "张**"
    assert mask_name("citizen01") == "c****"


# --- content policy --------------------------------------------------------

def test_policy_holds_new_accounts_and_banned_words_and_flags_personal_info(app, citizen, officer):
    from app.policy import assess

    app.config["BANNED_PATTERNS"] = ("赌博", r"代开\s*发票")
    try:
        with app.app_context():
            assert assess(citizen, "正常的内容").pending == ["new_account"]
            citizen.approved_posts = 2
            assert assess(citizen, "正常的内容").pending == []
            assert assess(citizen, "网上赌博").pending == ["banned_words"]
            assert assess(citizen, "专业代开 发票").pending == ["banned_words"]
            assert assess(citizen, "手机13812345678").flags == ["personal_info"]
            assert assess(officer, "正常").pending == []
    finally:
        app.config["BANNED_PATTERNS"] = ()
