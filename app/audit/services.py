"""Writing the audit log. Every privileged service calls ``record``."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEntry
from app.clock import utcnow
from app.extensions import db


def target_ref(target: Any) -> tuple[str, int | None]:
    """(type, id) for a model instance or an explicit (type, id) pair.

    The type is the model's ``audit_type`` if it has one, else its table name
    in the singular product word (``proposals`` → ``proposal``).
    """
    if isinstance(target, tuple):
        return target[0], target[1]
    kind = getattr(target, "audit_type", None) or target.__tablename__.rstrip("s")
    return kind, getattr(target, "id", None)


def record(
    actor: Any,
    action: str,
    target: Any,
    *,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
    subject_user_id: int | None = None,
    public: bool = True,
) -> AuditEntry:
    """Append an audit entry in the current transaction (flushed, not committed)."""
    target_type, target_id = target_ref(target)
    if subject_user_id is None and target_type == "user":
        subject_user_id = target_id
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor_id=actor_id,
        actor_role=getattr(actor, "role", None) if actor_id else "system",
        actor_department_id=getattr(actor, "department_id", None) if actor_id else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        subject_user_id=subject_user_id,
        reason=reason,
        before=before,
        after=after,
        public=public,
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry
