"""Pages: the list with filters, the new-thread form, the thread page with its forms,
the home and department sections, and constant query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.proposals.models import Proposal
from tests import factories
from tests import factories_proposals as fp


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Proposal.id)))


def test_list_page_filters_and_sorts(app, client):
    cast = fp.Cast(app)
    service = factories.service(app, cast.department, name="网约车驾驶员证核发")
    a = fp.proposal(app, cast.author, cast.department, title="网约车驾驶员证办理太慢", kind="complaint", service=service.id)
    b = fp.proposal(app, cast.author, cast.other_department, title="老旧小区加装电梯咨询", kind="question")
    fp.support(app, b, cast.citizen)
    html = client.get("/proposals").get_data(as_text=True)
    assert a.title in html and b.title in html and "共 2 件留言" in html and "投诉" in html and "咨询" in html
    html = client.get(f"/proposals?department={cast.department.slug}").get_data(as_text=True)
    assert a.title in html and b.title not in html and "网约车驾驶员证核发" in html  # the service filter appears
    html = client.get(f"/proposals?service={service.id}").get_data(as_text=True)
    assert a.title in html and b.title not in html
    assert b.title not in client.get("/proposals?kind=complaint").get_data(as_text=True)
    html = client.get("/proposals?sort=top").get_data(as_text=True)
    assert html.index(b.title) < html.index(a.title)
    assert "没有符合条件的留言" in client.get("/proposals?overdue=1").get_data(as_text=True)
    for bad in ("page=abc", "per_page=-1", "kind=x", "status=pending_review", "sort=x", "department=nope", "service=x", "page=999999999"):
        assert client.get(f"/proposals?{bad}").status_code == 200, bad


def test_new_thread_page(app, client):
    cast = fp.Cast(app)
    s1 = factories.service(app, cast.department, name="道路运输证年审")
    s2 = factories.service(app, cast.other_department, name="商品房预售许可")
    response = client.get("/proposals/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    author = app.test_client()
    author.login(cast.author.username)
    html = author.get("/proposals/new").get_data(as_text=True)
    assert "不确定，由版主分派" in html and "<optgroup" in html and "道路运输证年审" in html and "商品房预售许可" in html
    assert 'data-department="%s"' % cast.department.slug in html and "proposals.js" in html
    html = author.get(f"/proposals/new?department={cast.other_department.slug}").get_data(as_text=True)
    assert "商品房预售许可" in html and "道路运输证年审" not in html
    form = {"kind": "suggestion", "title": "建议延长道路运输证年审窗口时间", "body": "很多司机白天要出车，希望周末也能办理年审。",
            "department": cast.department.slug, "service": str(s1.id), "contact": "", "anonymous": "y"}
    for changes, message in (
        ({"title": "短"}, "至少 5 个字"),
        ({"body": ""}, "此项为必填"),
        ({"department": ""}, "请选择部门"),
        ({"department": "nope"}, "没有这个部门"),
        ({"service": str(s2.id)}, "该事项不属于所选部门"),
        ({"service": "abc"}, "没有这个事项"),
        ({"kind": "rant"}, "请选择建议、投诉、咨询或表扬"),
        ({"contact": "x" * 201}, "最多 200 个字"),
    ):
        response = author.submit("/proposals/new", {**form, **changes}, form_page="/proposals/new")
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    assert _count(app) == 0
    response = author.submit("/proposals/new", form, form_page="/proposals/new")
    assert response.status_code == 302
    html = author.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的留言已公开" in html and "建议延长道路运输证年审窗口时间" in html and "公开显示为匿名" in html
    response = author.submit("/proposals/new", {**form, "department": "unsure", "service": ""}, form_page="/proposals/new")
    assert response.status_code == 302
    assert "等待版主分派" in author.get(response.headers["Location"]).get_data(as_text=True)


def test_new_account_thread_waits_for_review(app):
    newcomer = factories.user(app, role="citizen")
    dept = factories.department(app)
    c = app.test_client()
    c.login(newcomer.username)
    response = c.submit("/proposals/new", {"kind": "question", "title": "请问公积金怎么提取", "body": "租房提取公积金需要准备哪些材料？",
                                           "department": dept.slug, "service": ""}, form_page="/proposals/new")
    html = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "经版主审核后公开" in html and "正在等待版主审核" in html


def test_thread_page_shows_answers_with_badge_revisions_and_forms(app):
    cast = fp.Cast(app)
    thread = cast.thread("answered")
    officer = app.test_client()
    officer.login(cast.officer.username)
    detail = officer.get(f"/api/v1/proposals/{thread.id}").get_json()
    answer_id = detail["official_answers"][0]["id"]
    page = officer.get(f"/proposals/{thread.id}/answers/{answer_id}/edit")
    assert page.status_code == 200
    assert officer.submit(f"/proposals/{thread.id}/answers/{answer_id}/edit", {"body": ""}).status_code == 400
    response = officer.submit(f"/proposals/{thread.id}/answers/{answer_id}/edit", {"body": "更正：已于本周完成维修。"})
    assert response.status_code == 303
    visitor_html = app.test_client().get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "tag official" in visitor_html and cast.department.name in visitor_html
    assert "全部 2 个版本" in visitor_html and "更正：已于本周完成维修。" in visitor_html and "您反映的问题已收悉" in visitor_html
    assert "官方答复已修改" in visitor_html
    assert 'action="/proposals/%d/status"' % thread.id not in visitor_html
    officer_html = officer.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "变更状态" in officer_html and "修改此答复" in officer_html
    author = app.test_client()
    author.login(cast.author.username)
    html = author.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "您对最新的官方答复是否满意" in html and "基本满意" in html
    assert author.submit(f"/proposals/{thread.id}/answer-rating", {"rating": "unsatisfied"}).status_code == 303
    html = author.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "重新打开留言（仅一次）" in html and "您对最新的官方答复是否满意" not in html
    assert author.submit(f"/proposals/{thread.id}/status", {"status": "reopened", "note": "路灯还是不亮"}).status_code == 303
    html = author.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "已重新打开" in html and "路灯还是不亮" in html
    moderator = app.test_client()
    moderator.login(cast.moderator.username)
    html = moderator.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "合并到另一件留言" in html and "转办其他部门" in html


def test_officer_forms_answer_transfer_and_send_back(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    officer = app.test_client()
    officer.login(cast.officer.username)
    html = officer.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "发布答复" in html and "非本部门职责" in html and "转办其他部门" in html and "申请延期" in html
    response = officer.submit(f"/proposals/{thread.id}/answers", {"body": ""})
    assert response.status_code == 303 and fp.reload(app, thread).status == "open"
    assert "此项为必填" in officer.get(response.headers["Location"]).get_data(as_text=True)
    officer.submit(f"/proposals/{thread.id}/transfer", {"department": cast.other_department.slug, "reason": "属于住建部门职责"})
    assert fp.reload(app, thread).department_id == cast.other_department.id
    other = app.test_client()
    other.login(cast.other_officer.username)
    other.submit(f"/proposals/{thread.id}/send-back", {"reason": "也不属于本部门"})
    assert fp.reload(app, thread).department_id is None
    moderator = app.test_client()
    moderator.login(cast.moderator.username)
    html = moderator.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert "分派部门" in html
    moderator.submit(f"/proposals/{thread.id}/transfer", {"department": cast.department.slug, "reason": ""})
    assert fp.reload(app, thread).department_id == cast.department.id
    source = cast.thread("open")
    moderator.submit(f"/proposals/{source.id}/merge", {"into": str(thread.id), "reason": "重复"})
    assert fp.reload(app, source).status == "merged"


def test_department_and_home_pages_list_threads(app, client):
    cast = fp.Cast(app)
    mine = fp.proposal(app, cast.author, cast.department, title="交通部门收到的一件留言")
    theirs = fp.proposal(app, cast.author, cast.other_department, title="住建部门收到的一件留言")
    html = client.get(f"/departments/{cast.department.slug}").get_data(as_text=True)
    assert mine.title in html and theirs.title not in html and "向该部门留言" in html
    html = client.get("/").get_data(as_text=True)
    assert "最新留言" in html and mine.title in html and theirs.title in html


def _populate(app, cast, n_threads: int, extra_supporters: int):
    supporters = [fp.citizen(app) for _ in range(extra_supporters)]
    threads = []
    for i in range(n_threads):
        service = factories.service(app, cast.department) if i % 3 == 0 else None
        thread = fp.proposal(app, cast.author, cast.department, service=service.id if service else None)
        for supporter in supporters:
            fp.support(app, thread, supporter)
        if i % 2 == 0:
            thread = fp.answer(app, thread, cast.officer)
        threads.append(thread)
    return threads


def _measure(app, count_queries, clients, paths):
    counts = {}
    for name, c in clients.items():
        for path in paths:
            with count_queries() as counter:
                response = c.get(path)
            assert response.status_code == 200, (name, path)
            counts[(name, path)] = counter.count
    return counts


@pytest.mark.slow
def test_pages_and_api_run_a_small_constant_number_of_queries(app, count_queries):
    cast = fp.Cast(app)
    clients = {"visitor": app.test_client(), "officer": app.test_client(), "moderator": app.test_client(), "author": app.test_client()}
    clients["officer"].login(cast.officer.username)
    clients["moderator"].login(cast.moderator.username)
    clients["author"].login(cast.author.username)
    first = _populate(app, cast, 2, 1)[0]
    fp.rate(app, first, cast.author, "unsatisfied")

    def paths(thread):
        return ["/proposals", f"/proposals?department={cast.department.slug}&sort=top", f"/proposals/{thread.id}",
                "/api/v1/proposals", f"/api/v1/proposals/{thread.id}", "/", f"/departments/{cast.department.slug}"]

    small = _measure(app, count_queries, clients, paths(first))
    _populate(app, cast, 25, 6)
    # more events, answers and revisions on the measured thread too
    fp.status(app, first, cast.author, "reopened", "仍未解决")
    fp.answer(app, first, cast.officer, "第二次答复")
    large = _measure(app, count_queries, clients, paths(first))
    assert small == large, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert max(large.values()) <= 10, large
    print("query counts:", {f"{who} {path}": n for (who, path), n in large.items()})


def test_thread_pages_are_valid_html_for_every_role(app, tmp_path):
    """The forms only staff and authors see are valid HTML too (Nu Html Checker, as in the crawl)."""
    import json
    import shutil
    import subprocess

    from tests.test_site_crawl import VNU_JAR

    if not VNU_JAR or not shutil.which("java"):
        pytest.skip("Nu Html Checker (npm vnu-jar) or java missing; CI installs them")
    cast = fp.Cast(app)
    answered = cast.thread("answered")
    fp.rate(app, answered, cast.author, "unsatisfied")
    opened = cast.thread("open", anonymous=True, contact="13900001111")
    unrouted = fp.proposal(app, cast.author, unsure=True)
    clients = {"officer": cast.officer, "moderator": cast.moderator, "author": cast.author}
    files = []
    for name, user in clients.items():
        c = app.test_client()
        c.login(user.username)
        c.submit(f"/proposals/{opened.id}/extension", {"until": "2099-01-01T10:00", "reason": "需要协调"})
        paths = [f"/proposals/{answered.id}", f"/proposals/{opened.id}", f"/proposals/{unrouted.id}", "/proposals/new", "/proposals?department=unsure"]
        if name == "moderator":
            paths.append("/proposals/extensions")
        if name == "officer":
            paths.append(f"/proposals/{answered.id}/answers/1/edit")
        for index, path in enumerate(paths):
            response = c.get(path)
            assert response.status_code == 200, (name, path)
            file = tmp_path / f"{name}-{index}.html"
            file.write_text(response.get_data(as_text=True), encoding="utf-8")
            files.append((str(file), f"{name} {path}"))
    result = subprocess.run(["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *[f for f, _ in files]],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    where = dict(files)
    errors = [f"{where.get(m.get('url', '').removeprefix('file:'))}: {m.get('message')}" for m in messages if m.get("type") == "error"]
    assert errors == []


def test_author_edits_the_thread_until_the_department_acts(app):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    author = app.test_client()
    author.login(cast.author.username)
    assert "修改留言" in author.get(f"/proposals/{thread.id}").get_data(as_text=True)
    assert author.get(f"/proposals/{thread.id}/edit").status_code == 200
    response = author.submit(f"/proposals/{thread.id}/edit", {"title": "短", "body": thread.body})
    assert response.status_code == 400 and "至少 5 个字" in response.get_data(as_text=True)
    response = author.submit(f"/proposals/{thread.id}/edit", {"title": "更正后的留言标题", "body": thread.body})
    assert response.status_code == 303 and fp.reload(app, thread).title == "更正后的留言标题"
    other = app.test_client()
    other.login(cast.citizen.username)
    assert other.get(f"/proposals/{thread.id}/edit").status_code == 403
    fp.status(app, thread, cast.officer, "acknowledged")
    assert author.get(f"/proposals/{thread.id}/edit").status_code == 403
    assert "修改留言" not in author.get(f"/proposals/{thread.id}").get_data(as_text=True)
