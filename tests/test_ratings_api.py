"""The ratings API: who may rate, answer and confirm; bad input; lists and summaries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ratings.models import Rating, RectificationCase
from tests import factories
from tests import factories_ratings as fr


@pytest.fixture
def w(app):
    return fr.world(app)


def _token(app, w, role):
    return None if role == "visitor" else factories.token(app, getattr(w, role))


def _rating_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Rating.id)))


def _audit_actions(app) -> list[str]:
    """The audit log's ratings entries (factories log departments and services too)."""
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        return [action for action in actions if action.startswith(("rating", "rectification"))]


# --- rating ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "role,status,code",
    [
        ("visitor", 401, "not_authenticated"),
        ("citizen", 201, None),
        ("officer", 403, "forbidden"),  # the service's own department
        ("other_officer", 201, None),
        ("moderator", 201, None),
        ("admin", 201, None),
        ("suspended", 403, "suspended"),
        ("banned", 403, "suspended"),
    ],
)
def test_who_may_rate_a_service(client, app, w, role, status, code):
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 4, "comment": "很方便"}, token=_token(app, w, role))
    assert response.status_code == status, response.get_json()
    if code:
        assert response.get_json()["error"]["code"] == code
        assert _rating_count(app) == 0
        assert fr.stats(app, w.service)["count"] == 0
    else:
        rating = response.get_json()["rating"]
        assert rating["score"] == 4 and rating["label"] == "满意" and rating["comment"] == "很方便"
        assert rating["counted"] is True and rating["rectification"] is None
        assert "user_id" not in rating and rating["rater"].endswith("**")
        assert fr.stats(app, w.service) == {"count": 1, "total": 4, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0}


def test_suspended_account_learns_why(client, app, w):
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 5}, token=_token(app, w, "suspended"))
    assert "广告刷屏" in response.get_json()["error"]["message"]


def test_officer_message_names_the_rule(client, app, w):
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 5}, token=_token(app, w, "officer"))
    assert response.get_json()["error"]["message"] == "部门工作人员不能评价本部门的服务事项。"


def test_rating_without_comment_and_blank_comment(client, app, w):
    token = _token(app, w, "citizen")
    assert client.api("POST", f"/services/{w.service.id}/ratings", {"score": 3}, token=token).get_json()["rating"]["comment"] is None
    body = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 3, "comment": "   "}, token=token).get_json()
    assert body["rating"]["comment"] is None and body["replaced"] is not None


def test_session_cookie_needs_csrf_for_posting(app, w):
    client = app.test_client()
    client.login(w.citizen.username)
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 4})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 4}, headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"score": 0}, {"score"}),
        ({"score": 6}, {"score"}),
        ({"score": -1}, {"score"}),
        ({"score": "5"}, {"score"}),
        ({"score": 4.5}, {"score"}),
        ({"score": 5.0}, {"score"}),
        ({"score": True}, {"score"}),
        ({"score": None}, {"score"}),
        ({"score": [5]}, {"score"}),
        ({"score": 10**30}, {"score"}),
        ({}, {"score"}),
        ({"comment": "好"}, {"score"}),
        ({"score": 4, "comment": "长" * 1001}, {"comment"}),
        ({"score": 4, "comment": 5}, {"comment"}),
        ({"score": 4, "comment": ["x"]}, {"comment"}),
        ({"score": 4, "comment": {"a": 1}}, {"comment"}),
        ({"score": 4, "comment": "bad\x00byte"}, {"comment"}),
        ({"score": "x", "comment": 1}, {"score", "comment"}),
    ],
)
def test_bad_rating_input_is_400_and_changes_nothing(client, app, w, body, fields):
    response = client.api("POST", f"/services/{w.service.id}/ratings", body, token=_token(app, w, "citizen"))
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and set(error["fields"]) == fields
    assert _rating_count(app) == 0 and fr.stats(app, w.service)["count"] == 0


def test_comment_of_exactly_1000_characters_is_accepted(client, app, w):
    response = client.api("POST", f"/services/{w.service.id}/ratings", {"score": 2, "comment": "长" * 1000}, token=_token(app, w, "citizen"))
    assert response.status_code == 201 and len(response.get_json()["rating"]["comment"]) == 1000


