"""Rectification cases: the 15-working-day deadline across weekends and
holidays, on time or late, overdue and unresolved cases shown publicly, the
officer's page and the answer and confirmation forms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories
from tests import factories_ratings as fr

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w(app):
    return fr.world(app)


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def _travel(moment: datetime):
    return time_machine.travel(moment.astimezone(timezone.utc), tick=False)


@pytest.mark.parametrize(
    "opened,due",
    [
        (sh(2026, 11, 20, 10, 0), sh(2026, 12, 11, 10, 0)),  # Friday: three weeks later, Friday
        (sh(2026, 11, 16, 9, 30), sh(2026, 12, 7, 9, 30)),  # Monday
        (sh(2026, 11, 21, 15, 0), sh(2026, 12, 14, 0, 0)),  # Saturday counts from Monday 00:00
        (sh(2026, 11, 22, 23, 59), sh(2026, 12, 14, 0, 0)),  # Sunday night too
    ],
)
def test_deadline_is_15_working_days_skipping_weekends(app, w, opened, due):
    with _travel(opened):
        rating = fr.rating(app, w.service, w.citizen, 2)
    case = fr.case_of(app, rating)
    assert case.opened_at == opened and case.due_at == due


def test_deadline_skips_configured_holidays(app, w):
    national_day = tuple(f"2026-10-0{day}" for day in range(1, 8))
    app.config["HOLIDAYS"] = national_day
    try:
        with _travel(sh(2026, 9, 30, 10, 0)):  # the day before a week of holidays
            rating = fr.rating(app, w.service, w.citizen, 1)
        with _travel(sh(2026, 10, 1, 9, 0)):  # opened on a holiday: counts from the next working day
            other = fr.rating(app, w.other_service, w.citizen, 2)
    finally:
        app.config["HOLIDAYS"] = ()
    assert fr.case_of(app, rating).due_at == sh(2026, 10, 28, 10, 0)
    assert fr.case_of(app, other).due_at == sh(2026, 10, 29, 0, 0)


def test_on_time_and_late_at_the_deadline_edge(client, app, w):
    with _travel(sh(2026, 11, 20, 10, 0)):
        on_time = fr.rating(app, w.service, w.citizen, 2)
        late = fr.rating(app, w.service, w.citizen2, 1)
    due = fr.case_of(app, on_time).due_at
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert client.get("/api/v1/rectifications?state=open").get_json()["total"] == 2
        assert client.get("/api/v1/rectifications?state=overdue").get_json()["total"] == 0
    with time_machine.travel(due, tick=False):
        assert client.get("/api/v1/rectifications?state=overdue").get_json()["total"] == 2
        token = factories.token(app, w.officer)
        body = client.api("POST", f"/ratings/{on_time.id}/rectification", {"body": "按期整改"}, token=token).get_json()
        assert body["rectification"]["rectified_on_time"] is True
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        body = client.api("POST", f"/ratings/{late.id}/rectification", {"body": "逾期整改"}, token=token).get_json()
        assert body["rectification"]["rectified_on_time"] is False and body["rectification"]["state"] == "rectified"
    assert fr.case_of(app, on_time).rectified_on_time is True
    assert fr.case_of(app, late).rectified_on_time is False


def test_overdue_cases_are_public_on_the_list_and_the_department_page(client, app, w):
    with _travel(sh(2026, 11, 2, 10, 0)):
        overdue = fr.rating(app, w.service, w.citizen, 1, "预约了还要重新排队")
        fr.rating(app, w.other_service, w.citizen, 2, "别的部门")
    with _travel(sh(2026, 11, 10, 10, 0)):
        fresh = fr.rating(app, w.service, w.citizen2, 2, "刚刚的差评")
    with _travel(sh(2026, 11, 24, 12, 0)):  # the first two are past their deadline (23 Nov 10:00)
        html = client.get("/ratings/rectifications?state=overdue").get_data(as_text=True)
        assert "预约了还要重新排队" in html and "别的部门" in html and "刚刚的差评" not in html
        assert "已逾期" in html
        html = client.get("/ratings/rectifications?state=overdue&department=zj-gat").get_data(as_text=True)
        assert "预约了还要重新排队" in html and "别的部门" not in html
        html = client.get("/ratings/rectifications?state=open").get_data(as_text=True)
        assert "刚刚的差评" in html and "预约了还要重新排队" not in html
        page = client.get("/departments/zj-gat").get_data(as_text=True)
        assert "逾期未整改和未解决的差评" in page and "预约了还要重新排队" in page and "刚刚的差评" not in page
        assert f'href="/ratings/{overdue.id}"' in page
        assert f"/ratings/{fresh.id}" not in page


def test_unresolved_cases_stay_public(client, app, w):
    rating = fr.rating(app, w.service, w.citizen, 2, "窗口说法不一")
    fr.answer(app, rating, w.officer, "已统一口径")
    fr.confirm(app, rating, w.citizen, False)
    html = client.get("/ratings/rectifications?state=unresolved").get_data(as_text=True)
    assert "窗口说法不一" in html and "已统一口径" in html and "回访：未解决" in html
    assert "窗口说法不一" in client.get("/departments/zj-gat").get_data(as_text=True)
    assert "窗口说法不一" not in client.get("/ratings/rectifications?state=resolved").get_data(as_text=True)


def test_rectifications_page_filters_and_ignores_nonsense(client, app, w):
    a = fr.rating(app, w.service, w.citizen, 2, "甲")
    fr.rating(app, w.other_service, w.citizen2, 1, "乙")
    fr.answer(app, a, w.officer)
    fr.confirm(app, a, w.citizen, True)
    html = client.get("/ratings/rectifications").get_data(as_text=True)
    assert "甲" in html and "乙" in html and "共 2 件" in html
    html = client.get("/ratings/rectifications?state=resolved").get_data(as_text=True)
    assert "甲" in html and "乙" not in html
    html = client.get("/ratings/rectifications?department=zj-rst").get_data(as_text=True)
    assert "乙" in html and "甲" not in html
    for query in ("state=<script>", "department=nope", "page=abc", "per_page=-5", "page=99999999999"):
        response = client.get(f"/ratings/rectifications?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


# --- the officer's page and the page forms ---------------------------------------

def test_officer_page_lists_only_open_cases_of_their_department(app, w):
    mine = fr.rating(app, w.service, w.citizen, 2, "本部门差评")
    fr.rating(app, w.other_service, w.citizen, 1, "其他部门差评")
    answered = fr.rating(app, w.service, w.citizen2, 1, "已答复的差评")
    fr.answer(app, answered, w.officer)
    client = app.test_client()
    client.login(w.officer.username)
    html = client.get("/ratings/cases").get_data(as_text=True)
    assert "本部门差评" in html and "其他部门差评" not in html and "已答复的差评" not in html
    assert f'action="/ratings/{mine.id}/rectification"' in html and 'name="csrf_token"' in html
    response = client.submit(f"/ratings/{mine.id}/rectification", {"body": "已增开窗口", "next": "/ratings/cases"})
    assert response.status_code == 302 and response.headers["Location"] == "/ratings/cases"
    assert fr.case_of(app, mine).note == "已增开窗口"
    assert "本部门差评" not in client.get("/ratings/cases").get_data(as_text=True)


@pytest.mark.parametrize("role,status", [("citizen", 403), ("moderator", 403), ("admin", 403), ("other_officer", 200)])
def test_officer_page_is_for_officers(app, w, role, status):
    client = app.test_client()
    client.login(getattr(w, role).username)
    assert client.get("/ratings/cases").status_code == status


def test_officer_page_redirects_visitors_to_sign_in(client):
    response = client.get("/ratings/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_answer_form_errors_and_permissions_on_the_page(app, w):
    rating = fr.rating(app, w.service, w.citizen, 2)
    officer = app.test_client()
    officer.login(w.officer.username)
    html = officer.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert "发布整改说明" in html
    response = officer.submit(f"/ratings/{rating.id}/rectification", {"body": "   "})
    assert response.status_code == 400 and "请填写部门采取的整改措施" in response.get_data(as_text=True)
    response = officer.post(f"/ratings/{rating.id}/rectification", data={"body": "没有令牌"})
    assert response.status_code == 400  # CSRF
    assert fr.case_of(app, rating).status == "open"
    other = app.test_client()
    other.login(w.other_officer.username)
    assert "发布整改说明" not in other.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert other.submit(f"/ratings/{rating.id}/rectification", {"body": "越权答复"}).status_code == 403
    rater = app.test_client()
    rater.login(w.citizen.username)
    assert rater.submit(f"/ratings/{rating.id}/rectification", {"body": "自己答复"}).status_code == 403
    assert fr.case_of(app, rating).status == "open"
    response = officer.submit(f"/ratings/{rating.id}/rectification", {"body": "已整改"})
    assert response.status_code == 302
    response = officer.submit(f"/ratings/{rating.id}/rectification", {"body": "再答复"}, follow_redirects=True)
    assert "此整改件已经答复过了" in response.get_data(as_text=True)
    assert fr.case_of(app, rating).note == "已整改"


def test_confirmation_form_only_for_the_rater_after_the_note(app, w):
    rating = fr.rating(app, w.service, w.citizen, 1, "办不成")
    rater = app.test_client()
    rater.login(w.citizen.username)
    assert "整改是否解决了您的问题" not in rater.get(f"/ratings/{rating.id}").get_data(as_text=True)
    response = rater.submit(f"/ratings/{rating.id}/confirmation", {"resolved": "yes"}, follow_redirects=True)
    assert "部门尚未答复整改" in response.get_data(as_text=True)
    fr.answer(app, rating, w.officer, "已上门办结")
    html = rater.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert "整改是否解决了您的问题" in html and "已上门办结" in html
    other = app.test_client()
    other.login(w.citizen2.username)
    assert "整改是否解决了您的问题" not in other.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert other.submit(f"/ratings/{rating.id}/confirmation", {"resolved": "yes"}).status_code == 403
    assert rater.submit(f"/ratings/{rating.id}/confirmation", {"resolved": "maybe"}).status_code == 400
    assert fr.case_of(app, rating).status == "rectified"
    response = rater.submit(f"/ratings/{rating.id}/confirmation", {"resolved": "yes"})
    assert response.status_code == 302
    case = fr.case_of(app, rating)
    assert case.status == "resolved" and case.resolved is True
    html = rater.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert "回访：已解决" in html and "整改是否解决了您的问题" not in html
    response = rater.submit(f"/ratings/{rating.id}/confirmation", {"resolved": "no"}, follow_redirects=True)
    assert "您已经回访确认过了" in response.get_data(as_text=True)
    assert fr.case_of(app, rating).resolved is True


def test_rater_and_officer_see_their_work_on_the_account_page(app, w):
    rating = fr.rating(app, w.service, w.citizen, 2)
    officer = app.test_client()
    officer.login(w.officer.username)
    assert "本部门有 1 件待整改差评" in officer.get("/account").get_data(as_text=True)
    fr.answer(app, rating, w.officer)
    rater = app.test_client()
    rater.login(w.citizen.username)
    html = rater.get("/account").get_data(as_text=True)
    assert "居民身份证首次申领" in html and "查看整改说明并回访确认" in html
    assert "本部门有 0 件待整改差评" in officer.get("/account").get_data(as_text=True)
