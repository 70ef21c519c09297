"""Factories for proposal threads: they go through the real services and commit.

    p = factories_proposals.proposal(app, author, department=dept)
    factories_proposals.answer(app, p, officer)
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from tests import factories


def _user(user_obj: Any):
    from app.accounts.models import User

    return db.session.get(User, user_obj.id)


def citizen(app, **fields: Any):
    """A trusted citizen: their threads are published at once."""
    fields.setdefault("approved_posts", 5)
    return factories.user(app, role="citizen", **fields)


def proposal(app, author, department=None, *, unsure: bool = False, **fields: Any):
    """A thread by ``author`` (open, unless the policy holds it for review)."""
    from app.proposals.services import create_proposal

    n = factories._next()
    values = {
        "kind": "suggestion",
        "title": f"关于改进政务服务的建议第{n}号",
        "body": f"建议在办事大厅增加自助服务终端，减少排队时间。编号{n}。",
        "department": "unsure" if unsure else department.slug,
    }
    values.update(fields)

    def make():
        return create_proposal(_user(author), **values)

    return factories._committed(app, make)


def act(app, func, proposal_obj, user_obj, *args: Any, **kwargs: Any):
    """Run a service ``func(proposal, user, *args)`` as ``user_obj`` and commit; returns the reloaded thread."""
    from app.proposals.models import Proposal

    with app.app_context():
        from flask_login import login_user

        with app.test_request_context():
            user = _user(user_obj)
            login_user(user)
            result = func(db.session.get(Proposal, proposal_obj.id), user, *args, **kwargs)
            db.session.commit()
            return result


def reload(app, proposal_obj):
    """The thread as stored now (detached)."""
    from app.proposals.models import Proposal

    with app.app_context():
        obj = db.session.get(Proposal, proposal_obj.id)
        db.session.expunge(obj)
        return obj


def answer(app, proposal_obj, officer, body: str = "您好，您反映的问题已收悉，我们将尽快处理并答复。"):
    """An official answer by an officer of the assigned department."""
    from app.proposals.answers import post_answer

    act(app, post_answer, proposal_obj, officer, body)
    return reload(app, proposal_obj)


def support(app, proposal_obj, user_obj):
    """``user_obj`` supports the thread."""
    from app.proposals.supports import support as add

    return act(app, add, proposal_obj, user_obj)


def rate(app, proposal_obj, author, rating: str = "unsatisfied"):
    """The author rates the latest answer."""
    from app.proposals.answers import rate_answer

    return act(app, rate_answer, proposal_obj, author, rating)


def status(app, proposal_obj, user_obj, to_state: str, note: str | None = None):
    """Change the status through the state machine."""
    from app.proposals.services import change_status

    act(app, change_status, proposal_obj, user_obj, to_state, note)
    return reload(app, proposal_obj)


class Cast:
    """Everyone a thread scenario needs: a department, its officer, another department's
    officer, a moderator, the author and another citizen."""

    def __init__(self, app):
        self.app = app
        self.department = factories.department(app, slug=f"dept-{factories._next()}", name="浙江省交通运输厅")
        self.other_department = factories.department(app, slug=f"other-{factories._next()}", name="浙江省住房和城乡建设厅")
        self.officer = factories.user(app, role="officer", department=self.department)
        self.other_officer = factories.user(app, role="officer", department=self.other_department)
        self.moderator = factories.user(app, role="moderator")
        self.author = citizen(app)
        self.citizen = citizen(app)

    def thread(self, state: str = "open", **fields: Any):
        """A thread brought into ``state`` through the real services."""
        app = self.app
        if state == "pending_review":
            newcomer = factories.user(app, role="citizen")
            self.author = newcomer
            return proposal(app, newcomer, self.department, **fields)
        p = proposal(app, self.author, self.department, **fields)
        if state == "open":
            return p
        if state in ("acknowledged", "in_progress"):
            return status(app, p, self.officer, state)
        if state == "declined":
            return status(app, p, self.officer, "declined", "不属于受理范围")
        if state == "merged":
            from app.proposals.services import merge

            target = proposal(app, self.citizen, self.department)
            act(app, merge, p, self.moderator, target.id, "重复提交")
            return reload(app, p)
        p = answer(app, p, self.officer)
        if state == "answered":
            return p
        if state == "closed":
            return status(app, p, self.officer, "closed")
        if state == "reopened":
            rate(app, p, self.author, "unsatisfied")
            return status(app, p, self.author, "reopened", "答复没有解决问题")
        raise ValueError(state)

    def token(self, who: str) -> str | None:
        """A bearer token for a role name (None for the visitor)."""
        user = {
            "citizen": self.citizen, "author": self.author, "officer": self.officer,
            "officer_other": self.other_officer, "moderator": self.moderator,
        }.get(who)
        return factories.token(self.app, user) if user is not None else None