@pytest.mark.parametrize(
    "raw,content_type",
    [(b"{not json", "application/json"), (b"[1, 2]", "application/json"), (b"score=5", "application/x-www-form-urlencoded")],
)
def test_malformed_bodies_are_400(client, app, w, raw, content_type):
    token = _token(app, w, "citizen")
    response = client.post(
        f"/api/v1/services/{w.service.id}/ratings", data=raw, headers={"Authorization": f"Bearer {token}", "Content-Type": content_type}
    )
    assert response.status_code == 400 and _rating_count(app) == 0


def test_unknown_service_is_404_and_changes_nothing(client, app, w):
    token = _token(app, w, "citizen")
    for path in ("/services/999999/ratings", "/services/abc/ratings", "/services/-1/ratings"):
        response = client.api("POST", path, {"score": 5}, token=token)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/services/999999/rating-summary").status_code == 404
    assert client.get("/api/v1/services/999999/ratings").status_code == 404
    assert _rating_count(app) == 0


# --- rectification ----------------------------------------------------------------

@pytest.mark.parametrize(
    "role,status",
    [
        ("visitor", 401),
        ("citizen", 403),  # the rater
        ("citizen2", 403),
        ("officer", 201),
        ("other_officer", 403),
        ("moderator", 403),
        ("admin", 403),
    ],
)
def test_who_may_answer_a_case(client, app, w, role, status):
    rating = fr.rating(app, w.service, w.citizen, 2, "材料清单和窗口要求不一致")
    response = client.api("POST", f"/ratings/{rating.id}/rectification", {"body": "已更新材料清单"}, token=_token(app, w, role))
    assert response.status_code == status, response.get_json()
    case = fr.case_of(app, rating)
    if status == 201:
        body = response.get_json()["rectification"]
        assert body["state"] == "rectified" and body["note"] == "已更新材料清单" and body["rectified_on_time"] is True
        assert case.status == "rectified" and case.rectified_by_id == w.officer.id
        assert _audit_actions(app) == ["rectification.answer"]
        with app.app_context():
            entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rectification.answer"))
            assert (entry.actor_id, entry.actor_role, entry.actor_department_id) == (w.officer.id, "officer", w.dept.id)
            assert (entry.target_type, entry.target_id, entry.subject_user_id) == ("rectification", case.id, w.citizen.id)
            assert entry.before == {"status": "open"} and entry.after["status"] == "rectified"
    else:
        assert case.status == "open" and case.note is None
        assert "rectification.answer" not in _audit_actions(app)


def test_suspended_officer_may_not_answer(client, app, w):
    rating = fr.rating(app, w.service, w.citizen, 1)
    with app.app_context():
        from datetime import timedelta

        from app.accounts.models import User
        from app.clock import utcnow

        db.session.get(User, w.officer.id).suspended_until = utcnow() + timedelta(days=1)
        db.session.commit()
    response = client.api("POST", f"/ratings/{rating.id}/rectification", {"body": "已整改"}, token=_token(app, w, "officer"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"
    assert fr.case_of(app, rating).status == "open"


def test_answer_conflicts(client, app, w):
    token = _token(app, w, "officer")
    good = fr.rating(app, w.service, w.citizen, 4)
    response = client.api("POST", f"/ratings/{good.id}/rectification", {"body": "谢谢"}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_case"
    bad = fr.rating(app, w.service, w.citizen2, 1)
    assert client.api("POST", f"/ratings/{bad.id}/rectification", {"body": "已整改"}, token=token).status_code == 201
    response = client.api("POST", f"/ratings/{bad.id}/rectification", {"body": "再次整改"}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_answered"
    assert fr.case_of(app, bad).note == "已整改"
    assert client.api("POST", "/ratings/999999/rectification", {"body": "x"}, token=token).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"body": ""}, {"body": "   \n "}, {"body": None}, {"body": 42}, {"body": ["整改"]}, {"body": "长" * 5001}, {"body": "a\x00b"}],
)
def test_bad_rectification_input_is_400(client, app, w, body):
    rating = fr.rating(app, w.service, w.citizen, 2)
    response = client.api("POST", f"/ratings/{rating.id}/rectification", body, token=_token(app, w, "officer"))
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"body"}
    case = fr.case_of(app, rating)
    assert case.status == "open" and case.note is None and _audit_actions(app) == []


# --- confirmation -----------------------------------------------------------------

