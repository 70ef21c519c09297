"""Officers write, save, edit and submit innovation cases for their own department only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.clock import utcnow
from app.events import signal
from app.extensions import db
from app.innovation.models import InnovationCase
from app.innovation.tags import clean_tags, normalize_tag
from tests import factories
from tests import factories_campaigns as fc
from tests.htmlsafety import unsafe_parts

GOOD = {
    "title": "最多跑一次改革",
    "summary": "群众和企业到政府办事，一次上门或零上门即可办结。",
    "body": "## 做法\n\n- 一窗受理\n- 集成服务\n\n联系人电话 13812345678，邮箱 zhang.san@example.com",
    "tags": ["一网通办", " ＃数字政府 ", "Digital Gov"],
}


def _case(app, case_id: int) -> InnovationCase:
    with app.app_context():
        case = db.session.get(InnovationCase, case_id)
        case.tag_names
        db.session.expunge(case)
        return case


def test_officer_submits_case_through_api(app, client, officer, department):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender.id, kwargs["actor"].id))

    token = factories.token(app, officer)
    with signal("case.updated").connected_to(receiver):
        response = client.api("POST", "/cases", GOOD, token=token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["case"]
    assert data["status"] == "submitted"
    assert data["department"] == department.slug
    assert data["tags"] == ["digital-gov", "一网通办", "数字政府"]
    # the body is stored as written and shown as safe HTML of the masked text
    assert "<h2>做法</h2>" in data["body_html"] and "<li>一窗受理</li>" in data["body_html"]
    assert "138****5678" in data["body_html"] and "13812345678" not in data["body_html"]
    assert "z***@example.com" in data["body_html"]
    case = _case(app, data["id"])
    assert "13812345678" in case.body and case.author_id == officer.id and case.submitted_at is not None
    assert received == [(data["id"], officer.id)]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.submit"))
        assert entry.target_type == "case" and entry.target_id == data["id"] and entry.actor_id == officer.id


def test_case_body_is_sanitised(app, client, officer):
    token = factories.token(app, officer)
    body = '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> **好**'
    response = client.api("POST", "/cases", {**GOOD, "body": body}, token=token)
    html = response.get_json()["case"]["body_html"]
    assert unsafe_parts(html) == [] and "<strong>好</strong>" in html


@pytest.mark.parametrize("role", ["visitor", "citizen", "moderator", "admin", "suspended_officer"])
def test_only_active_officers_submit_cases(app, client, department, role):
    token = None
    if role == "suspended_officer":
        user = factories.user(app, role="officer", department=department, suspended_until=utcnow() + timedelta(days=3), suspension_reason="刷屏")
        token = factories.token(app, user)
    elif role != "visitor":
        token = factories.token(app, factories.user(app, role=role))
    response = client.api("POST", "/cases", GOOD, token=token)
    assert response.status_code == (401 if role == "visitor" else 403)
    if role == "suspended_officer":
        assert "刷屏" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(InnovationCase.id)) is None


def test_officer_cannot_submit_for_another_department(app, client, officer):
    other = factories.department(app)
    response = client.api("POST", "/cases", {**GOOD, "department": other.slug}, token=factories.token(app, officer))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_your_department"
    response = client.api("POST", "/cases", {**GOOD, "department": officer.department.slug}, token=factories.token(app, officer))
    assert response.status_code == 201


LONG = "长" * 121


@pytest.mark.parametrize(
    "change,field",
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": LONG}, "title"),
        ({"title": 42}, "title"),
        ({"title": "标题\x00"}, "title"),
        ({"body": "正文\x00"}, "body"),
        ({"tags": ["标\x00签"]}, "tags"),
        ({"department": "dept\x00"}, "department"),
        ({"summary": None}, "summary"),
        ({"summary": "摘" * 501}, "summary"),
        ({"summary": ["a"]}, "summary"),
        ({"body": None}, "body"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": {"a": 1}}, "body"),
        ({"tags": "not-a-list-but-a-string-tag-that-is-far-too-long"}, "tags"),
        ({"tags": 5}, "tags"),
        ({"tags": [1, 2]}, "tags"),
        ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
        ({"tags": ["标签" * 11]}, "tags"),
        ({"tags": ["<script>"]}, "tags"),
        ({"department": "no-such-department"}, "department"),
        ({"department": 7}, "department"),
    ],
)
def test_bad_case_input_names_the_field(app, client, officer, change, field):
    body = {**GOOD, **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = client.api("POST", "/cases", body, token=factories.token(app, officer))
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("raw", ["[1, 2]", "not json", '"a string"', "null"])
def test_case_body_that_is_not_an_object_is_400(app, client, officer, raw):
    token = factories.token(app, officer)
    response = client.api("POST", "/cases", token=token, data=raw, content_type="application/json")
    assert response.status_code == 400


def test_tags_are_normalised():
    assert normalize_tag(" ＃一网通办 ") == "一网通办"
    assert normalize_tag("Digital  Gov") == "digital-gov"
    assert clean_tags("一网通办，数字政府、一网通办; 最多跑一次") == (["一网通办", "数字政府", "最多跑一次"], [])
    tags, problems = clean_tags(["a" * 21])
    assert tags == [] and problems
    assert clean_tags(["-"])[1]  # punctuation alone is not a tag
    assert clean_tags([]) == ([], [])


# --- pages -------------------------------------------------------------------------


def test_officer_saves_draft_edits_and_submits_on_pages(app, officer_client, officer):
    assert officer_client.get("/cases/new").status_code == 200
    response = officer_client.submit(
        "/cases/new",
        {"title": "浙里办一网通办", "summary": "掌上办事", "body": "全省政务服务一网通办。", "tags": "一网通办, 掌上办", "save": "1"},
        form_page="/cases/new",
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    case = _case(app, case_id)
    assert case.status == "draft" and case.tag_names == ["一网通办", "掌上办"]
    html = officer_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "草稿" in html and f"/cases/{case_id}/edit" in html

    response = officer_client.submit(
        f"/cases/{case_id}/edit",
        {"title": "浙里办：一网通办", "summary": "掌上办事", "body": "全省政务服务一网通办。", "tags": "一网通办", "save": "1"},
    )
    assert response.status_code == 302
    assert _case(app, case_id).title == "浙里办：一网通办" and _case(app, case_id).tag_names == ["一网通办"]

    response = officer_client.submit(f"/cases/{case_id}/submit")
    assert response.status_code == 302 and _case(app, case_id).status == "submitted"
    # submitted: no more editing
    assert officer_client.get(f"/cases/{case_id}/edit").status_code == 409
    response = officer_client.submit(
        f"/cases/{case_id}/edit", {"title": "改", "summary": "改", "body": "改", "save": "1"}
    )
    assert response.status_code == 409 and _case(app, case_id).title == "浙里办：一网通办"
    assert officer_client.submit(f"/cases/{case_id}/submit").status_code == 409


def test_new_case_page_submits_directly_and_shows_errors(app, officer_client):
    response = officer_client.submit("/cases/new", {"title": "", "summary": "", "body": "", "submit": "1"}, form_page="/cases/new")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请给案例一个标题" in html and 'aria-invalid="true"' in html
    response = officer_client.submit("/cases/new", {"title": "标题", "summary": "摘要", "body": "正文", "tags": "好,坏,,", "submit": "1"})
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _case(app, case_id).status == "submitted"
    response = officer_client.submit("/cases/new", {"title": "标题", "summary": "摘要", "body": "正文", "tags": "a,b,c,d,e,f", "submit": "1"})
    assert response.status_code == 400 and "最多 5 个标签" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin"])
def test_new_case_page_is_for_officers(app, role):
    client = app.test_client()
    client.login(factories.user(app, role=role).username)
    assert client.get("/cases/new").status_code == 403


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/cases/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/cases/mine").status_code == 302


def test_unpublished_cases_are_seen_only_by_their_department_and_moderators(app, department):
    draft = fc.case(app, department, status="draft")
    submitted = fc.case(app, department, status="submitted")
    rejected = fc.case(app, department, status="rejected", reason="缺少成效数据")
    other_department = factories.department(app)
    viewers = {
        "visitor": None,
        "citizen": factories.user(app),
        "other_officer": fc.officer_of(app, other_department),
        "own_officer": fc.officer_of(app, department),
        "moderator": factories.user(app, role="moderator"),
        "admin": factories.user(app, role="admin"),
    }
    for name, user in viewers.items():
        client = app.test_client()
        token = None
        if user is not None:
            client.login(user.username)
            token = factories.token(app, user)
        for case in (draft, submitted, rejected):
            expected = 200 if name in ("own_officer", "moderator", "admin") else 404
            assert client.get(f"/cases/{case.id}").status_code == expected, (name, case.status)
            assert client.api("GET", f"/cases/{case.id}", token=token).status_code == expected, (name, case.status)
        if name == "own_officer":
            html = client.get(f"/cases/{rejected.id}").get_data(as_text=True)
            assert "缺少成效数据" in html
            api = client.api("GET", f"/cases/{rejected.id}", token=token).get_json()["case"]
            assert api["rejection_reason"] == "缺少成效数据"
            mine = client.get("/cases/mine").get_data(as_text=True)
            assert "缺少成效数据" in mine and draft.title in mine and submitted.title in mine


def test_rejected_case_is_edited_and_submitted_again(app, department):
    case = fc.case(app, department, status="rejected", reason="缺少成效数据")
    officer = fc.officer_of(app, department)
    client = app.test_client()
    client.login(officer.username)
    response = client.submit(
        f"/cases/{case.id}/edit",
        {"title": case.title, "summary": "补充了成效", "body": "办事时间缩短 60%。", "tags": "成效", "submit": "1"},
    )
    assert response.status_code == 302
    again = _case(app, case.id)
    assert again.status == "submitted" and again.summary == "补充了成效"


def test_other_department_officer_cannot_edit_or_submit(app, department):
    draft = fc.case(app, department, status="draft")
    stranger = fc.officer_of(app, factories.department(app))
    client = app.test_client()
    client.login(stranger.username)
    # drafts of other departments do not exist for them
    assert client.get(f"/cases/{draft.id}/edit").status_code == 404
    assert client.submit(f"/cases/{draft.id}/submit").status_code == 404
    moderator_client = app.test_client()
    moderator_client.login(factories.user(app, role="moderator").username)
    assert moderator_client.get(f"/cases/{draft.id}/edit").status_code == 403
    assert moderator_client.submit(f"/cases/{draft.id}/submit").status_code == 403
    assert _case(app, draft.id).status == "draft"


def test_published_case_cannot_be_edited(app, department):
    case = fc.case(app, department)
    officer = fc.officer_of(app, department)
    client = app.test_client()
    client.login(officer.username)
    assert client.get(f"/cases/{case.id}/edit").status_code == 409
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/edit" not in html


def test_mine_page_is_for_officers_only(app, citizen_client):
    assert citizen_client.get("/cases/mine").status_code == 403
