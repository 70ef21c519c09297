"""The public gallery /cases and case pages: filters, pagination, sections, masking, constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.clock import utcnow
from app.extensions import db
from app.innovation.models import InnovationCase
from app.sections import Section, _registry
from tests import factories
from tests import factories_campaigns as fc


def _publish_at(app, case_id: int, days_ago: int) -> None:
    with app.app_context():
        db.session.execute(
            update(InnovationCase).where(InnovationCase.id == case_id).values(published_at=utcnow() - timedelta(days=days_ago))
        )
        db.session.commit()


def test_gallery_lists_only_published_visible_cases_newest_first(app, client, department):
    old = fc.case(app, department, title="较早发布的案例")
    new = fc.case(app, department, title="最新发布的案例")
    _publish_at(app, old.id, 10)
    for status in ("draft", "submitted", "rejected"):
        fc.case(app, department, status=status, title=f"状态为{status}的案例")
    html = client.get("/cases").get_data(as_text=True)
    assert html.index("最新发布的案例") < html.index("较早发布的案例")
    assert "状态为" not in html and "找到 2 个案例" in html
    data = client.get("/api/v1/cases").get_json()
    assert [item["id"] for item in data["items"]] == [new.id, old.id]
    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == 20
    assert data["items"][0]["body_html"] is None  # lists carry summaries only


def test_gallery_filters_by_department_and_tag(app, client, department):
    other = factories.department(app, name="杭州市公安局")
    fc.case(app, department, title="一网通办案例", tags=["一网通办", "数字政府"])
    fc.case(app, department, title="营商环境案例", tags=["营商环境"])
    fc.case(app, other, title="公安一网通办案例", tags=["一网通办"])

    def titles(html: str) -> set[str]:
        return {t for t in ("一网通办案例", "营商环境案例", "公安一网通办案例") if f">{t}<" in html}

    assert titles(client.get("/cases?tag=一网通办").get_data(as_text=True)) == {"一网通办案例", "公安一网通办案例"}
    assert titles(client.get("/cases?tag=＃一网通办").get_data(as_text=True)) == {"一网通办案例", "公安一网通办案例"}
    assert titles(client.get(f"/cases?department={other.slug}").get_data(as_text=True)) == {"公安一网通办案例"}
    assert titles(client.get(f"/cases?department={department.slug}&tag=一网通办").get_data(as_text=True)) == {"一网通办案例"}
    assert titles(client.get("/cases?tag=不存在").get_data(as_text=True)) == set()
    html = client.get("/cases").get_data(as_text=True)
    assert "热门标签" in html and 'href="/cases?tag=%E4%B8%80%E7%BD%91%E9%80%9A%E5%8A%9E"' in html

    api = client.get(f"/api/v1/cases?department={department.slug}&tag=一网通办").get_json()
    assert [item["title"] for item in api["items"]] == ["一网通办案例"]
    assert api["items"][0]["tags"] == ["一网通办", "数字政府"]
    assert client.get("/api/v1/cases?department=nope").status_code == 404


def test_gallery_paginates(app, client, department):
    for index in range(5):
        fc.case(app, department, title=f"分页案例{index}")
    data = client.get("/api/v1/cases?per_page=2&page=3").get_json()
    assert len(data["items"]) == 1 and data["total"] == 5 and data["per_page"] == 2
    html = client.get("/cases?per_page=2&page=2").get_data(as_text=True)
    assert "第 2 页，共 3 页" in html
    assert 'rel="next"' in html and 'rel="prev"' in html


@pytest.mark.parametrize(
    "query", ["page=0", "page=abc", "per_page=-1", "per_page=100000", "page=99999999999999999999", "tag=" + "x" * 500]
)
def test_gallery_bad_parameters_never_fail(client, query):
    assert client.get(f"/cases?{query}").status_code == 200
    assert client.get(f"/api/v1/cases?{query}").status_code in (200, 400, 404)


def test_gallery_refuses_nul_characters(client):
    assert client.get("/cases?department=%00").status_code == 400
    assert client.get("/api/v1/cases?department=%00").status_code == 400


def test_case_page_masks_personal_information(app, client, department):
    case = fc.case(app, department, title="热线13812345678改革", summary="联系邮箱 zhang.san@example.com")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html
    assert "z***@example.com" in html and "zhang.san@example.com" not in html
    gallery = client.get("/cases").get_data(as_text=True)
    assert "13812345678" not in gallery
    api = client.get(f"/api/v1/cases/{case.id}").get_json()["case"]
    assert api["title"] == "热线138****5678改革"


def test_case_page_includes_registered_sections(app, client, department):
    case = fc.case(app, department, title="带评论区的案例")

    def provider(subject):
        return Section("main/about.html", {}) if subject.id == case.id else None

    # a stand-in for the comments feature: any template registered for "case" is included
    _registry["case"].append((99, provider))
    try:
        html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    finally:
        _registry["case"].remove((99, provider))
    assert "关于民意" in html.split("<main", 1)[1]


def test_case_page_lists_the_campaigns_it_is_on(app, client, department):
    first = fc.case(app, department)
    second = fc.case(app, department)
    campaign = fc.campaign(app, [first, second], title="年度案例评选")
    html = client.get(f"/cases/{first.id}").get_data(as_text=True)
    assert "该案例参加的网络投票" in html and f'href="/campaigns/{campaign.id}"' in html


def _gallery_data(app, department, count: int) -> None:
    departments = [department] + [factories.department(app) for _ in range(2)]
    for index in range(count):
        fc.case(app, departments[index % 3], tags=[f"标签{index % 4}", "数字政府", f"t{index}"])


@pytest.mark.parametrize("path", ["/cases", "/cases?tag=数字政府", "/api/v1/cases"])
def test_gallery_runs_a_constant_number_of_queries(app, client, department, count_queries, path):
    _gallery_data(app, department, 2)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _gallery_data(app, department, 14)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert small.count == large.count, (small, large)
    assert large.count <= 6, large


def test_case_page_runs_a_constant_number_of_queries(app, client, department, count_queries):
    plain = fc.case(app, department, tags=["一"])
    rich = fc.case(app, department, tags=["一", "二", "三", "四", "五"])
    others = [fc.case(app, department) for _ in range(3)]
    fc.campaign(app, [rich, *others])
    fc.campaign(app, [rich, plain])
    with count_queries() as small:
        assert client.get(f"/cases/{plain.id}").status_code == 200
    with count_queries() as large:
        assert client.get(f"/cases/{rich.id}").status_code == 200
    assert small.count == large.count <= 4, (small, large)


def test_unknown_case_is_404(client):
    assert client.get("/cases/424242").status_code == 404
    assert client.get("/api/v1/cases/424242").status_code == 404
    assert client.get("/cases/99999999999999999999999").status_code == 404