@pytest.mark.parametrize(
    "role,status",
    [("visitor", 401), ("citizen", 200), ("citizen2", 403), ("officer", 403), ("other_officer", 403), ("moderator", 403), ("admin", 403)],
)
def test_only_the_rater_confirms(client, app, w, role, status):
    rating = fr.rating(app, w.service, w.citizen, 2)
    fr.answer(app, rating, w.officer)
    response = client.api("POST", f"/ratings/{rating.id}/confirmation", {"resolved": False}, token=_token(app, w, role))
    assert response.status_code == status
    case = fr.case_of(app, rating)
    if status == 200:
        assert response.get_json()["rectification"]["state"] == "unresolved"
        assert case.status == "unresolved" and case.resolved is False and case.confirmed_at is not None
    else:
        assert case.status == "rectified" and case.confirmed_at is None


def test_suspended_rater_may_not_confirm(client, app, w):
    rating = fr.rating(app, w.service, w.citizen, 2)
    fr.answer(app, rating, w.officer)
    with app.app_context():
        from app.accounts.models import User
        from app.clock import utcnow

        db.session.get(User, w.citizen.id).banned_at = utcnow()
        db.session.commit()
    response = client.api("POST", f"/ratings/{rating.id}/confirmation", {"resolved": True}, token=_token(app, w, "citizen"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "suspended"
    assert fr.case_of(app, rating).status == "rectified"


def test_confirmation_conflicts(client, app, w):
    token = _token(app, w, "citizen")
    good = fr.rating(app, w.service, w.citizen, 5)
    response = client.api("POST", f"/ratings/{good.id}/confirmation", {"resolved": True}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_case"
    bad = fr.rating(app, w.other_service, w.citizen, 1)
    response = client.api("POST", f"/ratings/{bad.id}/confirmation", {"resolved": True}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_answered"
    fr.answer(app, bad, w.other_officer)
    assert client.api("POST", f"/ratings/{bad.id}/confirmation", {"resolved": True}, token=token).status_code == 200
    response = client.api("POST", f"/ratings/{bad.id}/confirmation", {"resolved": False}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_confirmed"
    assert fr.case_of(app, bad).resolved is True


@pytest.mark.parametrize("body", [{}, {"resolved": None}, {"resolved": "true"}, {"resolved": 1}, {"resolved": "yes"}, {"resolved": [True]}])
def test_bad_confirmation_input_is_400(client, app, w, body):
    rating = fr.rating(app, w.service, w.citizen, 2)
    fr.answer(app, rating, w.officer)
    response = client.api("POST", f"/ratings/{rating.id}/confirmation", body, token=_token(app, w, "citizen"))
    assert response.status_code == 400 and set(response.get_json()["error"]["fields"]) == {"resolved"}
    assert fr.case_of(app, rating).status == "rectified"


# --- reading ----------------------------------------------------------------------

def test_list_and_summary_mask_names_and_personal_information(client, app, w):
    fr.rating(app, w.service, w.citizen, 5, "窗口很好，有事打我电话13812345678或写信到wang@example.com")
    fr.rating(app, w.service, w.citizen2, 2, "身份证号110101199003074514被要求复印三次")
    fr.rating(app, w.service, w.moderator, 4)
    body = client.get(f"/api/v1/services/{w.service.id}/ratings").get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 20
    text = str(body)
    assert "13812345678" not in text and "wang@example.com" not in text and "110101199003074514" not in text
    assert "138****5678" in text and "w***@example.com" in text and "110***********4514" in text
    assert {item["rater"] for item in body["items"]} == {"王**", "李**", "m****"}
    assert "王晓明" not in text and all("user_id" not in item and "user" not in item for item in body["items"])
    bad = next(item for item in body["items"] if item["score"] == 2)
    assert bad["rectification"]["state"] == "open"
    summary = client.get(f"/api/v1/services/{w.service.id}/rating-summary").get_json()
    assert summary == {"count": 3, "mean": 3.67, "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}}
    assert client.get(f"/api/v1/services/{w.other_service.id}/rating-summary").get_json() == {
        "count": 0, "mean": None, "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    }
    with app.app_context():  # stored raw
        assert "13812345678" in db.session.scalar(select(Rating.comment).where(Rating.score == 5))


def test_list_paginates_and_bounds_arguments(client, app, w):
    fr.many_ratings(app, w.service, [5, 4, 3, 2, 1] * 5)
    body = client.get(f"/api/v1/services/{w.service.id}/ratings?per_page=10&page=3").get_json()
    assert body["total"] == 25 and len(body["items"]) == 5 and body["page"] == 3
    assert client.get(f"/api/v1/services/{w.service.id}/ratings?per_page=100000").get_json()["per_page"] == 100
    assert client.get(f"/api/v1/services/{w.service.id}/ratings?page=abc").status_code == 400
    assert client.get(f"/api/v1/services/{w.service.id}/ratings?page=0").status_code == 400


def test_replaced_ratings_leave_the_list_but_stay_readable(client, app, w):
    first = fr.rating(app, w.service, w.citizen, 2)
    second = fr.rating(app, w.service, w.citizen, 4)
    items = client.get(f"/api/v1/services/{w.service.id}/ratings").get_json()["items"]
    assert [item["id"] for item in items] == [second.id]
    old = client.get(f"/api/v1/ratings/{first.id}").get_json()["rating"]
    assert old["counted"] is False and old["replaced_by"] == second.id
    assert old["rectification"]["state"] == "withdrawn"
    assert client.get("/api/v1/ratings/999999").status_code == 404


def test_rectifications_list_filters(client, app, w):
    a = fr.rating(app, w.service, w.citizen, 1)
    fr.rating(app, w.other_service, w.citizen2, 2)
    fr.answer(app, a, w.officer)
    body = client.get("/api/v1/rectifications").get_json()
    assert body["total"] == 2
    body = client.get("/api/v1/rectifications?department=zj-gat&state=rectified").get_json()
    assert body["total"] == 1 and body["items"][0]["department"] == "zj-gat"
    assert body["items"][0]["rectification"]["note"].startswith("已核实")
    assert client.get("/api/v1/rectifications?state=open").get_json()["total"] == 1
    assert client.get("/api/v1/rectifications?state=overdue").get_json()["total"] == 0
    response = client.get("/api/v1/rectifications?state=nonsense")
    assert response.status_code == 400 and "state" in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/rectifications?department=nope").status_code == 400


def test_openapi_documents_the_ratings_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/services/{service_id}/ratings"]
    assert "get" in paths["/api/v1/services/{service_id}/ratings"]
    assert "get" in paths["/api/v1/services/{service_id}/rating-summary"]
    assert "post" in paths["/api/v1/ratings/{rating_id}/rectification"]
    assert "post" in paths["/api/v1/ratings/{rating_id}/confirmation"]
    with_case = paths["/api/v1/ratings/{rating_id}/rectification"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(with_case)


def test_case_is_stored_with_the_department_and_rater(app, w):
    rating = fr.rating(app, w.service, w.citizen, 1)
    with app.app_context():
        case = db.session.scalar(select(RectificationCase))
        assert (case.rating_id, case.department_id, case.service_id, case.user_id) == (rating.id, w.dept.id, w.service.id, w.citizen.id)
        assert rating.department_id == w.dept.id


HOSTILE_VALUES = [
    "", " ", "\u202e\u202d", "𠜎𠜱𠝹", "<script>alert(1)</script>", "' OR 1=1 --", "${7*7}", "{{7*7}}", "\ud83d\ude00",
    "\ud800", "a\udfffb", "null", "true", "5", "1e999", -0.0, 1e308, -(2**63), 2**64, 0, 3, [], {}, [None], {"score": 5}, False, None,
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_hostile_values_in_every_field_never_break_the_api(client, app, w, value):
    citizen, officer = _token(app, w, "citizen"), _token(app, w, "officer")
    bad = fr.rating(app, w.service, w.citizen2, 2)
    for path, body, token in [
        (f"/services/{w.service.id}/ratings", {"score": value}, citizen),
        (f"/services/{w.service.id}/ratings", {"score": 3, "comment": value}, citizen),
        (f"/ratings/{bad.id}/rectification", {"body": value}, officer),
        (f"/ratings/{bad.id}/confirmation", {"resolved": value}, _token(app, w, "citizen2")),
    ]:
        response = client.api("POST", path, body, token=token)
        assert response.status_code in (200, 201, 400, 409), (path, value, response.get_json())
        assert response.is_json
