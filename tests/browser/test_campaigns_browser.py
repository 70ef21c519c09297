"""A verified citizen votes, withdraws and votes again in a real browser; axe finds no WCAG A/AA problems."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests import factories_campaigns as fc


def _ballot(app):
    dept = factories.department(app, slug="zj-scjg", name="浙江省市场监督管理局")
    other = factories.department(app, slug="zj-gat", name="浙江省公安厅")
    cases = [
        fc.case(app, dept, title="“最多跑一次”改革：企业开办一日办结", tags=["最多跑一次", "营商环境"]),
        fc.case(app, other, title="浙里办“一网通办”：户籍业务掌上办理", tags=["一网通办", "浙里办"]),
        fc.case(app, other, title="交通事故快处快赔", tags=["交通"]),
    ]
    return cases


def test_verified_citizen_votes_withdraws_and_votes_again(page, live_server, app, dialogs):
    cases = _ballot(app)
    campaign = fc.campaign(app, cases, title="2026年度政务服务创新案例投票", votes_per_voter=1, require_verified=True, results="live")
    voter = fc.voter(app, verified=True, username="实名市民")

    page.goto(f"{live_server}/login?next=/campaigns/{campaign.id}")
    page.get_by_label("用户名").fill(voter.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("2026年度政务服务创新案例投票")
    expect(page.locator("#my-ballot")).to_contain_text("还剩 1 票")

    first = page.locator(f"#case-{cases[0].id}")
    second = page.locator(f"#case-{cases[1].id}")
    first.get_by_role("button", name=re.compile("投票给这个案例")).click()
    expect(page.locator(".flashes")).to_contain_text("投票成功")
    expect(first).to_contain_text("您已投票给这个案例")
    expect(first).to_have_class(re.compile(r"\bvoted\b"))
    expect(page.locator("#my-ballot")).to_contain_text("还剩 0 票")
    expect(second).to_contain_text("您的票已用完")
    expect(page.locator("#results-title")).to_have_text("实时结果")
    expect(page.locator(".chart-data")).to_contain_text("1")

    first.get_by_role("button", name=re.compile("撤回我的投票")).click()
    expect(page.locator(".flashes")).to_contain_text("已撤回投票")
    expect(first).not_to_contain_text("您已投票给这个案例")
    expect(page.locator("#my-ballot")).to_contain_text("还剩 1 票")

    second.get_by_role("button", name=re.compile("投票给这个案例")).click()
    expect(page.locator(".flashes")).to_contain_text("投票成功")
    expect(second).to_contain_text("您已投票给这个案例")
    expect(first).to_contain_text("您的票已用完")
    assert dialogs == []
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"] == {cases[0].id: 0, cases[1].id: 1, cases[2].id: 0}


def test_innovation_and_voting_pages_have_no_wcag_violations(live_server, app, axe_check):
    cases = _ballot(app)
    campaign = fc.campaign(app, cases, votes_per_voter=2, results="live")
    for index, case in enumerate(cases):
        for _ in range(3 - index):
            fc.vote(app, campaign, fc.voter(app), case)
    voter = fc.voter(app)
    fc.vote(app, campaign, voter, cases[0])
    pages = ["/cases", f"/cases/{cases[0].id}", "/campaigns", f"/campaigns/{campaign.id}", "/cases?tag=一网通办"]
    problems = {}
    for path in pages:
        for cookies in (None, [{"name": "elder", "value": "1", "url": live_server}], [{"name": "lang", "value": "en", "url": live_server}]):
            violations = axe_check(f"{live_server}{path}", cookies)
            if violations:
                problems[(path, str(cookies))] = violations
    violations = axe_check(f"{live_server}/campaigns/{campaign.id}", width=360)
    if violations:
        problems[("campaign", "360px")] = violations
    assert problems == {}


def test_moderator_pages_have_no_wcag_violations(page, live_server, app, axe_check):
    cases = _ballot(app)
    campaign = fc.campaign(app, cases, votes_per_voter=2)
    fc.vote(app, campaign, fc.voter(app), cases[0])
    fc.case(app, factories.department(app), status="submitted", title="待审核的案例")
    moderator = factories.user(app, role="moderator", username="版主甲")
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(moderator.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    cookies = page.context.cookies()
    problems = {}
    for path in ("/cases/review", "/campaigns/new", f"/campaigns/{campaign.id}/edit", f"/campaigns/{campaign.id}/invalidate"):
        violations = axe_check(f"{live_server}{path}", cookies)
        if violations:
            problems[path] = violations
    assert problems == {}


def test_phone_width_has_no_horizontal_scroll(page, live_server, app):
    cases = _ballot(app)
    campaign = fc.campaign(app, cases, votes_per_voter=2, results="live")
    fc.vote(app, campaign, fc.voter(app), cases[0])
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/cases", f"/cases/{cases[0].id}", "/campaigns", f"/campaigns/{campaign.id}"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
