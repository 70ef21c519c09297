"""Casting and withdrawing votes: roles, the window's edges, limits, pages and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.clock import utcnow
from tests import factories
from tests import factories_campaigns as fc


@pytest.fixture
def ballot(app, department):
    """Three published cases of ``department`` and one of another department."""
    other = factories.department(app)
    return [fc.case(app, department), fc.case(app, department), fc.case(app, department), fc.case(app, other)]


VOTE_BUTTON = 'class="button">投票给这个案例'


def _vote(client, campaign, case, token):
    return client.api("POST", f"/campaigns/{campaign.id}/votes", {"case_id": case.id}, token=token)


def _withdraw(client, campaign, case, token):
    return client.api("DELETE", f"/campaigns/{campaign.id}/votes/{case.id}", token=token)


ROLES = {
    # role: (user factory, campaign rules, expected status, expected error code)
    "visitor": (None, {}, 401, "not_authenticated"),
    "citizen": (lambda app, dept: fc.voter(app, verified=False), {}, 201, None),
    "citizen_where_verification_required": (lambda app, dept: fc.voter(app, verified=False), {"require_verified": True}, 403, "verification_required"),
    "verified_citizen": (lambda app, dept: fc.voter(app, verified=True), {"require_verified": True}, 201, None),
    "young_account": (lambda app, dept: fc.voter(app, days_old=5), {"min_account_age_days": 30}, 403, "account_too_new"),
    "old_enough_account": (lambda app, dept: fc.voter(app, days_old=31), {"min_account_age_days": 30}, 201, None),
    "officer_of_the_case_department": (lambda app, dept: fc.officer_of(app, dept), {}, 403, "own_department"),
    "other_officer": (lambda app, dept: fc.officer_of(app, factories.department(app)), {}, 201, None),
    "moderator": (lambda app, dept: factories.user(app, role="moderator"), {}, 201, None),
    "admin": (lambda app, dept: factories.user(app, role="admin", verified=True), {"require_verified": True}, 201, None),
    "suspended": (
        lambda app, dept: fc.voter(app, suspended_until=utcnow() + timedelta(days=2), suspension_reason="恶意刷屏"),
        {},
        403,
        "suspended",
    ),
    "banned": (lambda app, dept: fc.voter(app, banned_at=utcnow(), suspension_reason="违规"), {}, 403, "suspended"),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_vote(app, client, department, ballot, role):
    make_user, rules, status, code = ROLES[role]
    campaign = fc.campaign(app, ballot, votes_per_voter=2, **rules)
    user = make_user(app, department) if make_user else None
    token = factories.token(app, user) if user else None
    response = _vote(client, campaign, ballot[0], token)
    assert response.status_code == status, response.get_json()
    if code:
        error = response.get_json()["error"]
        assert error["code"] == code and error["message"]
    else:
        assert response.get_json()["my_votes"] == [ballot[0].id]
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"][ballot[0].id] == (1 if status == 201 else 0)


def test_messages_say_why(app, client, department, ballot):
    campaign = fc.campaign(app, ballot, require_verified=True, min_account_age_days=30)
    young = factories.token(app, fc.voter(app, days_old=3, verified=True))
    message = _vote(client, campaign, ballot[0], young).get_json()["error"]["message"]
    assert "30 天" in message and "可从" in message
    unverified = factories.token(app, fc.voter(app, verified=False))
    assert "实名认证" in _vote(client, campaign, ballot[0], unverified).get_json()["error"]["message"]
    suspended = factories.token(app, fc.voter(app, suspended_until=utcnow() + timedelta(days=2), suspension_reason="恶意刷屏"))
    assert "恶意刷屏" in _vote(client, campaign, ballot[0], suspended).get_json()["error"]["message"]


def test_officer_may_vote_for_other_departments_cases_only(app, client, department, ballot):
    campaign = fc.campaign(app, ballot, votes_per_voter=2)
    token = factories.token(app, fc.officer_of(app, department))
    assert _vote(client, campaign, ballot[0], token).status_code == 403
    assert _vote(client, campaign, ballot[3], token).status_code == 201


def test_window_edges(app, client, ballot):
    opens = utcnow().replace(microsecond=0) + timedelta(days=1)
    closes = opens + timedelta(days=2)
    campaign = fc.campaign(app, ballot, opens_at=opens, closes_at=closes, votes_per_voter=3)
    token = factories.token(app, fc.voter(app))
    with time_machine.travel(opens - timedelta(seconds=1), tick=False):
        response = _vote(client, campaign, ballot[0], token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "voting_not_open"
        assert "尚未开始" in response.get_json()["error"]["message"]
        assert _withdraw(client, campaign, ballot[0], token).status_code == 409
    with time_machine.travel(opens, tick=False):
        assert _vote(client, campaign, ballot[0], token).status_code == 201
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        assert _vote(client, campaign, ballot[1], token).status_code == 201
        assert _withdraw(client, campaign, ballot[1], token).status_code == 200
    with time_machine.travel(closes, tick=False):
        response = _vote(client, campaign, ballot[2], token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "voting_closed"
        assert "已结束" in response.get_json()["error"]["message"]
        response = _withdraw(client, campaign, ballot[0], token)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "voting_closed"
        assert client.api("GET", f"/campaigns/{campaign.id}", token=token).get_json()["my_votes"] == [ballot[0].id]
    fc.assert_counts_consistent(app, campaign.id)


def test_limits_twice_and_ballot(app, client, department, ballot):
    campaign = fc.campaign(app, ballot, votes_per_voter=2)
    outsider = fc.case(app, department)
    token = factories.token(app, fc.voter(app))
    assert _vote(client, campaign, ballot[0], token).get_json() == {"my_votes": [ballot[0].id], "votes_left": 1}
    response = _vote(client, campaign, ballot[0], token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_voted"
    assert _vote(client, campaign, ballot[1], token).get_json() == {"my_votes": [ballot[0].id, ballot[1].id], "votes_left": 0}
    response = _vote(client, campaign, ballot[2], token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "vote_limit_reached"
    assert "2 票已全部用完" in response.get_json()["error"]["message"]
    response = _vote(client, campaign, ballot[1], token)  # at the limit and twice: the clearer message
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_voted"
    response = _vote(client, campaign, outsider, token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_on_ballot"
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"] == {ballot[0].id: 1, ballot[1].id: 1, ballot[2].id: 0, ballot[3].id: 0}
    assert counts["turnout"] == 1


@pytest.mark.parametrize(
    "body,status",
    [({}, 400), ({"case_id": "1"}, 400), ({"case_id": None}, 400), ({"case_id": 1.5}, 400), ({"case_id": True}, 400),
     ({"case_id": 2**40}, 409), ({"case_id": -1}, 409), ({"case_id": 2**60}, 400)],
)
def test_bad_vote_input(app, client, ballot, body, status):
    campaign = fc.campaign(app, ballot)
    response = client.api("POST", f"/campaigns/{campaign.id}/votes", body, token=factories.token(app, fc.voter(app)))
    assert response.status_code == status, response.get_json()


def test_insert_or_ignore_tells_inserted_from_ignored(app, ballot):
    """The shared helper the vote relies on (PostgreSQL once answered "inserted" for ignored rows)."""
    from app.campaigns.models import Ballot, Vote
    from app.database import insert_or_ignore
    from app.extensions import db

    campaign = fc.campaign(app, ballot)
    voter = fc.voter(app)
    with app.app_context():
        ballot_row = {"campaign_id": campaign.id, "user_id": voter.id, "votes_used": 0, "created_at": utcnow()}
        vote_row = {"campaign_id": campaign.id, "user_id": voter.id, "case_id": ballot[0].id, "created_at": utcnow()}
        assert insert_or_ignore(db.session, Ballot, ballot_row) is True
        assert insert_or_ignore(db.session, Ballot, ballot_row) is False
        assert insert_or_ignore(db.session, Vote, vote_row) is True  # a table with an autoincrement id
        assert insert_or_ignore(db.session, Vote, vote_row) is False
        db.session.rollback()


def test_unknown_campaign_is_404(app, client, ballot):
    token = factories.token(app, fc.voter(app))
    assert client.api("POST", "/campaigns/424242/votes", {"case_id": ballot[0].id}, token=token).status_code == 404
    assert client.api("DELETE", f"/campaigns/424242/votes/{ballot[0].id}", token=token).status_code == 404
    assert client.api("POST", f"/campaigns/{2**40}/votes", {"case_id": 1}, token=token).status_code == 404
    assert client.get(f"/api/v1/campaigns/{2**70}").status_code == 404
    assert client.get(f"/campaigns/{2**70}").status_code == 404


def test_withdraw_and_vote_again(app, client, ballot):
    campaign = fc.campaign(app, ballot, votes_per_voter=2)
    token = factories.token(app, fc.voter(app))
    _vote(client, campaign, ballot[0], token)
    _vote(client, campaign, ballot[1], token)
    response = _withdraw(client, campaign, ballot[0], token)
    assert response.status_code == 200 and response.get_json() == {"my_votes": [ballot[1].id], "votes_left": 1}
    # idempotent: withdrawing a vote one does not hold changes nothing
    assert _withdraw(client, campaign, ballot[0], token).get_json()["my_votes"] == [ballot[1].id]
    assert _vote(client, campaign, ballot[2], token).status_code == 201
    assert _vote(client, campaign, ballot[0], token).status_code == 409
    assert _withdraw(client, campaign, ballot[2], token).status_code == 200
    assert _vote(client, campaign, ballot[0], token).status_code == 201
    data = client.api("GET", f"/campaigns/{campaign.id}", token=token).get_json()
    assert data["my_votes"] == [ballot[1].id, ballot[0].id] and data["votes_left"] == 0
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"] == {ballot[0].id: 1, ballot[1].id: 1, ballot[2].id: 0, ballot[3].id: 0}


def test_turnout_counts_voters_with_a_valid_vote(app, client, ballot):
    campaign = fc.campaign(app, ballot, votes_per_voter=2, results="live")
    first, second = factories.token(app, fc.voter(app)), factories.token(app, fc.voter(app))
    _vote(client, campaign, ballot[0], first)
    _vote(client, campaign, ballot[1], first)
    _vote(client, campaign, ballot[0], second)
    assert client.get(f"/api/v1/campaigns/{campaign.id}/results").get_json()["turnout"] == 2
    _withdraw(client, campaign, ballot[0], second)
    assert client.get(f"/api/v1/campaigns/{campaign.id}/results").get_json()["turnout"] == 1
    _withdraw(client, campaign, ballot[0], first)
    assert client.get(f"/api/v1/campaigns/{campaign.id}/results").get_json()["turnout"] == 1
    fc.assert_counts_consistent(app, campaign.id)


@pytest.mark.parametrize("role", ["visitor", "suspended"])
def test_withdraw_refusals(app, client, ballot, role):
    campaign = fc.campaign(app, ballot)
    user = fc.voter(app)
    fc.vote(app, campaign, user, ballot[0])
    token = None
    if role == "suspended":
        from app.accounts.models import User
        from app.extensions import db

        with app.app_context():
            db.session.get(User, user.id).suspended_until = utcnow() + timedelta(days=1)
            db.session.commit()
        token = factories.token(app, user)
    assert _withdraw(client, campaign, ballot[0], token).status_code == (401 if role == "visitor" else 403)
    assert fc.assert_counts_consistent(app, campaign.id)["per_case"][ballot[0].id] == 1


def test_withdraw_of_a_case_not_on_the_ballot_is_409(app, client, department, ballot):
    campaign = fc.campaign(app, ballot)
    outsider = fc.case(app, department)
    assert _withdraw(client, campaign, outsider, factories.token(app, fc.voter(app))).status_code == 409


# --- query counts --------------------------------------------------------------------


def _busy_campaign(app, department, cases: int, voters: int):
    items = [fc.case(app, department) for _ in range(cases)]
    campaign = fc.campaign(app, items, votes_per_voter=2, results="live")
    for index in range(voters):
        fc.vote(app, campaign, fc.voter(app), items[index % cases])
    return campaign, items


def test_casting_a_vote_runs_a_constant_small_number_of_queries(app, client, department, count_queries):
    counts = []
    for cases, voters in ((2, 0), (12, 30)):
        campaign, items = _busy_campaign(app, department, cases, voters)
        token = factories.token(app, fc.voter(app))
        with count_queries() as first:
            assert _vote(client, campaign, items[0], token).status_code == 201
        with count_queries() as second:
            assert _vote(client, campaign, items[1], token).status_code == 201
        with count_queries() as withdraw:
            assert _withdraw(client, campaign, items[1], token).status_code == 200
        counts.append((first.count, second.count, withdraw.count))
    print('VOTE QUERY COUNTS', counts)
    assert counts[0] == counts[1], counts
    first, second, withdraw = counts[0]
    # token, campaign, case on the ballot, ballot insert + lock, vote, three counters, my votes
    assert first <= 10 and second == first - 1 and withdraw <= 9, counts


def test_campaign_page_and_api_run_a_constant_number_of_queries(app, client, department, count_queries):
    small, small_cases = _busy_campaign(app, department, 2, 1)
    large, large_cases = _busy_campaign(app, department, 12, 40)
    voter = fc.voter(app)
    fc.vote(app, small, voter, small_cases[0])
    fc.vote(app, large, voter, large_cases[0])
    signed_in = app.test_client()
    signed_in.login(voter.username)
    for viewer in (client, signed_in):
        for path in ("/campaigns/{id}", "/api/v1/campaigns/{id}", "/api/v1/campaigns/{id}/results"):
            with count_queries() as few:
                assert viewer.get(path.format(id=small.id)).status_code == 200
            with count_queries() as many:
                assert viewer.get(path.format(id=large.id)).status_code == 200
            assert few.count == many.count <= 10, (path, few, many)
    with count_queries() as index:
        assert client.get("/campaigns").status_code == 200
    assert index.count <= 3


# --- pages ------------------------------------------------------------------------------


def test_voting_on_the_page(app, ballot):
    campaign = fc.campaign(app, ballot, votes_per_voter=2)
    voter = fc.voter(app)
    client = app.test_client()
    client.login(voter.username)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert html.count(VOTE_BUTTON) == 4 and "还剩 2 票" in html

    response = client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[0].id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#case-{ballot[0].id}")
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "投票成功" in html and "您已投票给这个案例" in html and "还剩 1 票" in html and "撤回我的投票" in html

    client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[1].id)})
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert VOTE_BUTTON not in html and "您的票已用完" in html

    response = client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[2].id)})
    assert response.status_code == 302
    assert "票已全部用完" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)

    client.submit(f"/campaigns/{campaign.id}/votes/{ballot[0].id}/withdraw")
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "已撤回投票" in html and "还剩 1 票" in html
    assert client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": "not-a-number"}).status_code == 302
    counts = fc.assert_counts_consistent(app, campaign.id)
    assert counts["per_case"] == {ballot[0].id: 0, ballot[1].id: 1, ballot[2].id: 0, ballot[3].id: 0}


def test_page_explains_who_may_not_vote(app, department, ballot):
    campaign = fc.campaign(app, ballot, require_verified=True)
    officer = fc.officer_of(app, department, verified=True)
    client = app.test_client()
    client.login(officer.username)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert html.count("部门工作人员不能给本部门的案例投票") >= 3 and html.count(VOTE_BUTTON) == 1
    response = client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[0].id)})
    assert response.status_code == 302
    assert "部门工作人员不能给本部门的案例投票" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)

    unverified = app.test_client()
    unverified.login(fc.voter(app, verified=False).username)
    html = unverified.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "本次投票仅限实名认证账号参加" in html and VOTE_BUTTON not in html


def test_visitor_sees_sign_in_prompt_and_cannot_post(app, client, ballot):
    campaign = fc.campaign(app, ballot)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "登录后投票" in html and VOTE_BUTTON not in html
    response = client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[0].id)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fc.assert_counts_consistent(app, campaign.id)["turnout"] == 0


def test_page_vote_outside_window_shows_the_reason(app, ballot):
    opens = utcnow() + timedelta(days=1)
    campaign = fc.campaign(app, ballot, opens_at=opens, closes_at=opens + timedelta(days=1))
    client = app.test_client()
    client.login(fc.voter(app).username)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "投票将于" in html and VOTE_BUTTON not in html
    client.submit(f"/campaigns/{campaign.id}/votes", {"case_id": str(ballot[0].id)})
    assert "投票尚未开始" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
