"""Factories for search documents, follows and notifications (through the real services, committed)."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from app.extensions import db
from tests import factories

_seq = itertools.count(1)


def document(
    app,
    kind: str = "proposal",
    ref_id: int | None = None,
    title: str = "测试文档",
    body: str = "",
    url: str | None = None,
    department=None,
    created_at: datetime | None = None,
) -> int:
    """Index one document with ``index_document``; returns its ref_id."""
    from app.search.services import index_document

    ref_id = ref_id if ref_id is not None else next(_seq)
    with app.app_context():
        index_document(
            kind,
            ref_id,
            title=title,
            body=body,
            url=url or f"/{kind}s/{ref_id}",
            department_id=department.id if department is not None else None,
            created_at=created_at,
        )
        db.session.commit()
    return ref_id


def follow(app, user, target_type: str = "proposal", target_id: int = 1) -> bool:
    """``user`` follows the target."""
    from app.accounts.models import User
    from app.notifications.services import follow as follow_target

    with app.app_context():
        created = follow_target(db.session.get(User, user.id), target_type, target_id)
        db.session.commit()
        return created


def followers(app, count: int, target_type: str = "proposal", target_id: int = 1, prefix: str = "follower") -> list[int]:
    """``count`` new citizens following the target; returns their ids.

    The accounts are inserted in one statement (registering 1,000 accounts one
    by one would only test the sign-up); each follow goes through ``follow``.
    """
    from app.accounts.models import User
    from app.accounts.services import hash_password, username_key
    from app.clock import utcnow
    from app.notifications.services import follow as follow_target

    n = next(_seq)
    with app.app_context():
        password_hash = hash_password(factories.PASSWORD)
        names = [f"{prefix}{n}x{i}" for i in range(count)]
        db.session.execute(
            insert(User),
            [
                {"username": name, "username_key": username_key(name), "email": f"{name}@example.org",
                 "password_hash": password_hash, "role": "citizen", "created_at": utcnow()}
                for name in names
            ],
        )
        users = db.session.scalars(select(User).where(User.username.in_(names))).all()
        for user in users:
            follow_target(user, target_type, target_id)
        db.session.commit()
        return [user.id for user in users]


def notification(
    app,
    user,
    kind: str | None = None,
    params: dict[str, Any] | None = None,
    target_type: str = "proposal",
    target_id: int = 1,
    url: str | None = None,
    actor=None,
) -> int:
    """One notification for ``user`` through ``notify``; returns its id."""
    from app.accounts.models import User
    from app.notifications.models import Notification
    from app.notifications.services import GENERIC_KIND, notify

    with app.app_context():
        notify(
            [user.id],
            kind or GENERIC_KIND,
            target_type=target_type,
            target_id=target_id,
            url=url or f"/{target_type}s/{target_id}",
            actor=db.session.get(User, actor.id) if actor is not None else None,
            params=params if params is not None else {"title": f"话题{target_id}"},
        )
        db.session.commit()
        return db.session.scalar(
            select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(1)
        )
