"""``seed demo`` fills comment threads and moderation at work, with consistent counts."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.comments.models import Comment
from app.extensions import db
from app.innovation.models import InnovationCase
from app.moderation.models import Appeal, BannedWord, Flag
from app.permissions import is_suspended
from app.proposals.models import Proposal
from app.search.models import SearchDocument


def _visible(model, target_type):
    return (
        select(func.count(Comment.id))
        .where(Comment.target_type == target_type, Comment.target_id == model.id, Comment.status == "published",
               Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))
        .scalar_subquery()
    )


def test_seed_demo_comments_and_moderation(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        total = db.session.scalar(select(func.count(Comment.id)))
        assert 200 <= total <= 2000
        assert db.session.scalar(select(func.max(Comment.depth))) == 3
        assert db.session.scalar(select(func.count(func.distinct(Comment.target_id))).where(Comment.target_type == "proposal")) > 50
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.target_type == "case")) > 5
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.status == "pending")) >= 3
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.revisions_count > 1)) >= 4
        tombstone = db.session.scalar(select(Comment).where(Comment.deleted_at.is_not(None)))
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.parent_id == tombstone.id)) >= 1
        # stored counts equal the rows
        for model, target_type in ((Proposal, "proposal"), (InnovationCase, "case")):
            wrong = db.session.scalar(select(func.count(model.id)).where(model.comments_count != _visible(model, target_type)))
            assert wrong == 0, target_type
        # moderation at work
        assert db.session.scalar(select(func.count(Flag.id)).where(Flag.resolved_at.is_(None), Flag.user_id.is_not(None))) >= 3
        assert db.session.scalar(select(func.count(Flag.id)).where(Flag.user_id.is_(None))) >= 1
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.hidden_by_flags.is_(True))) == 1
        hidden_comment = db.session.scalar(select(Comment).where(Comment.hidden_at.is_not(None), Comment.hidden_by_flags.is_(False)))
        assert hidden_comment.hidden_reason
        hidden_thread = db.session.scalar(select(Proposal).where(Proposal.hidden_at.is_not(None)))
        assert hidden_thread.hidden_reason
        assert db.session.scalar(select(func.count(Appeal.id)).where(Appeal.status == "pending")) == 1
        suspended = [u for u in db.session.scalars(select(User).where(User.suspended_until.is_not(None)))]
        assert len(suspended) == 1 and is_suspended(suspended[0]) and suspended[0].suspension_reason
        assert db.session.scalar(select(func.count(BannedWord.id))) >= 3
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("moderation.%"))) >= 5
        assert db.session.scalar(select(func.count(SearchDocument.id)).where(SearchDocument.kind == "comment")) > 100
        tombstone_thread = tombstone.target_id
    # the pages show it
    html = client.get(f"/proposals/{tombstone_thread}").get_data(as_text=True)
    assert '<ol class="comment-replies">' in html and "该评论已删除" in html
    html = client.get("/moderation/log").get_data(as_text=True)
    assert "含有人身攻击内容" in html and "暂停账号" in html and "spam-seller-2026" not in html
    assert "已被版主隐藏" in client.get(f"/proposals/{hidden_thread.id}").get_data(as_text=True)
