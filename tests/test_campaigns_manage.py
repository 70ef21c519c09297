"""Moderators create and edit campaigns; the ballot and rules freeze when voting opens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, update

from app.audit.models import AuditEntry
from app.campaigns.models import Campaign, CampaignCase
from app.clock import LOCAL_TZ, isoformat, utcnow
from app.extensions import db
from app.innovation.models import InnovationCase
from tests import factories
from tests import factories_campaigns as fc


@pytest.fixture
def cases(app, department):
    return [fc.case(app, department, title=f"候选案例{n}") for n in range(4)]


@pytest.fixture
def moderator_token(app):
    return factories.token(app, factories.user(app, role="moderator"))


def _body(cases, **changes):
    now = utcnow()
    body = {
        "title": "2026年度创新案例网络投票",
        "description": "请投出您的一票。",
        "opens_at": isoformat(now + timedelta(days=1)),
        "closes_at": isoformat(now + timedelta(days=8)),
        "case_ids": [case.id for case in cases[:3]],
        "votes_per_voter": 2,
        "require_verified": True,
        "results": "after_close",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def _ballot(app, campaign_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(CampaignCase.case_id).where(CampaignCase.campaign_id == campaign_id).order_by(CampaignCase.position)
            )
        )


def test_moderator_creates_campaign(app, client, cases, moderator_token):
    response = client.api("POST", "/campaigns", _body(cases, min_account_age_days=30), token=moderator_token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["campaign"]
    assert data["state"] == "upcoming" and data["votes_per_voter"] == 2 and data["require_verified"] is True
    assert data["min_account_age_days"] == 30 and data["results"] == "after_close"
    assert [case["id"] for case in data["cases"]] == [case.id for case in cases[:3]]
    assert data["results_visible"] is True  # moderators watch the counts (to spot fraud)
    assert data["my_votes"] == [] and data["opens_at"].endswith("+08:00")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create"))
        assert entry.target_type == "campaign" and entry.after["case_ids"] == [case.id for case in cases[:3]]
    fetched = client.get(f"/api/v1/campaigns/{data['id']}").get_json()
    assert fetched["title"] == "2026年度创新案例网络投票" and fetched["my_votes"] == []
    assert fetched["results_visible"] is False
    assert all(case["votes"] is None for case in fetched["cases"])  # results are not public yet
    listed = client.get("/api/v1/campaigns").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == data["id"]


def test_min_account_age_defaults_to_zero(app, client, cases, moderator_token):
    data = client.api("POST", "/campaigns", _body(cases), token=moderator_token).get_json()["campaign"]
    assert data["min_account_age_days"] == 0


@pytest.mark.parametrize("role,status", [("visitor", 401), ("citizen", 403), ("officer", 403), ("moderator", 201), ("admin", 201)])
def test_only_moderators_create_campaigns(app, client, cases, department, role, status):
    token = None
    if role == "officer":
        token = factories.token(app, fc.officer_of(app, department))
    elif role != "visitor":
        token = factories.token(app, factories.user(app, role=role))
    assert client.api("POST", "/campaigns", _body(cases), token=token).status_code == status


NOW = object()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"title": ...}, "title"),
        ({"title": ""}, "title"),
        ({"title": "标" * 121}, "title"),
        ({"title": 12}, "title"),
        ({"title": "投票\x00"}, "title"),
        ({"description": "说明\x00"}, "description"),
        ({"description": ...}, "description"),
        ({"description": 5}, "description"),
        ({"description": "述" * 5001}, "description"),
        ({"opens_at": ...}, "opens_at"),
        ({"opens_at": "tomorrow"}, "opens_at"),
        ({"opens_at": "2026-13-01T00:00:00+08:00"}, "opens_at"),
        ({"opens_at": "0001-01-01T00:00:00+01:00"}, "opens_at"),
        ({"opens_at": "1999-12-31T00:00:00+08:00"}, "opens_at"),
        ({"closes_at": "9999-12-31T23:59:59+00:00"}, "closes_at"),
        ({"closes_at": 1234567890}, "closes_at"),
        ({"closes_at": "2020-01-01T00:00:00+08:00"}, "closes_at"),
        ({"opens_at": "2099-01-02T00:00:00+08:00", "closes_at": "2099-01-01T00:00:00+08:00"}, "closes_at"),
        ({"opens_at": "2099-01-01T00:00:00+08:00", "closes_at": "2099-01-01T00:00:00+08:00"}, "closes_at"),
        ({"case_ids": ...}, "case_ids"),
        ({"case_ids": "1,2"}, "case_ids"),
        ({"case_ids": [1.5, 2]}, "case_ids"),
        ({"case_ids": [True, False]}, "case_ids"),
        ({"case_ids": []}, "case_ids"),
        ({"case_ids": "ONE"}, "case_ids"),
        ({"case_ids": list(range(1, 200))}, "case_ids"),
        ({"case_ids": [424242, 424243]}, "case_ids"),
        ({"case_ids": [2**40, 2**41]}, "case_ids"),
        ({"votes_per_voter": ...}, "votes_per_voter"),
        ({"votes_per_voter": 0}, "votes_per_voter"),
        ({"votes_per_voter": -1}, "votes_per_voter"),
        ({"votes_per_voter": 4}, "votes_per_voter"),
        ({"votes_per_voter": "2"}, "votes_per_voter"),
        ({"votes_per_voter": True}, "votes_per_voter"),
        ({"votes_per_voter": 2**60}, "votes_per_voter"),
        ({"require_verified": ...}, "require_verified"),
        ({"require_verified": "yes"}, "require_verified"),
        ({"require_verified": 1}, "require_verified"),
        ({"min_account_age_days": -1}, "min_account_age_days"),
        ({"min_account_age_days": 3651}, "min_account_age_days"),
        ({"min_account_age_days": "7"}, "min_account_age_days"),
        ({"results": ...}, "results"),
        ({"results": "never"}, "results"),
        ({"results": None}, "results"),
    ],
)
def test_bad_campaign_input_names_the_field(app, client, cases, moderator_token, changes, field):
    response = client.api("POST", "/campaigns", _body(cases, **changes), token=moderator_token)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(Campaign.id)) is None


def test_ballot_needs_two_distinct_cases(app, client, cases, moderator_token):
    for case_ids in ([cases[0].id], [cases[0].id, cases[0].id]):
        response = client.api("POST", "/campaigns", _body(cases, case_ids=case_ids, votes_per_voter=1), token=moderator_token)
        assert response.status_code == 400 and "case_ids" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "hidden"])
def test_ballot_takes_only_published_visible_cases(app, client, cases, department, moderator_token, status):
    if status == "hidden":
        bad = fc.case(app, department)
        with app.app_context():
            db.session.execute(update(InnovationCase).where(InnovationCase.id == bad.id).values(hidden_at=utcnow(), hidden_reason="x"))
            db.session.commit()
    else:
        bad = fc.case(app, department, status=status)
    response = client.api("POST", "/campaigns", _body(cases, case_ids=[cases[0].id, bad.id], votes_per_voter=1), token=moderator_token)
    assert response.status_code == 400
    assert str(bad.id) in response.get_json()["error"]["fields"]["case_ids"][0]


def test_everything_may_change_before_opening(app, client, cases, moderator_token):
    created = client.api("POST", "/campaigns", _body(cases), token=moderator_token).get_json()["campaign"]
    later = utcnow() + timedelta(days=2)
    response = client.api(
        "PATCH",
        f"/campaigns/{created['id']}",
        {
            "case_ids": [cases[3].id, cases[0].id],
            "votes_per_voter": 1,
            "require_verified": False,
            "min_account_age_days": 7,
            "results": "live",
            "opens_at": isoformat(later),
            "title": "新标题",
        },
        token=moderator_token,
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["campaign"]
    assert [case["id"] for case in data["cases"]] == [cases[3].id, cases[0].id]
    assert (data["votes_per_voter"], data["require_verified"], data["min_account_age_days"], data["results"]) == (1, False, 7, "live")
    assert data["title"] == "新标题" and data["opens_at"] == isoformat(later)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.update"))
        assert entry.before["votes_per_voter"] == 2 and entry.after["votes_per_voter"] == 1
        assert "description" not in entry.after  # only what changed
    # a ballot change is checked like a new one
    response = client.api("PATCH", f"/campaigns/{created['id']}", {"votes_per_voter": 3}, token=moderator_token)
    assert response.status_code == 400 and "votes_per_voter" in response.get_json()["error"]["fields"]


RULE_CHANGES = [
    {"case_ids": "swap"},
    {"votes_per_voter": 1},
    {"require_verified": False},
    {"min_account_age_days": 3},
    {"results": "live"},
    {"opens_at": "later"},
    {"closes_at": "later"},
]


@pytest.mark.parametrize("change", RULE_CHANGES)
def test_ballot_and_rules_freeze_when_voting_opens(app, client, cases, moderator_token, change):
    opens = utcnow().replace(microsecond=0) + timedelta(hours=1)
    created = client.api(
        "POST", "/campaigns", _body(cases, opens_at=isoformat(opens), closes_at=isoformat(opens + timedelta(days=3))), token=moderator_token
    ).get_json()["campaign"]
    key, value = next(iter(change.items()))
    if value == "swap":
        value = [cases[1].id, cases[0].id, cases[2].id]
    elif value == "later":
        value = isoformat(opens + timedelta(days=5 if key == "closes_at" else 1))
    with time_machine.travel(opens, tick=False):
        response = client.api("PATCH", f"/campaigns/{created['id']}", {key: value}, token=moderator_token)
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"]["code"] == "rules_frozen"
        # corrections of the wording stay possible, and repeating the unchanged rules is no change
        response = client.api(
            "PATCH",
            f"/campaigns/{created['id']}",
            {"title": "更正后的标题", "description": "更正", "votes_per_voter": 2, "case_ids": [c.id for c in cases[:3]]},
            token=moderator_token,
        )
        assert response.status_code == 200, response.get_json()
    with time_machine.travel(opens - timedelta(seconds=1), tick=False):
        response = client.api("PATCH", f"/campaigns/{created['id']}", {key: value}, token=moderator_token)
        assert response.status_code == 200, response.get_json()
    with time_machine.travel(opens + timedelta(days=10), tick=False):
        assert client.api("PATCH", f"/campaigns/{created['id']}", {"min_account_age_days": 99}, token=moderator_token).status_code == 409
        assert client.api("PATCH", f"/campaigns/{created['id']}", {"title": "结束后更正"}, token=moderator_token).status_code == 200


def test_patch_refuses_unknown_fields_and_other_roles(app, client, cases, moderator_token):
    created = client.api("POST", "/campaigns", _body(cases), token=moderator_token).get_json()["campaign"]
    response = client.api("PATCH", f"/campaigns/{created['id']}", {"turnout": 1000}, token=moderator_token)
    assert response.status_code == 400 and "turnout" in response.get_json()["error"]["fields"]
    citizen = factories.token(app, factories.user(app))
    assert client.api("PATCH", f"/campaigns/{created['id']}", {"title": "x"}, token=citizen).status_code == 403
    assert client.api("PATCH", f"/campaigns/{created['id']}", {"title": "x"}).status_code == 401
    assert client.api("PATCH", "/campaigns/424242", {"title": "x"}, token=moderator_token).status_code == 404
    assert client.api("PATCH", f"/campaigns/{created['id']}", {"title": None}, token=moderator_token).status_code == 400


def test_state_follows_the_clock(app, client, cases):
    opens = utcnow().replace(microsecond=0) + timedelta(days=1)
    campaign = fc.campaign(app, cases[:2], opens_at=opens, closes_at=opens + timedelta(days=1))
    for moment, state in (
        (opens - timedelta(seconds=1), "upcoming"),
        (opens, "open"),
        (opens + timedelta(days=1) - timedelta(seconds=1), "open"),
        (opens + timedelta(days=1), "closed"),
    ):
        with time_machine.travel(moment, tick=False):
            assert client.get(f"/api/v1/campaigns/{campaign.id}").get_json()["state"] == state


# --- pages -------------------------------------------------------------------------


def _local(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_moderator_creates_and_edits_campaign_on_pages(app, moderator_client, cases):
    html = moderator_client.get("/campaigns/new").get_data(as_text=True)
    assert all(f'value="{case.id}"' in html for case in cases)
    opens = utcnow().replace(second=0, microsecond=0) + timedelta(days=1)
    form = {
        "title": "页面创建的投票",
        "description": "说明",
        "opens_at": _local(opens),
        "closes_at": _local(opens + timedelta(days=7)),
        "case_ids": [cases[0].id, cases[1].id],
        "votes_per_voter": "1",
        "min_account_age_days": "0",
        "results": "live",
    }
    response = moderator_client.submit("/campaigns/new", form, form_page="/campaigns/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    campaign_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.opens_at == opens.astimezone(timezone.utc) and campaign.results_visibility == "live"
        assert campaign.require_verified is False
    assert _ballot(app, campaign_id) == [cases[0].id, cases[1].id]

    edit = moderator_client.get(f"/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert 'name="votes_per_voter"' in edit and f'value="{_local(opens)}"' in edit
    response = moderator_client.submit(f"/campaigns/{campaign_id}/edit", {**form, "case_ids": [c.id for c in cases[:3]], "votes_per_voter": "3", "require_verified": "y"})
    assert response.status_code == 302
    assert _ballot(app, campaign_id) == [c.id for c in cases[:3]]

    with time_machine.travel(opens + timedelta(hours=1), tick=False):
        edit = moderator_client.get(f"/campaigns/{campaign_id}/edit").get_data(as_text=True)
        assert 'name="votes_per_voter"' not in edit and "候选案例和投票规则已锁定" in edit
        response = moderator_client.submit(f"/campaigns/{campaign_id}/edit", {"title": "投票开始后改标题", "description": "说明"})
        assert response.status_code == 302
        # a stale form that still carries rules cannot change them
        response = moderator_client.submit(f"/campaigns/{campaign_id}/edit", {**form, "votes_per_voter": "1"})
        assert response.status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.title == "页面创建的投票" and campaign.votes_per_voter == 3


def test_campaign_form_shows_errors(app, moderator_client, cases):
    response = moderator_client.submit(
        "/campaigns/new",
        {"title": "", "opens_at": "not a date", "closes_at": "", "case_ids": [cases[0].id], "votes_per_voter": "x", "results": "live"},
        form_page="/campaigns/new",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请给投票活动一个标题" in html and 'aria-invalid="true"' in html
    opens = utcnow() + timedelta(days=1)
    response = moderator_client.submit(
        "/campaigns/new",
        {"title": "t", "opens_at": _local(opens), "closes_at": _local(opens + timedelta(days=1)), "case_ids": [cases[0].id], "votes_per_voter": "1", "results": "live"},
    )
    assert response.status_code == 400 and "请至少选择 2 个" not in response.get_data(as_text=True).split("<main", 1)[0]
    assert "每次投票包含 2 至 50 个案例" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["citizen", "officer"])
def test_campaign_pages_for_moderators_only(app, cases, department, role):
    campaign = fc.campaign(app, cases[:2])
    user = fc.officer_of(app, department) if role == "officer" else factories.user(app)
    client = app.test_client()
    client.login(user.username)
    assert client.get("/campaigns/new").status_code == 403
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403
    assert client.get(f"/campaigns/{campaign.id}/invalidate").status_code == 403
    assert "/campaigns/new" not in client.get("/campaigns").get_data(as_text=True)


def test_index_groups_campaigns_by_state(app, client, cases):
    now = utcnow()
    fc.campaign(app, cases[:2], title="正在进行的投票")
    fc.campaign(app, cases[:2], title="即将开始的投票", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=4))
    html = client.get("/campaigns").get_data(as_text=True)
    assert html.index("正在投票") < html.index("正在进行的投票") < html.index("即将开始") < html.index("即将开始的投票")
