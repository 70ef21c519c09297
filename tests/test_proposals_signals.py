"""The signals other features rely on are sent with the documented arguments."""

from __future__ import annotations

from contextlib import contextmanager

from app.events import signal
from app.proposals import signals as names
from tests import factories
from tests import factories_proposals as fp


@contextmanager
def recording():
    seen: list[tuple] = []
    receivers = []
    for name in names.ALL:
        def receiver(sender, _name=name, **kwargs):
            seen.append((_name, sender.id, {k: getattr(v, "id", v) for k, v in kwargs.items()}))
        signal(name).connect(receiver)
        receivers.append((name, receiver))
    try:
        yield seen
    finally:
        for name, receiver in receivers:
            signal(name).disconnect(receiver)


def test_signals_along_a_thread_life(app, client):
    cast = fp.Cast(app)
    with recording() as seen:
        thread = cast.thread("open")
        fp.support(app, thread, cast.citizen)
        client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.other_department.slug, "reason": "转办"}, token=cast.token("officer"))
        client.api("POST", f"/proposals/{thread.id}/answers", {"body": "答复"}, token=factories.token(app, cast.other_officer))
        client.api("PATCH", f"/proposals/{thread.id}", {"title": "不能再修改的标题"}, token=cast.token("author"))
    assert [entry[0] for entry in seen] == [
        "proposal.created", "proposal.published", "proposal.supported", "proposal.transferred",
        "proposal.status_changed", "proposal.answered",
    ]
    by_kind = {}
    for name, sender, kwargs in seen:
        by_kind.setdefault(name, []).append(kwargs)
    assert by_kind["proposal.created"][0]["actor"] == cast.author.id
    assert by_kind["proposal.supported"] == [{"user": cast.citizen.id, "delta": 1}]
    assert by_kind["proposal.transferred"] == [{"from_department_id": cast.department.id, "to_department_id": cast.other_department.id, "actor": cast.officer.id}]
    assert {"old": "open", "new": "answered", "actor": cast.other_officer.id, "note": None} in by_kind["proposal.status_changed"]
    assert by_kind["proposal.answered"][0]["actor"] == cast.other_officer.id
    assert "proposal.updated" not in by_kind  # the edit was refused (the department answered)


def test_pending_thread_signals_published_on_approval(app, client):
    cast = fp.Cast(app)
    with recording() as seen:
        thread = cast.thread("pending_review")
        assert [entry[0] for entry in seen] == ["proposal.created"]
        client.api("POST", f"/proposals/{thread.id}/status", {"status": "open"}, token=cast.token("moderator"))
    assert [entry[0] for entry in seen] == ["proposal.created", "proposal.status_changed", "proposal.published"]


def test_moderator_routes_a_pending_thread_and_the_clock_starts_on_approval(app, client):
    newcomer = factories.user(app, role="citizen")
    cast = fp.Cast(app)
    thread = fp.proposal(app, newcomer, unsure=True)
    assert thread.status == "pending_review" and thread.department_id is None
    moderator = cast.token("moderator")
    response = client.api("POST", f"/proposals/{thread.id}/transfer", {"department": cast.department.slug}, token=moderator)
    assert response.status_code == 200
    body = response.get_json()["proposal"]
    assert body["department"] == cast.department.slug and body["status"] == "pending_review" and body["next_due_at"] is None
    body = client.api("POST", f"/proposals/{thread.id}/status", {"status": "open"}, token=moderator).get_json()["proposal"]
    assert body["deadlines"]["pending"] == "acknowledge" and body["next_due_at"] is not None
