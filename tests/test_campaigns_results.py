"""Results: visibility, ranks with ties, turnout, invalidation, the frozen snapshot and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.campaigns.models import Campaign, CampaignCase, CampaignResult
from app.campaigns.results import ResultItem, ranked
from app.clock import utcnow
from app.extensions import db
from app.innovation.models import InnovationCase
from tests import factories
from tests import factories_campaigns as fc


@pytest.fixture
def cases(app, department):
    return [fc.case(app, department, title=f"案例{letter}") for letter in "ABCD"]


def _votes(app, campaign, cases, tally: list[int]) -> list:
    """Cast tally[i] votes for cases[i], each by a new voter; return the voters."""
    voters = []
    for case, count in zip(cases, tally):
        for _ in range(count):
            voter = fc.voter(app)
            fc.vote(app, campaign, voter, case)
            voters.append(voter)
    return voters


def _results(client, campaign, token=None):
    return client.api("GET", f"/campaigns/{campaign.id}/results", token=token)


def test_ranked_ties_share_a_rank():
    items = ranked(ResultItem(i, f"t{i}", "d", votes, position=i) for i, votes in enumerate([3, 5, 1, 3]))
    assert [(item.case_id, item.votes, item.rank) for item in items] == [(1, 5, 1), (0, 3, 2), (3, 3, 2), (2, 1, 4)]
    assert [item.rank for item in ranked(ResultItem(i, "t", "d", 0, i) for i in range(3))] == [1, 1, 1]


def test_live_results_with_ties_and_turnout(app, client, cases):
    campaign = fc.campaign(app, cases, results="live", votes_per_voter=2)
    _votes(app, campaign, cases, [3, 5, 3, 1])
    both = fc.voter(app)
    fc.vote(app, campaign, both, cases[3])
    fc.vote(app, campaign, both, cases[1])
    data = _results(client, campaign).get_json()
    assert data["state"] == "open" and data["turnout"] == 13 and data["total_votes"] == 14
    assert [(item["case_id"], item["votes"], item["rank"]) for item in data["items"]] == [
        (cases[1].id, 6, 1),
        (cases[0].id, 3, 2),
        (cases[2].id, 3, 2),
        (cases[3].id, 2, 4),
    ]
    assert data["items"][0]["title"] == "案例B" and data["frozen"] is False
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "实时结果" in html and "6 票" in html and "第 1 名" in html


@pytest.mark.parametrize("role,status", [("visitor", 403), ("citizen", 403), ("officer", 403), ("moderator", 200), ("admin", 200)])
def test_after_close_results_wait_for_the_close(app, client, cases, department, role, status):
    campaign = fc.campaign(app, cases, results="after_close")
    _votes(app, campaign, cases, [1, 0, 0, 0])
    users = {
        "citizen": lambda: fc.voter(app),
        "officer": lambda: fc.officer_of(app, department),
        "moderator": lambda: factories.user(app, role="moderator"),
        "admin": lambda: factories.user(app, role="admin"),
    }
    user = users[role]() if role in users else None
    token = factories.token(app, user) if user else None
    response = _results(client, campaign, token)
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "results_not_published"
        assert "投票结束时" in response.get_json()["error"]["message"]
        page_client = app.test_client()
        if user:
            page_client.login(user.username)
        html = page_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
        assert "投票结果将在投票结束时" in html and 'class="votes"' not in html
        assert page_client.get(f"/campaigns/{campaign.id}/results.csv").status_code == 403
        detail = client.api("GET", f"/campaigns/{campaign.id}", token=token).get_json()
        assert all(case["votes"] is None for case in detail["cases"])
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        assert _results(client, campaign, token).status_code == 200


def test_results_freeze_at_the_first_read_after_close(app, client, cases):
    closes = utcnow().replace(microsecond=0) + timedelta(hours=2)
    campaign = fc.campaign(app, cases, closes_at=closes, results="live")
    _votes(app, campaign, cases, [2, 4, 0, 1])
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        assert _results(client, campaign).get_json()["frozen"] is False
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CampaignResult)) == 0
    with time_machine.travel(closes, tick=False):
        first = _results(client, campaign).get_json()
    assert first["state"] == "closed" and first["frozen"] is True and first["turnout"] == 7
    assert [(i["case_id"], i["votes"], i["rank"]) for i in first["items"]] == [
        (cases[1].id, 4, 1), (cases[0].id, 2, 2), (cases[3].id, 1, 3), (cases[2].id, 0, 4)
    ]
    # afterwards nothing moves the published results: not a renamed case, not a tampered counter
    with app.app_context():
        db.session.execute(update(InnovationCase).where(InnovationCase.id == cases[1].id).values(title="改过的标题"))
        db.session.execute(update(CampaignCase).where(CampaignCase.case_id == cases[2].id).values(votes=99))
        db.session.execute(update(Campaign).where(Campaign.id == campaign.id).values(turnout=500))
        db.session.commit()
    with time_machine.travel(closes + timedelta(days=3), tick=False):
        later = _results(client, campaign).get_json()
        assert later == first
        csv_text = client.get(f"/campaigns/{campaign.id}/results.csv").get_data(as_text=True)
        assert "改过的标题" not in csv_text and "案例B" in csv_text
        html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
        assert "最终结果" in html and "结果封存于" in html


def test_freeze_command_writes_the_snapshot_once(app, client, cases):
    closes = utcnow() + timedelta(hours=1)
    campaign = fc.campaign(app, cases, closes_at=closes)
    _votes(app, campaign, cases, [1, 2, 0, 0])
    runner = app.test_cli_runner()
    assert "0 campaign" in runner.invoke(args=["campaigns", "freeze-results"]).output
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        result = runner.invoke(args=["campaigns", "freeze-results"])
        assert result.exit_code == 0 and f"1 campaign(s): {campaign.id}" in result.output
        assert "0 campaign" in runner.invoke(args=["campaigns", "freeze-results"]).output
        data = _results(client, campaign).get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CampaignResult)) == 4
        frozen = db.session.get(Campaign, campaign.id)
        assert frozen.results_frozen_at is not None and frozen.frozen_turnout == 3
    assert data["frozen"] and data["items"][0]["votes"] == 2


def test_recount_command_rebuilds_counts(app, cases):
    campaign = fc.campaign(app, cases)
    _votes(app, campaign, cases, [2, 1, 0, 0])
    with app.app_context():
        db.session.execute(update(CampaignCase).values(votes=0))
        db.session.execute(update(Campaign).values(turnout=0))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["campaigns", "recount", str(campaign.id)])
    assert result.exit_code == 0 and "turnout 3" in result.output
    fc.assert_counts_consistent(app, campaign.id)
    assert app.test_cli_runner().invoke(args=["campaigns", "recount", "999"]).exit_code != 0


# --- invalidation -------------------------------------------------------------------


def test_moderator_invalidates_a_burst_of_accounts(app, client, cases):
    campaign = fc.campaign(app, cases, results="live", votes_per_voter=2)
    honest = _votes(app, campaign, cases, [3, 2, 0, 0])
    burst = [fc.voter(app, days_old=0) for _ in range(5)]
    for voter in burst:
        fc.vote(app, campaign, voter, cases[3])
    fc.vote(app, campaign, burst[0], cases[0])
    before = _results(client, campaign).get_json()
    assert before["turnout"] == 10 and before["items"][0]["case_id"] == cases[3].id

    moderator = factories.user(app, role="moderator")
    token = factories.token(app, moderator)
    response = client.api(
        "POST",
        f"/campaigns/{campaign.id}/invalidations",
        {"user_ids": [v.id for v in burst] + [999999], "reason": "5个账号在2分钟内注册并投给同一案例"},
        token=token,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["invalidation"]["votes"] == 6 and response.get_json()["invalidation"]["accounts"] == 5

    after = _results(client, campaign).get_json()
    assert after["turnout"] == 5 and after["invalidated_votes"] == 6 and after["total_votes"] == 5
    assert [(i["case_id"], i["votes"], i["rank"]) for i in after["items"]] == [
        (cases[0].id, 3, 1), (cases[1].id, 2, 2), (cases[2].id, 0, 3), (cases[3].id, 0, 3)
    ]
    assert after["invalidations"][0]["reason"] == "5个账号在2分钟内注册并投给同一案例"
    assert after["invalidations"][0]["votes"] == 6 and after["invalidations"][0]["accounts"] == 5
    fc.assert_counts_consistent(app, campaign.id)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.invalidate_votes"))
        assert entry.actor_id == moderator.id and entry.target_id == campaign.id
        assert entry.reason == "5个账号在2分钟内注册并投给同一案例" and entry.after["votes"] == 6

    # the invalidated accounts may not vote or withdraw again; the others go on
    burst_token = factories.token(app, burst[1])
    response = client.api("POST", f"/campaigns/{campaign.id}/votes", {"case_id": cases[2].id}, token=burst_token)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "votes_invalidated"
    assert client.api("DELETE", f"/campaigns/{campaign.id}/votes/{cases[3].id}", token=burst_token).status_code == 403
    assert client.api("GET", f"/campaigns/{campaign.id}", token=burst_token).get_json()["my_votes"] == []
    assert client.api("POST", f"/campaigns/{campaign.id}/votes", {"case_id": cases[2].id}, token=factories.token(app, honest[0])).status_code == 201
    # invalidating them again finds nothing to invalidate
    response = client.api("POST", f"/campaigns/{campaign.id}/invalidations", {"user_ids": [burst[0].id], "reason": "again"}, token=token)
    assert response.status_code == 400 and "user_ids" in response.get_json()["error"]["fields"]
    fc.assert_counts_consistent(app, campaign.id)

    # published with the frozen results after the close
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        frozen = _results(client, campaign).get_json()
        assert frozen["frozen"] and frozen["invalidated_votes"] == 6 and frozen["turnout"] == 5
        assert frozen["invalidations"][0]["reason"] == "5个账号在2分钟内注册并投给同一案例"
        html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
        assert "被版主作废的选票" in html and "5个账号在2分钟内注册并投给同一案例" in html
        # after the close: refused, and nothing changes
        response = client.api("POST", f"/campaigns/{campaign.id}/invalidations", {"user_ids": [honest[0].id], "reason": "迟到"}, token=token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "results_frozen"
        assert _results(client, campaign).get_json() == frozen


def test_invalidation_before_opening_is_409(app, client, cases):
    campaign = fc.campaign(app, cases, opens_at=utcnow() + timedelta(days=1), closes_at=utcnow() + timedelta(days=2))
    token = factories.token(app, factories.user(app, role="moderator"))
    response = client.api("POST", f"/campaigns/{campaign.id}/invalidations", {"user_ids": [1], "reason": "x"}, token=token)
    assert response.status_code == 409


@pytest.mark.parametrize("role,status", [("visitor", 401), ("citizen", 403), ("officer", 403), ("admin", 201)])
def test_only_moderators_invalidate(app, client, cases, department, role, status):
    campaign = fc.campaign(app, cases)
    voter = fc.voter(app)
    fc.vote(app, campaign, voter, cases[0])
    users = {"citizen": lambda: fc.voter(app), "officer": lambda: fc.officer_of(app, department), "admin": lambda: factories.user(app, role="admin")}
    token = factories.token(app, users[role]()) if role in users else None
    response = client.api("POST", f"/campaigns/{campaign.id}/invalidations", {"user_ids": [voter.id], "reason": "刷票"}, token=token)
    assert response.status_code == status
    assert fc.assert_counts_consistent(app, campaign.id)["turnout"] == (0 if status == 201 else 1)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"reason": "x"}, "user_ids"),
        ({"user_ids": [], "reason": "x"}, "user_ids"),
        ({"user_ids": "1", "reason": "x"}, "user_ids"),
        ({"user_ids": [True], "reason": "x"}, "user_ids"),
        ({"user_ids": list(range(1, 1200)), "reason": "x"}, "user_ids"),
        ({"user_ids": [1]}, "reason"),
        ({"user_ids": [1], "reason": "  "}, "reason"),
        ({"user_ids": [1], "reason": "因" * 501}, "reason"),
        ({"user_ids": [1], "reason": 7}, "reason"),
        ({"user_ids": [1], "reason": "刷票\x00"}, "reason"),
        ({"user_ids": [2**40], "reason": "刷票"}, "user_ids"),
    ],
)
def test_bad_invalidation_input(app, client, cases, body, field):
    campaign = fc.campaign(app, cases)
    token = factories.token(app, factories.user(app, role="moderator"))
    response = client.api("POST", f"/campaigns/{campaign.id}/invalidations", body, token=token)
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


def test_invalidation_page(app, moderator_client, cases):
    campaign = fc.campaign(app, cases)
    old = fc.voter(app, days_old=300, username="old_voter")
    new = fc.voter(app, days_old=0, username="new_voter")
    fc.vote(app, campaign, old, cases[0])
    fc.vote(app, campaign, new, cases[1])
    html = moderator_client.get(f"/campaigns/{campaign.id}/invalidate").get_data(as_text=True)
    assert html.index("new_voter") < html.index("old_voter") and f'value="{new.id}"' in html
    today = (utcnow() + timedelta(hours=8)).strftime("%Y-%m-%d")
    filtered = moderator_client.get(f"/campaigns/{campaign.id}/invalidate?created_after={today}").get_data(as_text=True)
    assert "new_voter" in filtered and "old_voter" not in filtered
    assert moderator_client.get(f"/campaigns/{campaign.id}/invalidate?created_after=nonsense&page=x").status_code == 200

    response = moderator_client.submit(f"/campaigns/{campaign.id}/invalidate", {"user_ids": [str(new.id)], "reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.get_data(as_text=True)
    response = moderator_client.submit(f"/campaigns/{campaign.id}/invalidate", {"user_ids": [str(new.id)], "reason": "新注册账号集中投票"})
    assert response.status_code == 302
    html = moderator_client.get(f"/campaigns/{campaign.id}/invalidate").get_data(as_text=True)
    assert "已作废 1 个账号的 1 张选票" in html and "新注册账号集中投票" in html and "已作废" in html
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["turnout"] == 1 and counts["invalidated"] == 1
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        response = moderator_client.submit(f"/campaigns/{campaign.id}/invalidate", {"user_ids": [str(old.id)], "reason": "迟到"})
        assert response.status_code == 409 and "结果已封存" in response.get_data(as_text=True)


# --- CSV ----------------------------------------------------------------------------


def test_results_csv(app, client, department):
    cases = [
        fc.case(app, department, title="=HYPERLINK(\"http://evil\")"),
        fc.case(app, department, title="浙里办，一网通办"),
        fc.case(app, department, title="最多跑一次"),
    ]
    campaign = fc.campaign(app, cases, results="live")
    _votes(app, campaign, cases, [1, 3, 1])
    response = client.get(f"/campaigns/{campaign.id}/results.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="campaign-{campaign.id}-results.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["rank", "case_id", "title", "department", "votes"]
    assert rows[1] == ["1", str(cases[1].id), "浙里办，一网通办", department.name, "3"]
    assert {tuple(rows[2]), tuple(rows[3])} == {
        ("2", str(cases[0].id), "'=HYPERLINK(\"http://evil\")", department.name, "1"),
        ("2", str(cases[2].id), "最多跑一次", department.name, "1"),
    }
    assert len(rows) == 4


def test_results_section_has_chart_and_table(app, client, cases):
    campaign = fc.campaign(app, cases, results="live")
    _votes(app, campaign, cases, [2, 1, 0, 0])
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"' in html
    assert f'aria-labelledby="campaign-{campaign.id}-results-title campaign-{campaign.id}-results-desc"' in html
    assert '<th scope="row">案例A</th>' in html and "<th scope=\"col\">名次</th>" in html
    assert " style=" not in html and "<script>" not in html
    assert "下载投票结果（CSV）" in html
