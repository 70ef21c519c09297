"""The state machine: every allowed transition works for its roles, every other one is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.proposals import states
from app.proposals.models import ProposalEvent
from tests import factories_proposals as fp

FORM_TRANSITIONS = {pair: rule for pair, rule in states.TRANSITIONS.items() if rule.via is None}


def _who_token(cast, rule):
    role = sorted(rule.who)[0]
    return role, cast.token(role)


def _audited(proposal_id):
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.target_type == "proposal", AuditEntry.target_id == proposal_id, AuditEntry.action == "proposal.status"
        )
    )


def _status_of(app, proposal_id):
    return fp.reload(app, type("P", (), {"id": proposal_id})()).status


@pytest.mark.parametrize("from_state", states.STATES)
def test_every_transition_from_a_state(app, client, from_state):
    """Allowed pairs give 200 (and a timeline entry, audited for staff); all other targets give 409."""
    cast = fp.Cast(app)
    thread = cast.thread(from_state)
    moderator_token = cast.token("moderator")
    for to_state in states.STATES:
        rule = states.transition(from_state, to_state)
        if rule is not None and rule.via is None:
            continue
        response = client.api("POST", f"/proposals/{thread.id}/status", {"status": to_state, "note": "说明"}, token=moderator_token)
        if to_state == states.MERGED and rule is not None:
            assert response.status_code == 400  # merging needs the target thread
            assert "into" in response.get_json()["error"]["fields"]
        else:
            assert response.status_code == 409, (from_state, to_state, response.get_json())
        assert _status_of(app, thread.id) == from_state
    for (source, to_state), rule in FORM_TRANSITIONS.items():
        if source != from_state:
            continue
        fresh = cast.thread(from_state)
        if to_state == states.REOPENED:
            fp.rate(app, fresh, cast.author, "unsatisfied")
        role, token = _who_token(cast, rule)
        with app.app_context():
            events_before = db.session.scalar(select(func.count(ProposalEvent.id)).where(ProposalEvent.proposal_id == fresh.id))
            audited_before = _audited(fresh.id)
        response = client.api("POST", f"/proposals/{fresh.id}/status", {"status": to_state, "note": "处理说明"}, token=token)
        assert response.status_code == 200, (from_state, to_state, role, response.get_json())
        body = response.get_json()["proposal"]
        assert body["status"] == to_state
        last = body["timeline"][-1]
        assert (last["kind"], last["from_status"], last["to_status"], last["note"]) == ("status_changed", from_state, to_state, "处理说明")
        with app.app_context():
            events_after = db.session.scalar(select(func.count(ProposalEvent.id)).where(ProposalEvent.proposal_id == fresh.id))
            audited = _audited(fresh.id) - audited_before
        assert events_after == events_before + 1
        assert audited == (0 if role == "author" else 1)


@pytest.mark.parametrize("pair", sorted(FORM_TRANSITIONS), ids=lambda pair: f"{pair[0]}-{pair[1]}")
def test_wrong_people_are_refused_for_each_transition(app, client, pair):
    """Everyone not named by the table gets 403 (401 for visitors); nothing changes."""
    from_state, to_state = pair
    rule = FORM_TRANSITIONS[pair]
    cast = fp.Cast(app)
    thread = cast.thread(from_state)
    for who in ("visitor", "citizen", "officer_other", "author", "officer", "moderator"):
        if who in rule.who:
            continue
        if who == "officer" and states.OFFICER in rule.who:
            continue
        response = client.api("POST", f"/proposals/{thread.id}/status", {"status": to_state, "note": "说明"}, token=cast.token(who))
        if from_state == states.PENDING_REVIEW and who in ("visitor", "citizen", "officer_other"):
            expected = 404  # a pending thread does not exist for them
        else:
            expected = {"visitor": 401}.get(who, 403)
        assert response.status_code == expected, (pair, who, response.get_json())
    assert _status_of(app, thread.id) == from_state


@pytest.mark.parametrize("from_state", [states.PENDING_REVIEW, states.OPEN, states.ACKNOWLEDGED, states.IN_PROGRESS, states.REOPENED])
def test_declining_needs_a_note(app, client, from_state):
    cast = fp.Cast(app)
    thread = cast.thread(from_state)
    token = cast.token("moderator")
    for note in (None, "", "   "):
        body = {"status": "declined"} if note is None else {"status": "declined", "note": note}
        response = client.api("POST", f"/proposals/{thread.id}/status", body, token=token)
        assert response.status_code == 400 and "note" in response.get_json()["error"]["fields"]
    response = client.api("POST", f"/proposals/{thread.id}/status", {"status": "declined", "note": "n" * 2001}, token=token)
    assert response.status_code == 400
    assert _status_of(app, thread.id) == from_state


def test_answered_is_reached_only_by_posting_an_answer(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("in_progress")
    response = client.api("POST", f"/proposals/{thread.id}/status", {"status": "answered"}, token=cast.token("officer"))
    assert response.status_code == 409
    response = client.api("POST", f"/proposals/{thread.id}/answers", {"body": "经研究，已安排整改。"}, token=cast.token("officer"))
    assert response.status_code == 201
    assert _status_of(app, thread.id) == "answered"


@pytest.mark.parametrize("from_state", ["open", "acknowledged", "in_progress", "reopened"])
def test_an_answer_moves_the_thread_to_answered(app, client, from_state):
    cast = fp.Cast(app)
    thread = cast.thread(from_state)
    response = client.api("POST", f"/proposals/{thread.id}/answers", {"body": "已经处理完毕。"}, token=cast.token("officer"))
    assert response.status_code == 201
    detail = client.get(f"/api/v1/proposals/{thread.id}").get_json()
    assert detail["status"] == "answered"
    assert detail["timeline"][-1]["kind"] == "answered" and detail["timeline"][-1]["from_status"] == from_state


@pytest.mark.parametrize("from_state", ["pending_review", "closed", "declined", "merged"])
def test_finished_or_pending_threads_cannot_be_answered(app, client, from_state):
    cast = fp.Cast(app)
    thread = cast.thread(from_state)
    response = client.api("POST", f"/proposals/{thread.id}/answers", {"body": "答复内容"}, token=cast.token("officer"))
    assert response.status_code == 409


def test_reopen_only_once_and_only_after_an_unsatisfied_rating(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("answered")
    author = cast.token("author")
    reopen = {"status": "reopened"}
    assert client.api("POST", f"/proposals/{thread.id}/status", reopen, token=author).status_code == 409  # not rated
    assert client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "basically_satisfied"}, token=author).status_code == 200
    assert client.api("POST", f"/proposals/{thread.id}/status", reopen, token=author).status_code == 409  # not unsatisfied
    # a second answer, rated unsatisfied, unlocks the reopen
    client.api("POST", f"/proposals/{thread.id}/answers", {"body": "补充答复"}, token=cast.token("officer"))
    response = client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "unsatisfied"}, token=author)
    assert response.status_code == 200 and response.get_json()["can_reopen"] is True
    assert client.api("POST", f"/proposals/{thread.id}/status", reopen, token=author).status_code == 200
    # the department answers again; the author is unsatisfied again but may not reopen twice
    client.api("POST", f"/proposals/{thread.id}/answers", {"body": "第三次答复"}, token=cast.token("officer"))
    client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "unsatisfied"}, token=author)
    response = client.api("POST", f"/proposals/{thread.id}/status", reopen, token=author)
    assert response.status_code == 409
    assert _status_of(app, thread.id) == "answered"


def test_rating_is_once_per_answer_and_only_by_the_author(app, client):
    cast = fp.Cast(app)
    thread = cast.thread("open")
    author = cast.token("author")
    assert client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "satisfied"}, token=author).status_code == 409
    fp.answer(app, thread, cast.officer)
    for bad in ({}, {"rating": "great"}, {"rating": 5}, {"rating": None}):
        response = client.api("POST", f"/proposals/{thread.id}/answer-rating", bad, token=author)
        assert response.status_code == 400 and "rating" in response.get_json()["error"]["fields"]
    for who, code in (("citizen", 403), ("officer", 403), ("moderator", 403), ("visitor", 401)):
        response = client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "satisfied"}, token=cast.token(who))
        assert response.status_code == code
    assert client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "satisfied"}, token=author).status_code == 200
    assert client.api("POST", f"/proposals/{thread.id}/answer-rating", {"rating": "unsatisfied"}, token=author).status_code == 409
    answers = client.get(f"/api/v1/proposals/{thread.id}").get_json()["official_answers"]
    assert answers[0]["rating"] == "satisfied"


def test_moderator_approval_publishes_and_counts_a_trusted_post(app, client):
    from app.accounts.models import User

    cast = fp.Cast(app)
    thread = cast.thread("pending_review")
    assert thread.status == "pending_review" and thread.next_due_at is None
    response = client.api("POST", f"/proposals/{thread.id}/status", {"status": "open"}, token=cast.token("moderator"))
    assert response.status_code == 200
    body = response.get_json()["proposal"]
    assert body["deadlines"]["pending"] == "acknowledge" and body["next_due_at"] is not None
    with app.app_context():
        assert db.session.get(User, cast.author.id).approved_posts == 1
