"""Pages: the ratings section of the service page for every role, the rating
form (CSRF, bad input), masking and escaping, and constant query counts."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests import factories_ratings as fr


@pytest.fixture
def w(app):
    return fr.world(app)


def _signed_in(app, user):
    client = app.test_client()
    client.login(user.username)
    return client


def _section(html: str) -> str:
    match = re.search(r'<section class="ratings-section" id="ratings".*?</section>', html, re.S)
    assert match, "no ratings section"
    return match.group(0)


# --- the service page for each role -------------------------------------------------

def test_visitor_sees_ratings_and_a_sign_in_link(client, app, w):
    fr.rating(app, w.service, w.citizen, 5, "很方便")
    fr.rating(app, w.service, w.citizen2, 2)
    section = _section(client.get(f"/services/{w.service.id}").get_data(as_text=True))
    assert "平均 3.50 分（满分5分）" in section and "2 条评价" in section
    assert "<caption>五级评价分布</caption>" in section
    assert '<meter min="0" max="100" value="50" aria-labelledby="service-level-5"></meter>' in section
    assert '<meter min="0" max="100" value="0" aria-labelledby="service-level-4"></meter>' in section
    assert "很方便" in section and "王**" in section and "李**" in section
    assert "登录后评价本服务事项" in section and "<form" not in section
    assert "style=" not in section and "<script" not in section
    stamps = re.findall(r'<time datetime="([^"]+)"', section)
    assert len(stamps) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", s) for s in stamps), stamps


def test_empty_service_says_so(client, app, w):
    section = _section(client.get(f"/services/{w.service.id}").get_data(as_text=True))
    assert "暂无评价" in section and "还没有人评价本服务事项" in section and "<table" not in section


@pytest.mark.parametrize("role", ["citizen", "other_officer", "moderator", "admin"])
def test_accounts_that_may_rate_get_the_form(app, w, role):
    section = _section(_signed_in(app, getattr(w, role)).get(f"/services/{w.service.id}").get_data(as_text=True))
    assert f'action="/services/{w.service.id}/rate"' in section and 'name="csrf_token"' in section
    assert "<fieldset" in section and "<legend>您对本服务事项满意吗？" in section
    for value, label in ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")):
        match = re.search(rf'<input id="(score-\d)" name="score" required type="radio" value="{value}">', section)
        assert match, value
        assert f'<label for="{match.group(1)}">{value} {label}</label>' in section
    assert '<textarea aria-describedby="comment-hint" id="comment" maxlength="1000" name="comment"' in section


def test_officer_of_the_department_gets_no_form(app, w):
    section = _section(_signed_in(app, w.officer).get(f"/services/{w.service.id}").get_data(as_text=True))
    assert "<form" not in section and "部门工作人员不能评价本部门的服务事项" in section
    assert 'href="/ratings/cases"' in section


@pytest.mark.parametrize("role", ["suspended", "banned"])
def test_suspended_accounts_get_no_form(app, w, role):
    section = _section(_signed_in(app, getattr(w, role)).get(f"/services/{w.service.id}").get_data(as_text=True))
    assert "<form" not in section and "您的账号目前不能评价服务事项" in section


# --- the rating form -------------------------------------------------------------------

def test_citizen_rates_through_the_page(app, w):
    client = _signed_in(app, w.citizen)
    response = client.submit(f"/services/{w.service.id}/rate", {"score": "2", "comment": "电话一直打不通"})
    assert response.status_code == 302 and response.headers["Location"] == f"/services/{w.service.id}#ratings"
    html = client.get(f"/services/{w.service.id}").get_data(as_text=True)
    assert "感谢您的评价。" in html and "部门须在" in html and "前答复整改情况" in html
    section = _section(html)
    assert "电话一直打不通" in section and "整改中" in section and "评价本事项为“2 不满意”" in section
    assert fr.stats(app, w.service)["count"] == 1
    response = client.submit(f"/services/{w.service.id}/rate", {"score": "4"})
    assert response.status_code == 302
    assert "您的新评价已替换您在" in client.get(f"/services/{w.service.id}").get_data(as_text=True)
    assert fr.stats(app, w.service) == {"count": 1, "total": 4, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0}


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "请选择评价等级"),
        ({"score": ""}, "请选择评价等级"),
        ({"score": "6"}, None),
        ({"score": "0"}, None),
        ({"score": "abc"}, None),
        ({"score": "4.5"}, None),
        ({"score": "5", "comment": "长" * 1001}, "最多 1000 个字符"),
        ({"score": "5", "comment": "a\x00b"}, "请求中含有无效字符"),  # refused for the whole site
    ],
)
def test_bad_form_input_shows_errors_and_changes_nothing(app, w, data, message):
    client = _signed_in(app, w.citizen)
    response = client.submit(f"/services/{w.service.id}/rate", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    if "\x00" not in data.get("comment", ""):
        assert 'class="error-summary"' in html and "has-error" in html
    if message:
        assert message in html
    assert fr.stats(app, w.service)["count"] == 0 and fr.all_ratings(app) == []


def test_form_needs_csrf(app, w):
    client = _signed_in(app, w.citizen)
    response = client.post(f"/services/{w.service.id}/rate", data={"score": "5"})
    assert response.status_code == 400 and fr.all_ratings(app) == []


@pytest.mark.parametrize("role,status", [("officer", 403), ("suspended", 403), ("banned", 403)])
def test_form_refuses_who_may_not_rate(app, w, role, status):
    client = _signed_in(app, getattr(w, role))
    assert client.submit(f"/services/{w.service.id}/rate", {"score": "5"}).status_code == status
    assert client.get(f"/services/{w.service.id}/rate").status_code == status
    assert fr.all_ratings(app) == []


def test_form_sends_visitors_to_sign_in(client, w):
    response = client.submit(f"/services/{w.service.id}/rate", {"score": "5"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/services/{w.service.id}/rate").status_code == 302


def test_rate_page_for_unknown_service_is_404(app, w):
    client = _signed_in(app, w.citizen)
    assert client.get("/services/999999/rate").status_code == 404
    assert client.submit("/services/999999/rate", {"score": "5"}).status_code == 404
    assert client.get("/services/999999/ratings").status_code == 404
    assert client.get("/ratings/999999").status_code == 404


# --- masking and escaping --------------------------------------------------------------

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> 电话13912345678 身份证110101199003074514 邮箱zhang.san@example.cn'


def test_names_and_personal_information_are_masked_and_comments_escaped(client, app, w):
    rater = factories.user(app, "张三丰")
    bad = fr.rating(app, w.service, rater, 1, HOSTILE)
    fr.answer(app, bad, w.officer, "已联系您，手机13912345678，<b>谢谢</b>")
    fr.confirm(app, bad, rater, False)  # unresolved: listed on the department page too
    pages = [
        f"/services/{w.service.id}",
        f"/services/{w.service.id}/ratings",
        f"/ratings/{bad.id}",
        "/ratings/rectifications",
        f"/departments/{w.dept.slug}",
    ]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        body = html.split("</header>", 1)[1]
        assert "张三丰" not in body and "张**" in body, path
        assert "13912345678" not in body and "110101199003074514" not in body and "zhang.san@example.cn" not in body, path
        assert "139****5678" in body and "110***********4514" in body and "z***@example.cn" in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>谢谢</b>" not in body, path


def test_deleted_accounts_show_as_deleted_user(client, app, w):
    from app.accounts.models import User
    from app.clock import utcnow
    from app.extensions import db

    fr.rating(app, w.service, w.citizen, 4)
    with app.app_context():
        db.session.get(User, w.citizen.id).deleted_at = utcnow()
        db.session.commit()
    assert "已注销用户" in _section(client.get(f"/services/{w.service.id}").get_data(as_text=True))


def test_english_pages(client, app, w):
    fr.rating(app, w.service, w.citizen, 1)
    client.set_cookie("lang", "en")
    html = client.get(f"/services/{w.service.id}").get_data(as_text=True)
    assert "1 Very dissatisfied" in html and "Distribution of the five levels" in html
    assert "Rectification of bad ratings" in client.get("/ratings/rectifications").get_data(as_text=True)


# --- constant numbers of queries --------------------------------------------------------

def _queries(count_queries, client, path) -> int:
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


def _cases(app, w, n: int) -> None:
    """n bad ratings (one per new citizen), some answered and confirmed."""
    for i in range(n):
        rating = fr.rating(app, w.service, factories.user(app), 1 + i % 2, f"差评{i}")
        if i % 3 == 1:
            fr.answer(app, rating, w.officer)
        if i % 3 == 2 and i % 2:
            fr.answer(app, rating, w.officer)
            fr.confirm(app, rating, _rater(app, rating), bool(i % 4))


def _rater(app, rating):
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        user = db.session.get(User, rating.user_id)
        db.session.expunge(user)
        return user


@pytest.mark.parametrize("role", ["visitor", "citizen", "officer"])
def test_service_page_runs_constant_queries(app, w, count_queries, role):
    client = app.test_client() if role == "visitor" else _signed_in(app, getattr(w, role))
    path = f"/services/{w.service.id}"
    fr.many_ratings(app, w.service, [5, 4, 1])
    if role == "citizen":
        fr.rating(app, w.service, w.citizen, 2, "我的差评")
    small = _queries(count_queries, client, path)
    fr.many_ratings(app, w.service, [5, 4, 3, 2, 1] * 60)
    large = _queries(count_queries, client, path)
    assert small == large, (small, large)
    assert small <= 8
    assert fr.stats(app, w.service)["count"] == 303 + (role == "citizen")


def test_list_pages_and_api_run_constant_queries(app, w, count_queries):
    officer = _signed_in(app, w.officer)
    client = app.test_client()
    _cases(app, w, 3)
    fr.many_ratings(app, w.service, [4, 5, 3])
    paths = [
        f"/services/{w.service.id}/ratings",
        "/ratings/rectifications",
        "/ratings/rectifications?state=open&department=zj-gat",
        f"/departments/{w.dept.slug}",
        f"/api/v1/services/{w.service.id}/ratings",
        f"/api/v1/services/{w.service.id}/rating-summary",
        "/api/v1/rectifications",
    ]
    small = {path: _queries(count_queries, client, path) for path in paths}
    small_officer = {p: _queries(count_queries, officer, p) for p in ("/ratings/cases", "/account")}
    _cases(app, w, 40)
    fr.many_ratings(app, w.service, [5, 4, 3, 2, 1] * 12)
    large = {path: _queries(count_queries, client, path) for path in paths}
    large_officer = {p: _queries(count_queries, officer, p) for p in ("/ratings/cases", "/account")}
    assert small == large
    assert small_officer == large_officer
    assert max(large.values()) <= 8 and max(large_officer.values()) <= 8, (large, large_officer)


def test_rating_detail_runs_constant_queries(app, w, count_queries):
    rating = fr.rating(app, w.service, w.citizen, 2, "差")
    rater = _signed_in(app, w.citizen)
    before = _queries(count_queries, rater, f"/ratings/{rating.id}")
    fr.answer(app, rating, w.officer)
    after = _queries(count_queries, rater, f"/ratings/{rating.id}")
    assert before == after <= 4
