"""Seed step: moderation at work — banned words, flags (one comment hidden by three of them),
a comment and a thread hidden with public reasons, an appeal, personal information queued,
a locked and a pinned thread, a suspended spammer, and the log entries all of this leaves."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import User
from app.accounts.services import username_key
from app.clock import utcnow
from app.comments.models import PUBLISHED
from app.comments.seed import _add
from app.comments.seed_data import ABUSE, PERSONAL, SPAM
from app.extensions import db
from app.moderation import accounts, actions, appeals, banned_words, flags
from app.proposals import states
from app.seed import DemoContext


def _spammer(context: DemoContext) -> User:
    name = "spam-seller-2026"
    user = User(username=name, username_key=username_key(name), email=f"{name}@demo.minyi.invalid",
                password_hash=context.citizens[0].password_hash, role="citizen", approved_posts=2,
                created_at=utcnow() - timedelta(days=3))
    db.session.add(user)
    db.session.flush()
    context.users[name] = user
    return user


def seed_moderation(context: DemoContext) -> None:
    """See the module docstring (``context.extra["moderation"]``)."""
    moderator = context.users["moderator"]
    now = utcnow()
    for pattern, regex in (("代开发票", False), ("网上赌博", False), (r"加\s*微信", True)):
        banned_words.add_word(moderator, pattern, regex)

    threads = [t for t in context.extra.get("comment_threads", []) if t.status in states.ACTIVE or t.status == states.CLOSED]
    spammer = _spammer(context)
    citizens = context.citizens
    # spam under a few threads: flagged by citizens; three flags hide one pending review
    spam = [_add(context, "proposal", thread, spammer, text, now - timedelta(hours=5 - i), status=PUBLISHED)
            for i, (thread, text) in enumerate(zip(threads[4:7], SPAM))]
    for user in citizens[:3]:
        flags.flag(user, "comment", spam[0].id, "spam", "广告")
    flags.flag(citizens[3], "comment", spam[1].id, "spam", "又是这个账号在发广告")
    flags.flag(citizens[4], "comment", spam[1].id, "illegal")
    flags.flag(citizens[5], "comment", spam[2].id, "spam")
    # an abusive comment hidden by a moderator with a public reason, and its author's appeal
    rude_author = citizens[10]
    rude = _add(context, "proposal", threads[7], rude_author, ABUSE, now - timedelta(hours=6))
    flags.flag(citizens[6], "comment", rude.id, "abuse", "人身攻击")
    actions.moderate(moderator, "comment", rude.id, "hide", "含有人身攻击内容，违反社区规则第三条。")
    appeals.appeal(rude_author, "comment", rude.id, "我只是情绪激动，没有针对任何人，希望恢复我的评论。")
    # personal information: published masked, queued for a moderator
    personal = _add(context, "proposal", threads[8], citizens[12], PERSONAL, now - timedelta(hours=2))
    flags.add_system_flag("comment", personal.id)
    # a thread hidden with a public reason, one locked, one pinned
    hidden_thread = threads[9]
    actions.moderate(moderator, "proposal", hidden_thread.id, "hide", "内容与政务服务无关，且含有不实信息。")
    actions.moderate(moderator, "proposal", threads[10].id, "lock", "讨论已经充分，部门已作出答复。")
    pinned = next((t for t in context.extra.get("proposals", []) if t.status == states.ANSWERED and t.hidden_at is None), threads[11])
    actions.moderate(moderator, "proposal", pinned.id, "pin", "典型问题，置顶供大家参考。")
    # the spammer is suspended for 30 days
    accounts.suspend(moderator, spammer, 30, "多次发布代开发票等广告信息。")
    db.session.flush()
    context.extra["moderation"] = {
        "spam": spam, "hidden_comment": rude, "hidden_thread": hidden_thread, "suspended": spammer,
        "personal": personal,
    }
