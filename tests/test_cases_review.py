"""Moderators publish or reject submitted cases (with a reason shown to the department); hidden cases."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEntry
from app.clock import utcnow
from app.events import signal
from app.extensions import db
from app.innovation.models import InnovationCase
from tests import factories
from tests import factories_campaigns as fc


def _status(app, case_id: int) -> tuple[str, str | None]:
    with app.app_context():
        case = db.session.get(InnovationCase, case_id)
        return case.status, case.rejection_reason


def test_moderator_publishes_through_api_with_audit_and_signals(app, client, department):
    case = fc.case(app, department, status="submitted")
    moderator = factories.user(app, role="moderator")
    published, updated = [], []

    def on_published(sender, **kwargs):
        published.append((sender.id, sender.status, kwargs["actor"].id))

    def on_updated(sender, **kwargs):
        updated.append(sender.id)

    with signal("case.published").connected_to(on_published), signal("case.updated").connected_to(on_updated):
        response = client.api("POST", f"/cases/{case.id}/review", {"decision": "publish"}, token=factories.token(app, moderator))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["case"]["status"] == "published"
    assert response.get_json()["case"]["published_at"]
    assert published == [(case.id, "published", moderator.id)] and updated == [case.id]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.publish"))
        assert (entry.actor_id, entry.target_type, entry.target_id) == (moderator.id, "case", case.id)
        assert entry.before == {"status": "submitted"} and entry.after == {"status": "published"}
    # once decided, not again
    again = client.api("POST", f"/cases/{case.id}/review", {"decision": "reject", "reason": "x"}, token=factories.token(app, moderator))
    assert again.status_code == 409


def test_reject_needs_a_reason_that_the_department_sees(app, client, department):
    case = fc.case(app, department, status="submitted")
    token = factories.token(app, factories.user(app, role="moderator"))
    response = client.api("POST", f"/cases/{case.id}/review", {"decision": "reject"}, token=token)
    assert response.status_code == 400 and "reason" in response.get_json()["error"]["fields"]
    response = client.api("POST", f"/cases/{case.id}/review", {"decision": "reject", "reason": "   "}, token=token)
    assert response.status_code == 400
    assert _status(app, case.id) == ("submitted", None)
    response = client.api("POST", f"/cases/{case.id}/review", {"decision": "reject", "reason": "请补充成效数据"}, token=token)
    assert response.status_code == 200
    assert _status(app, case.id) == ("rejected", "请补充成效数据")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.reject"))
        assert entry.reason == "请补充成效数据"
    officer = fc.officer_of(app, department)
    officer_client = app.test_client()
    officer_client.login(officer.username)
    assert "请补充成效数据" in officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "请补充成效数据" in officer_client.get("/cases/mine").get_data(as_text=True)
    # the public never sees a rejected case
    assert client.get(f"/cases/{case.id}").status_code == 404


@pytest.mark.parametrize(
    "role,status",
    [("visitor", 401), ("citizen", 403), ("own_officer", 403), ("other_officer", 403), ("moderator", 200), ("admin", 200)],
)
def test_only_moderators_review(app, client, department, role, status):
    case = fc.case(app, department, status="submitted")
    users = {
        "citizen": lambda: factories.user(app),
        "own_officer": lambda: fc.officer_of(app, department),
        "other_officer": lambda: fc.officer_of(app, factories.department(app)),
        "moderator": lambda: factories.user(app, role="moderator"),
        "admin": lambda: factories.user(app, role="admin"),
    }
    token = factories.token(app, users[role]()) if role in users else None
    response = client.api("POST", f"/cases/{case.id}/review", {"decision": "publish"}, token=token)
    assert response.status_code == status
    assert _status(app, case.id)[0] == ("published" if status == 200 else "submitted")


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "decision"),
        ({"decision": "approve"}, "decision"),
        ({"decision": 1}, "decision"),
        ({"decision": "reject", "reason": 5}, "reason"),
        ({"decision": "reject", "reason": "理由\x00"}, "reason"),
        ({"decision": "reject", "reason": "理" * 501}, "reason"),
    ],
)
def test_bad_review_input(app, client, department, body, field):
    case = fc.case(app, department, status="submitted")
    response = client.api("POST", f"/cases/{case.id}/review", body, token=factories.token(app, factories.user(app, role="moderator")))
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("status", ["draft", "published", "rejected"])
def test_only_submitted_cases_are_reviewed(app, client, department, status):
    case = fc.case(app, department, status=status)
    token = factories.token(app, factories.user(app, role="moderator"))
    response = client.api("POST", f"/cases/{case.id}/review", {"decision": "publish"}, token=token)
    assert response.status_code == 409
    assert client.api("POST", "/cases/999999/review", {"decision": "publish"}, token=token).status_code == 404


def test_review_queue_page(app, moderator_client, department):
    first = fc.case(app, department, status="submitted", title="先提交的案例")
    second = fc.case(app, department, status="submitted", title="后提交的案例")
    fc.case(app, department, status="draft", title="草稿案例")
    html = moderator_client.get("/cases/review").get_data(as_text=True)
    assert html.index("先提交的案例") < html.index("后提交的案例") and "草稿案例" not in html
    assert f'id="case-{first.id}-reason"' in html and f'id="case-{second.id}-reason"' in html

    response = moderator_client.submit(f"/cases/{first.id}/review", {f"case-{first.id}-publish": "发布"})
    assert response.status_code == 302 and _status(app, first.id)[0] == "published"

    response = moderator_client.submit(f"/cases/{second.id}/review", {f"case-{second.id}-reject": "退回"})
    assert response.status_code == 400
    assert "请填写退回理由" in response.get_data(as_text=True)
    assert _status(app, second.id)[0] == "submitted"
    response = moderator_client.submit(
        f"/cases/{second.id}/review", {f"case-{second.id}-reject": "退回", f"case-{second.id}-reason": "标题与内容不符"}
    )
    assert response.status_code == 302 and _status(app, second.id) == ("rejected", "标题与内容不符")
    # reviewing a decided case from a stale page: a clear message, nothing changes
    response = moderator_client.submit(f"/cases/{second.id}/review", {f"case-{second.id}-publish": "发布"})
    assert response.status_code == 302
    assert "只能审核已提交的案例" in moderator_client.get("/cases/review").get_data(as_text=True)


def test_review_form_on_case_page_for_moderators(app, moderator_client, department):
    case = fc.case(app, department, status="submitted")
    html = moderator_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/review"' in html


@pytest.mark.parametrize("role", ["citizen", "officer"])
def test_review_pages_refuse_non_moderators(app, department, role):
    case = fc.case(app, department, status="submitted")
    user = fc.officer_of(app, department) if role == "officer" else factories.user(app)
    client = app.test_client()
    client.login(user.username)
    assert client.get("/cases/review").status_code == 403
    assert client.submit(f"/cases/{case.id}/review", {f"case-{case.id}-publish": "1"}).status_code == 403
    assert _status(app, case.id)[0] == "submitted"


def test_hidden_case_shows_only_the_public_reason(app, client, department):
    case = fc.case(app, department, title="被隐藏的案例", summary="不应出现的简介")
    moderator = factories.user(app, role="moderator")
    with app.app_context():
        # the moderation feature hides through the Hideable columns
        db.session.execute(
            update(InnovationCase)
            .where(InnovationCase.id == case.id)
            .values(hidden_at=utcnow(), hidden_reason="含有不实信息", hidden_by_id=moderator.id)
        )
        db.session.commit()
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "含有不实信息" in html and "不应出现的简介" not in html
    assert "被隐藏的案例" not in client.get("/cases").get_data(as_text=True)
    data = client.get(f"/api/v1/cases/{case.id}").get_json()["case"]
    assert data["hidden"] is True and data["hidden_reason"] == "含有不实信息"
    assert data["summary"] is None and data["body_html"] is None
    assert client.get("/api/v1/cases").get_json()["total"] == 0
