"""Departments and services: pages, API, admin creation, permissions, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.departments.models import Department, Service
from app.extensions import db
from tests import factories


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_department_pages_list_and_detail(client, app):
    province = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    city = factories.department(app, slug="hz-gaj", name="杭州市公安局", parent=province)
    service = factories.service(app, province, code="330000-GA-001", name="居民身份证首次申领", guide="### 申请材料\n\n- 户口簿")
    html = client.get("/departments").get_data(as_text=True)
    assert "浙江省公安厅" in html and "杭州市公安局" in html and "省级" in html and "市级" in html
    html = client.get("/departments/zj-gat").get_data(as_text=True)
    assert "居民身份证首次申领" in html and "杭州市公安局" in html
    html = client.get("/departments/hz-gaj").get_data(as_text=True)
    assert "浙江省公安厅" in html  # breadcrumb to parent
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "<h2>申请材料</h2>" in html and "<li>户口簿</li>" in html and "330000-GA-001" in html
    assert city.level == "city"


def test_services_page_filters_by_department_and_text(client, app):
    a = factories.department(app, slug="dept-a")
    b = factories.department(app, slug="dept-b")
    factories.service(app, a, code="A-1", name="营业执照办理")
    factories.service(app, b, code="B-1", name="医保异地备案")
    html = client.get("/services?department=dept-a").get_data(as_text=True)
    assert "营业执照办理" in html and "医保异地备案" not in html
    html = client.get("/services?q=医保").get_data(as_text=True)
    assert "医保异地备案" in html and "营业执照办理" not in html
    assert client.get("/services/999999").status_code == 404


def test_api_departments_list_and_detail(client, app):
    province = factories.department(app, slug="zj-rst", name="浙江省人力资源和社会保障厅")
    factories.department(app, slug="hz-rsj", name="杭州市人力资源和社会保障局", parent=province)
    factories.service(app, province)
    factories.service(app, province)
    body = client.get("/api/v1/departments").get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert {"id", "slug", "name"} <= set(body["items"][0])
    by_slug = {item["slug"]: item for item in body["items"]}
    assert by_slug["hz-rsj"]["parent"] == "zj-rst"
    detail = client.get("/api/v1/departments/zj-rst").get_json()
    assert detail["services_count"] == 2 and detail["name"] == "浙江省人力资源和社会保障厅"
    assert detail["description"] == ""


def test_api_services_list_filters(client, app):
    a = factories.department(app, slug="dept-a")
    b = factories.department(app, slug="dept-b")
    s1 = factories.service(app, a, code="A-1", name="营业执照办理")
    factories.service(app, b, code="B-1", name="医保异地备案")
    items = client.get("/api/v1/services?department=dept-a").get_json()["items"]
    assert items == [{"id": s1.id, "code": "A-1", "name": "营业执照办理", "department": "dept-a"}]
    assert client.get("/api/v1/services?q=医保").get_json()["total"] == 1
    assert client.get("/api/v1/services?department=nope").status_code == 404


def test_api_admin_creates_department_and_service(client, app, admin):
    token = factories.token(app, admin)
    response = client.api("POST", "/departments", {"slug": "zj-sthjt", "name": "浙江省生态环境厅", "description": "生态环境"}, token=token)
    assert response.status_code == 201
    assert response.get_json()["department"]["slug"] == "zj-sthjt"
    response = client.api(
        "POST", "/services", {"department": "zj-sthjt", "code": "330000-HJ-001", "name": "排污许可证核发", "guide": "### 申请材料"}, token=token
    )
    assert response.status_code == 201
    service = response.get_json()["service"]
    assert service["department"] == "zj-sthjt" and service["code"] == "330000-HJ-001"
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"department.create", "service.create"} <= actions


@pytest.mark.parametrize("role", ["citizen", "officer", "moderator"])
def test_api_only_admins_create(client, app, role, department):
    user = factories.user(app, role=role, department=department if role == "officer" else None)
    token = factories.token(app, user)
    response = client.api("POST", "/departments", {"slug": "new-dept", "name": "新部门"}, token=token)
    assert response.status_code == 403
    response = client.api("POST", "/services", {"department": department.slug, "code": "X-1", "name": "x", "guide": ""}, token=token)
    assert response.status_code == 403
    assert _count(app, Department) == 1 and _count(app, Service) == 0


def test_api_anonymous_create_is_401(client, department):
    assert client.api("POST", "/departments", {"slug": "x", "name": "x"}).status_code == 401
    assert client.api("POST", "/services", {"department": department.slug, "code": "c", "name": "n", "guide": ""}).status_code == 401


@pytest.mark.parametrize(
    "body,fields",
    [
        ({}, {"slug", "name"}),
        ({"slug": "Bad Slug", "name": "x"}, {"slug"}),
        ({"slug": "ok-slug", "name": ""}, {"name"}),
        ({"slug": "ok-slug", "name": "n" * 101}, {"name"}),
        ({"slug": 5, "name": "x"}, {"slug"}),
        ({"slug": "ok-slug", "name": "x", "level": "planet"}, {"level"}),
        ({"slug": "ok-slug", "name": "x", "ack_days": -1}, {"ack_days"}),
        ({"slug": "ok-slug", "name": "x", "ack_days": "2"}, {"ack_days"}),
        ({"slug": "ok-slug", "name": "x", "parent": "missing"}, {"parent"}),
        ({"slug": "existing", "name": "x"}, {"slug"}),
    ],
)
def test_api_create_department_bad_input(client, app, admin, body, fields):
    factories.department(app, slug="existing")
    token = factories.token(app, admin)
    response = client.api("POST", "/departments", body, token=token)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == fields
    assert _count(app, Department) == 1


@pytest.mark.parametrize(
    "body,fields",
    [
        ({}, {"department", "code", "name", "guide"}),
        ({"department": "nope", "code": "C", "name": "N", "guide": ""}, {"department"}),
        ({"department": "d", "code": "", "name": "N", "guide": ""}, {"code"}),
        ({"department": "d", "code": "DUP", "name": "N", "guide": ""}, {"code"}),
        ({"department": "d", "code": "C" * 65, "name": "N", "guide": ""}, {"code"}),
        ({"department": "d", "code": "C", "name": "N", "guide": "g" * 20001}, {"guide"}),
        ({"department": "d", "code": "C", "name": True, "guide": ""}, {"name"}),
    ],
)
def test_api_create_service_bad_input(client, app, admin, body, fields):
    dept = factories.department(app, slug="d")
    factories.service(app, dept, code="DUP")
    token = factories.token(app, admin)
    response = client.api("POST", "/services", body, token=token)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == fields
    assert _count(app, Service) == 1


def test_department_list_runs_constant_queries(client, app, count_queries):
    parent = factories.department(app)
    for _ in range(3):
        factories.department(app, parent=parent)
    with count_queries() as few:
        assert client.get("/departments").status_code == 200
    for _ in range(10):
        d = factories.department(app, parent=parent)
        factories.service(app, d)
    with count_queries() as many:
        assert client.get("/departments").status_code == 200
    assert many.count == few.count
    with count_queries() as api_few:
        client.get("/api/v1/departments")
    assert api_few.count <= 3
