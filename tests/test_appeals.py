"""Appeals: the author of a hidden item appeals once; it waits in the queue; a moderator
restores or upholds with a reason; the author is told."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.moderation.models import Appeal
from app.notifications.models import Notification
from tests import factories
from tests import factories_moderation as fm


def _appeal(client, token, target_type, target_id, text="我认为隐藏有误"):
    return client.api("POST", "/appeals", {"target_type": target_type, "target_id": target_id, "text": text}, token=token)


def _notices(app, user_id):
    from app.notifications.services import render_text

    with app.app_context():
        return [(n.kind, render_text(n)) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == "moderation.appeal_decided"))]


def test_appeal_once_and_the_moderator_restores(app, client):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "被误伤的评论")
    author = factories.token(app, s.citizens[0])
    response = _appeal(client, author, "comment", comment.id)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_hidden"
    fm.moderate(app, s.moderator, "comment", comment.id, "hide", "疑似广告")
    assert _appeal(client, factories.token(app, s.citizens[1]), "comment", comment.id).status_code == 403
    assert _appeal(client, None, "comment", comment.id).status_code == 401
    response = _appeal(client, author, "comment", comment.id, "")
    assert response.status_code == 400 and "text" in response.get_json()["error"]["fields"]
    response = _appeal(client, author, "comment", comment.id, "这是正常的办事经验分享，不是广告。")
    assert response.status_code == 201
    appeal = response.get_json()["appeal"]
    assert appeal["status"] == "pending"
    response = _appeal(client, author, "comment", comment.id, "再申诉一次")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_appealed"
    moderator = app.test_client()
    moderator.login(s.moderator.username)
    html = moderator.get("/moderation?tab=appeals").get_data(as_text=True)
    assert "这是正常的办事经验分享，不是广告。" in html and "疑似广告" in html and f"queue-comment-{comment.id}" in html
    response = moderator.submit(f"/moderation/appeals/{appeal['id']}/decision", {"decision": "restore", "reason": ""})
    assert "请填写理由" in moderator.get(response.headers["Location"]).get_data(as_text=True)
    response = moderator.submit(f"/moderation/appeals/{appeal['id']}/decision", {"decision": "restore", "reason": "复核后确认不是广告"})
    assert response.status_code == 303
    assert fm.reload(app, comment).hidden_at is None
    assert "被误伤的评论" in client.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Appeal, appeal["id"])
        assert stored.status == "restored" and stored.decision_reason == "复核后确认不是广告" and stored.decided_by_id == s.moderator.id
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions[-2:] == ["moderation.restore", "moderation.appeal_restored"]
    [(kind, text)] = _notices(app, s.citizens[0].id)
    assert "申诉已被采纳" in text and "复核后确认不是广告" in text
    assert moderator.submit(f"/moderation/appeals/{appeal['id']}/decision", {"decision": "uphold", "reason": "x"}).status_code == 303
    response = client.api("POST", f"/appeals/{appeal['id']}/decision", {"decision": "uphold", "reason": "x"},
                          token=factories.token(app, s.moderator))
    assert response.status_code == 409


def test_the_moderator_upholds_the_hide(app, client):
    s = fm.Scene(app)
    fm.moderate(app, s.moderator, "proposal", s.thread.id, "hide", "与政务无关")
    author = app.test_client()
    author.login(s.author.username)
    html = author.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert 'id="appeal-text"' in html and 'action="/moderation/appeals"' in html  # the form sits on the hidden thread
    link = f"/moderation/appeals/new?target_type=proposal&amp;target_id={s.thread.id}"
    form = author.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "与政务无关" in form and 'name="text"' in form
    response = author.submit("/moderation/appeals", {"target_type": "proposal", "target_id": str(s.thread.id), "text": ""})
    assert response.status_code == 400
    response = author.submit("/moderation/appeals", {"target_type": "proposal", "target_id": str(s.thread.id), "text": "这与公积金政策有关"})
    assert response.status_code == 303
    form = author.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "您已于" in form and 'name="text"' not in form  # once only
    html = author.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert "您已于" in html and 'id="appeal-text"' not in html
    appeal_id = client.api("POST", "/appeals", {"target_type": "proposal", "target_id": s.thread.id, "text": "二次"},
                           token=factories.token(app, s.author)).status_code
    assert appeal_id == 409
    with app.app_context():
        appeal = db.session.scalar(select(Appeal))
    token = factories.token(app, s.moderator)
    response = client.api("POST", f"/appeals/{appeal.id}/decision", {"decision": "maybe", "reason": "x"}, token=token)
    assert response.status_code == 400 and "decision" in response.get_json()["error"]["fields"]
    response = client.api("POST", f"/appeals/{appeal.id}/decision", {"decision": "uphold", "reason": "内容确实与政务服务无关"}, token=token)
    assert response.status_code == 200 and response.get_json()["appeal"]["status"] == "upheld"
    with app.app_context():
        from app.proposals.models import Proposal

        assert db.session.get(Proposal, s.thread.id).hidden_at is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.appeal_upheld"))
        assert entry.reason == "内容确实与政务服务无关" and entry.subject_user_id == s.author.id
    [(kind, text)] = _notices(app, s.author.id)
    assert "未被采纳" in text and "内容确实与政务服务无关" in text
    assert "版主维持了原决定" in author.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert client.api("POST", "/appeals/999999/decision", {"decision": "uphold", "reason": "x"}, token=token).status_code == 404


def test_a_direct_restore_settles_a_pending_appeal(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread)
    for user in s.citizens[1:4]:
        fm.flag(app, user, "comment", comment.id)
    with app.app_context():
        from app.accounts.models import User
        from app.moderation.appeals import appeal

        appeal(db.session.get(User, s.citizens[0].id), "comment", comment.id, "被恶意举报")
        db.session.commit()
    fm.moderate(app, s.moderator, "comment", comment.id, "restore", "举报不成立")
    with app.app_context():
        stored = db.session.scalar(select(Appeal))
        assert stored.status == "restored" and stored.decision_reason == "举报不成立"


def test_appeal_from_the_hidden_comment_itself(app):
    s = fm.Scene(app)
    comment = fm.comment(app, s.citizens[0], s.thread, "会被隐藏的评论")
    fm.moderate(app, s.moderator, "comment", comment.id, "hide", "离题")
    author = app.test_client()
    author.login(s.citizens[0].username)
    html = author.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    assert f'id="appeal-{comment.id}"' in html
    other = app.test_client()
    other.login(s.citizens[1].username)
    assert f'id="appeal-{comment.id}"' not in other.get(f"/proposals/{s.thread.id}").get_data(as_text=True)
    response = author.submit("/moderation/appeals", {"target_type": "comment", "target_id": str(comment.id), "text": "没有离题"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#comment-{comment.id}")
    response = author.submit("/moderation/appeals", {"target_type": "comment", "target_id": str(comment.id), "text": "再来"})
    assert "每项决定只能申诉一次" in author.get(response.headers["Location"]).get_data(as_text=True)
    assert other.submit("/moderation/appeals", {"target_type": "comment", "target_id": str(comment.id), "text": "冒名"}).status_code == 403
