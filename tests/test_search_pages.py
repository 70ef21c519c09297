"""The search page and API, services in the index, the reindex CLI and the seed step."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.search.models import SearchDocument
from tests import factories
from tests import factories_search as fs
from tests.htmlsafety import page_scripts_are_only_ours, unsafe_parts

XSS_TITLE = '<script>alert(1)</script>积水"><img src=x onerror=alert(2)>'
XSS_BODY = "道路积水 <script>alert(1)</script> <iframe src=javascript:alert(3)> 排水"


def test_page_shows_highlighted_results_of_every_kind_with_labels(client, app):
    dept = factories.department(app, name="杭州市城管局")
    service = factories.service(app, dept, name="排水许可证核发", guide="**城镇污水**排入排水管网许可")
    fs.document(app, kind="proposal", title="道路积水", body="西湖区道路积水，排水不畅", department=dept)
    html = client.get("/search?q=排水").get_data(as_text=True)
    assert 'role="search"' in html and '<label for="search-q">' in html and 'role="status"' in html
    assert "共 2 条结果" in html
    assert f'href="/services/{service.id}"' in html and "政务服务" in html  # the service kind's label
    assert "<mark>排水</mark>许可证核发" in html and "杭州市城管局" in html
    assert "proposal" in html  # an unregistered kind falls back to its name


def test_page_filters_by_kind_and_paginates(client, app):
    dept = factories.department(app)
    factories.service(app, dept, name="排水许可")
    for i in range(25):
        fs.document(app, kind="proposal", title=f"排水问题{i}")
    html = client.get("/search?q=排水&kind=service").get_data(as_text=True)
    assert "共 1 条结果" in html and "排水问题" not in html and 'aria-current="page">政务服务 (1)' in html
    page1 = client.get("/search?q=排水").get_data(as_text=True)
    assert "共 26 条结果" in page1 and 'rel="next"' in page1 and "第 1 页，共 2 页" in page1
    page2 = client.get("/search?q=排水&page=2").get_data(as_text=True)
    assert 'rel="prev"' in page2 and '<ol class="item-list search-results" start="21">' in page2
    for bad in ("page=0", "page=abc", "per_page=-5", "page=999999999999", "kind=<x>"):
        assert client.get(f"/search?q=排水&{bad}").status_code == 200, bad
    assert client.get("/search?q=排水&kind=%00").status_code == 400  # NUL is refused everywhere


def test_page_without_results_helps(client, app):
    fs.document(app, title="道路积水")
    html = client.get("/search?q=地铁").get_data(as_text=True)
    assert "共 0 条结果" in html and "没有找到" in html and "减少" in html
    html = client.get("/search").get_data(as_text=True)
    assert "条结果" not in html and 'id="search-q"' in html


def test_hostile_input_is_escaped_in_page_api_and_snippet(client, app):
    fs.document(app, kind="proposal", title=XSS_TITLE, body=XSS_BODY)
    html = client.get("/search?q=积水 script").get_data(as_text=True)
    assert page_scripts_are_only_ours(html)
    assert "<img" not in html and "<iframe" not in html and "&lt;<mark>script</mark>&gt;alert(1)" in html
    assert "java<mark>" not in html  # Latin words are marked whole
    item = client.get("/api/v1/search?q=积水").get_json()["items"][0]
    assert item["title"] == XSS_TITLE  # JSON carries the plain text; clients escape it
    assert unsafe_parts(item["snippet_html"]) == [] and "&lt;script&gt;" in item["snippet_html"]
    assert "<mark>积水</mark>" in item["snippet_html"]
    query = '"><script>alert(1)</script>'
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert page_scripts_are_only_ours(html) and "&#34;&gt;&lt;script&gt;" in html


def test_api_search_envelope_and_fields(client, app):
    dept = factories.department(app, slug="hz-cgj", name="杭州市城管局")
    ref = fs.document(app, kind="proposal", title="道路积水", body="西湖区积水", department=dept)
    fs.document(app, kind="comment", title="回复", body="积水退了吗")
    body = client.get("/api/v1/search?q=积水&kind=proposal").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert body["kinds"] == {"proposal": 1, "comment": 1}
    (item,) = body["items"]
    assert item["kind"] == "proposal" and item["id"] == ref and item["url"] == f"/proposals/{ref}"
    assert item["department"] == "hz-cgj" and item["department_name"] == "杭州市城管局"
    assert item["title"] == "道路积水" and "<mark>积水</mark>" in item["snippet_html"]
    assert item["created_at"].endswith("+08:00") or item["created_at"].endswith("Z") or "+" in item["created_at"]
    assert client.get("/api/v1/search?q=积水&kind=proposal,comment").get_json()["total"] == 2
    assert client.get("/api/v1/search?q=积水&kind=proposal&kind=comment").get_json()["total"] == 2
    assert client.get("/api/v1/search?q=积水&department=hz-cgj").get_json()["total"] == 1
    assert client.get("/api/v1/search?q=").get_json() == {"items": [], "page": 1, "per_page": 20, "total": 0, "kinds": {}}


@pytest.mark.parametrize(
    "query,status",
    [
        ("q=积水&page=0", 400), ("q=积水&per_page=abc", 400), ("q=积水&per_page=1000", 200),
        ("q=积水&page=99999999999999999999", 200), ("q=积水&kind=Bad!", 400), ("q=积水&kind=%00", 400),
        ("q=积水&department=nope", 404), ("q=积水&department=%00", 400), ("q=%00", 400),
        ("q=" + "积水" * 3000, 200), ('q="*NEAR(OR)-', 200),
    ],
)
def test_api_search_bad_input_is_never_a_500(client, app, query, status):
    fs.document(app, title="道路积水")
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 200:
        assert response.get_json()["per_page"] <= 100


def test_api_similar(client, app):
    best = fs.document(app, title="西湖区道路积水严重")
    other = fs.document(app, title="道路积水")
    for i in range(8):
        fs.document(app, title=f"积水问题{i}")
    items = client.get("/api/v1/search/similar?text=西湖区道路积水&kind=proposal").get_json()["items"]
    assert len(items) == 5 and items[0] == {"kind": "proposal", "id": best, "title": "西湖区道路积水严重", "url": f"/proposals/{best}"}
    items = client.get(f"/api/v1/search/similar?text=西湖区道路积水&kind=proposal&exclude={best}").get_json()["items"]
    assert items[0]["id"] == other
    assert client.get("/api/v1/search/similar?text=积水&kind=service").get_json() == {"items": []}
    assert client.get("/api/v1/search/similar?text=的&kind=proposal").get_json() == {"items": []}
    assert client.get("/api/v1/search/similar?text=积水").status_code == 400
    assert client.get("/api/v1/search/similar?text=积水&kind=proposal&exclude=x").status_code == 400
    assert client.get("/api/v1/search/similar?text=积水&kind=proposal&exclude=99999999999999999999").status_code == 200


def test_search_page_and_api_run_a_constant_number_of_queries(client, app, citizen, count_queries):
    signed_in = app.test_client()
    signed_in.login(citizen.username)
    for i in range(3):
        fs.document(app, title=f"积水{i}", body="道路积水")
    client.get("/search?q=积水")  # warm up (jieba, templates)
    measured = {}
    for label, size in (("small", 3), ("large", 60)):
        for i in range(size - 3 if label == "large" else 0):
            fs.document(app, kind="comment" if i % 2 else "case", title=f"积水{i}", body="道路积水")
        with count_queries() as api:
            assert client.get("/api/v1/search?q=积水&per_page=50").status_code == 200
        with count_queries() as page:
            assert client.get("/search?q=积水").status_code == 200
        with count_queries() as signed_page:
            assert signed_in.get("/search?q=积水").status_code == 200
        measured[label] = (api.count, page.count, signed_page.count)
    assert measured["small"] == measured["large"], measured
    api_count, page_count, signed_count = measured["large"]
    assert api_count <= 2 and page_count <= 2 and signed_count <= 5, measured


def test_a_created_service_is_indexed_with_its_guide_as_plain_text(client, app, admin):
    token = factories.token(app, admin)
    dept = factories.department(app, slug="zj-sthjt")
    response = client.api(
        "POST", "/services",
        {"department": "zj-sthjt", "code": "HJ-1", "name": "排污许可证核发", "guide": "### 申请材料\n\n- **环评批复**"},
        token=token,
    )
    assert response.status_code == 201
    service_id = response.get_json()["service"]["id"]
    item = client.get("/api/v1/search?q=环评批复").get_json()["items"][0]
    assert item["kind"] == "service" and item["id"] == service_id and item["url"] == f"/services/{service_id}"
    assert item["department"] == dept.slug and "**" not in item["snippet_html"] and "###" not in item["snippet_html"]
    # a refused creation indexes nothing (same transaction)
    client.api("POST", "/services", {"department": "zj-sthjt", "code": "HJ-1", "name": "重复", "guide": "环评"}, token=token)
    assert client.get("/api/v1/search?q=环评").get_json()["total"] == 1


def test_reindex_cli_rebuilds_from_registered_sources(app, runner_env):
    dept = factories.department(app)
    factories.service(app, dept, name="排水许可")
    with app.app_context():
        db.session.execute(SearchDocument.__table__.delete())
        db.session.commit()
    fs.document(app, kind="service", ref_id=999_999, title="不存在的服务")
    result = runner_env.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "service: 1 documents indexed" in result.output
    with app.app_context():
        assert db.session.scalars(select(SearchDocument.title)).all() == ["排水许可"]
    result = runner_env.invoke(args=["search", "reindex", "service"])
    assert result.exit_code == 0
    result = runner_env.invoke(args=["search", "reindex", "nope"])
    assert result.exit_code != 0 and "unknown kind" in result.output


def test_demo_seed_ends_with_services_indexed(app):
    from app.departments.models import Service
    from app.seed import STEPS, run_demo_seed

    assert STEPS[-1] == "app.search.seed:seed_search"
    with app.app_context():
        context = run_demo_seed()
        services = db.session.scalar(select(func.count(Service.id)))
        indexed = db.session.scalar(select(func.count(SearchDocument.id)).where(SearchDocument.kind == "service"))
        assert services > 50 and indexed == services == context.extra["search_indexed"]["service"]
        from app.search.services import search

        assert search("身份证").total > 0
        db.session.rollback()


@pytest.fixture
def runner_env(app):
    return app.test_cli_runner()
