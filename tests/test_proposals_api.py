"""The thread API: raising threads, bad input, visibility of pending threads and private details, lists."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.proposals.models import Proposal, ProposalEvent
from tests import factories
from tests import factories_proposals as fp

GOOD = {"kind": "complaint", "title": "小区门口路灯长期不亮", "body": "文三路某小区门口的路灯已经坏了三个月，夜间出行很不安全。"}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Proposal.id)))


@pytest.fixture
def setup(app):
    dept = factories.department(app, slug="zj-jtt", name="浙江省交通运输厅")
    other = factories.department(app, slug="zj-zjt", name="浙江省住房和城乡建设厅")
    service = factories.service(app, dept, name="道路运输经营许可")
    foreign_service = factories.service(app, other, name="建筑业企业资质核准")
    author = fp.citizen(app)
    return {"dept": dept, "other": other, "service": service, "foreign_service": foreign_service, "author": author,
            "token": factories.token(app, author)}


def test_trusted_citizen_posts_an_open_thread(app, client, setup):
    body = {**GOOD, "department": "zj-jtt", "service": setup["service"].id, "contact": "王先生 13912345678", "anonymous": True}
    response = client.api("POST", "/proposals", body, token=setup["token"])
    assert response.status_code == 201
    proposal = response.get_json()["proposal"]
    expected = {"id", "kind", "title", "body_html", "status", "department", "service", "author", "supports",
                "supported_by_me", "official_answers", "timeline", "created_at", "overdue", "escalated", "deadlines"}
    assert expected <= set(proposal)
    assert proposal["status"] == "open" and proposal["department"] == "zj-jtt" and proposal["service"] == setup["service"].id
    assert proposal["supports"] == 0 and proposal["supported_by_me"] is False and proposal["official_answers"] == []
    assert proposal["created_at"].endswith("+08:00")
    assert proposal["deadlines"]["pending"] == "acknowledge"
    assert proposal["timeline"][0]["kind"] == "created"
    # the author sees their own name on an anonymous thread, never the private contact
    assert "contact" not in proposal


def test_new_account_waits_for_review_and_flags_are_recorded(app, client, setup):
    newcomer = factories.user(app, role="citizen")
    token = factories.token(app, newcomer)
    body = {**GOOD, "body": "我的电话是13812345678，请联系我处理路灯问题。", "department": "zj-jtt"}
    response = client.api("POST", "/proposals", body, token=token)
    assert response.status_code == 201
    proposal = response.get_json()["proposal"]
    assert proposal["status"] == "pending_review"
    assert "138****5678" in proposal["body_html"] and "13812345678" not in proposal["body_html"]
    with app.app_context():
        stored = db.session.get(Proposal, proposal["id"])
        assert set(stored.review_flags) == {"personal_info", "new_account"}
        assert stored.next_due_at is None


def test_unsure_department_waits_for_routing(app, client, setup):
    response = client.api("POST", "/proposals", {**GOOD, "department": "unsure"}, token=setup["token"])
    assert response.status_code == 201
    proposal = response.get_json()["proposal"]
    assert proposal["department"] is None and proposal["status"] == "open" and proposal["next_due_at"] is None
    listed = client.get("/api/v1/proposals?department=unsure").get_json()
    assert [item["id"] for item in listed["items"]] == [proposal["id"]]


def test_unsure_is_not_a_department_slug(app, admin):
    from app.departments.services import create_department
    from app.errors import ValidationFailed

    with app.app_context():
        with pytest.raises(ValidationFailed) as caught:
            create_department(None, "unsure", "不确定")
        assert "slug" in caught.value.fields


@pytest.mark.parametrize(
    "changes,fields",
    [
        ({"kind": None, "title": None, "body": None, "department": None}, {"kind", "title", "body", "department"}),
        ({"kind": "rant"}, {"kind"}),
        ({"kind": 3}, {"kind"}),
        ({"title": ""}, {"title"}),
        ({"title": "    "}, {"title"}),
        ({"title": "短标题"}, {"title"}),
        ({"title": "  四个字  "}, {"title"}),
        ({"title": "题" * 121}, {"title"}),
        ({"title": ["list"]}, {"title"}),
        ({"body": ""}, {"body"}),
        ({"body": "太短了的正文"}, {"body"}),
        ({"body": "长" * 20001}, {"body"}),
        ({"body": 12345678901}, {"body"}),
        ({"department": ""}, {"department"}),
        ({"department": "no-such-dept"}, {"department"}),
        ({"department": 7}, {"department"}),
        ({"service": 999999}, {"service"}),
        ({"service": "1"}, {"service"}),
        ({"service": True}, {"service"}),
        ({"service": -1}, {"service"}),
        ({"service": "FOREIGN"}, {"service"}),
        ({"department": "unsure", "service": "OWN"}, {"service"}),
        ({"contact": "c" * 201}, {"contact"}),
        ({"contact": 13800001111}, {"contact"}),
        ({"anonymous": "yes"}, {"anonymous"}),
    ],
)
def test_bad_input_is_refused_field_by_field(app, client, setup, changes, fields):
    body = {**GOOD, "department": "zj-jtt"}
    for key, value in changes.items():
        if value == "FOREIGN":
            value = setup["foreign_service"].id
        elif value == "OWN":
            value = setup["service"].id
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    response = client.api("POST", "/proposals", body, token=setup["token"])
    assert response.status_code == 400, response.get_json()
    assert set(response.get_json()["error"]["fields"]) == fields
    assert _count(app) == 0


def test_bad_bodies_and_visitors_change_nothing(app, client, setup):
    assert client.api("POST", "/proposals", {**GOOD, "department": "zj-jtt"}).status_code == 401
    response = client.post("/api/v1/proposals", data="not json", headers={"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"})
    assert response.status_code == 400
    response = client.api("POST", "/proposals", [1, 2], token=setup["token"])
    assert response.status_code == 400
    assert _count(app) == 0


def test_suspended_citizen_cannot_post(app, client, setup):
    from datetime import timedelta

    from app.clock import utcnow

    suspended = fp.citizen(app, suspended_until=utcnow() + timedelta(days=3), suspension_reason="辱骂他人")
    response = client.api("POST", "/proposals", {**GOOD, "department": "zj-jtt"}, token=factories.token(app, suspended))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"
    assert _count(app) == 0


def test_pending_thread_is_visible_only_to_author_department_and_moderators(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("pending_review")
    for who, code in (("visitor", 404), ("citizen", 404), ("officer_other", 404), ("author", 200), ("officer", 200), ("moderator", 200)):
        response = client.api("GET", f"/proposals/{thread.id}", token=cast.token(who))
        assert response.status_code == code, who
    assert client.get(f"/proposals/{thread.id}").status_code == 404
    assert client.get("/api/v1/proposals").get_json()["total"] == 0
    for action, body in (("support", None), ("answers", {"body": "答复"})):
        assert client.api("POST", f"/proposals/{thread.id}/{action}", body, token=cast.token("citizen")).status_code == 404


def test_contact_and_unmasked_text_only_for_department_and_moderators(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open", body="请联系我 13812345678 或 someone@example.com，身份证号 11010519491231002X", contact="李女士 13900001111", anonymous=True)
    for who in ("visitor", "citizen", "officer_other", "author"):
        detail = client.api("GET", f"/proposals/{thread.id}", token=cast.token(who)).get_json()
        assert "contact" not in detail and "body_original_html" not in detail
        assert "13812345678" not in detail["body_html"] and "138****5678" in detail["body_html"]
        assert "110***********002X" in detail["body_html"] and "<em>" not in detail["body_html"]
        if who != "author":
            assert detail["author"] is None
    for who in ("officer", "moderator"):
        detail = client.api("GET", f"/proposals/{thread.id}", token=cast.token(who)).get_json()
        assert detail["contact"] == "李女士 13900001111"
        assert "13812345678" in detail["body_original_html"]
        assert detail["author"] == cast.author.username
    listed = client.get("/api/v1/proposals").get_json()["items"][0]
    assert listed["author"] is None and "contact" not in listed
    page = client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "13900001111" not in page and cast.author.username not in page and "匿名" in page
    officer_client = app.test_client()
    officer_client.login(cast.officer.username)
    page = officer_client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "13900001111" in page and "13812345678" in page


def test_list_filters_sorts_and_summary_keys(app, client):
    cast = fp.Cast(app)
    service = factories.service(app, cast.department, name="驾驶证换证")
    a = fp.proposal(app, cast.author, cast.department, kind="complaint", service=service.id)
    b = fp.proposal(app, cast.author, cast.other_department, kind="question")
    c = fp.proposal(app, cast.author, cast.department, kind="suggestion")
    fp.support(app, c, cast.citizen)
    fp.status(app, c, cast.officer, "acknowledged")
    listed = client.get("/api/v1/proposals").get_json()
    assert listed["total"] == 3 and [item["id"] for item in listed["items"]] == [c.id, b.id, a.id]
    summary = listed["items"][0]
    assert {"id", "kind", "title", "status", "department", "service", "author", "supports", "created_at", "overdue", "escalated"} <= set(summary)
    assert "body" not in summary and "contact" not in summary

    def ids(query):
        response = client.get(f"/api/v1/proposals?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids(f"department={cast.department.slug}") == [c.id, a.id]
    assert ids(f"service={service.id}") == [a.id]
    assert ids("kind=question") == [b.id]
    assert ids("status=acknowledged") == [c.id]
    assert ids("sort=top")[0] == c.id
    assert ids("sort=active")[0] == c.id
    assert ids("overdue=1") == []
    assert ids("per_page=1&page=2") == [b.id]
    for bad in ("kind=rant", "status=nope", "sort=random", "department=nope", "service=abc", "page=0", "per_page=x", "status=pending_review"):
        response = client.get(f"/api/v1/proposals?{bad}")
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["fields"]
    assert client.get("/api/v1/proposals?per_page=100000&page=99999999").status_code == 200


def test_hidden_thread_shows_the_reason_to_all_but_moderators(app, client):
    from app.clock import utcnow

    cast = fp.Cast(app)
    thread = cast.thread("open", title="一个需要被隐藏的标题")
    with app.app_context():
        stored = db.session.get(Proposal, thread.id)
        stored.hidden_at, stored.hidden_reason = utcnow(), "含有不实信息"
        db.session.commit()
    detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
    assert detail["hidden"] is True and detail["hidden_reason"] == "含有不实信息"
    assert "需要被隐藏" not in detail["title"] and detail["body_html"] == ""
    page = client.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "含有不实信息" in page and "需要被隐藏" not in page
    moderator_view = client.api("GET", f"/proposals/{thread.id}", token=cast.token("moderator")).get_json()
    assert moderator_view["title"] == "一个需要被隐藏的标题"
    assert client.api("POST", f"/proposals/{thread.id}/support", token=cast.token("citizen")).status_code == 409


def test_pinned_threads_come_first_on_every_sort_and_pages_do_not_overlap(app, client):
    from datetime import timedelta

    from app.clock import utcnow

    cast = fp.Cast(app)
    threads = [cast.thread("open") for _ in range(5)]
    with app.app_context():
        db.session.get(Proposal, threads[1].id).pinned_at = utcnow() - timedelta(hours=1)
        db.session.get(Proposal, threads[3].id).pinned_at = utcnow()
        db.session.commit()
    expected = [threads[3].id, threads[1].id, threads[4].id, threads[2].id, threads[0].id]
    for sort in ("new", "top", "active"):
        assert [i["id"] for i in client.get(f"/api/v1/proposals?sort={sort}").get_json()["items"]][:2] == expected[:2]
    for per_page in (1, 2, 3, 4):
        seen = []
        for page in range(1, 7):
            body = client.get(f"/api/v1/proposals?per_page={per_page}&page={page}").get_json()
            assert body["total"] == 5
            seen += [item["id"] for item in body["items"]]
        assert seen == expected, per_page
    assert [i["id"] for i in client.get(f"/api/v1/proposals?department={cast.other_department.slug}").get_json()["items"]] == []


def test_author_may_edit_until_the_department_acts(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    token = cast.token("author")
    response = client.api("PATCH", f"/proposals/{thread.id}", {"title": "修改后的标题内容"}, token=token)
    assert response.status_code == 200 and response.get_json()["proposal"]["title"] == "修改后的标题内容"
    assert client.api("PATCH", f"/proposals/{thread.id}", {"title": "短"}, token=token).status_code == 400
    assert client.api("PATCH", f"/proposals/{thread.id}", {"title": "别人来改标题"}, token=cast.token("citizen")).status_code == 403
    fp.status(app, thread, cast.officer, "acknowledged")
    assert client.api("PATCH", f"/proposals/{thread.id}", {"title": "再次修改的标题"}, token=token).status_code == 409
    with app.app_context():
        kinds = list(db.session.scalars(select(ProposalEvent.kind).where(ProposalEvent.proposal_id == thread.id)))
    assert "edited" in kinds


def test_unknown_thread_is_404(client):
    assert client.get("/api/v1/proposals/999999").status_code == 404
    assert client.get("/api/v1/proposals/99999999999999999999").status_code == 404
    assert client.get("/proposals/999999").status_code == 404
