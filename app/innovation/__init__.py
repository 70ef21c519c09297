"""Innovation space (政创空间): departments' innovation cases, reviewed by moderators.

Signals sent here (see ``app.events``):

- ``case.published`` (sender=case, actor=moderator): a moderator published a case.
- ``case.updated`` (sender=case, actor=user): a case was created, edited,
  submitted, published or rejected (search re-indexes, caches drop).
"""

from flask import Blueprint

bp = Blueprint("innovation", __name__)

from app.innovation import routes  # noqa: E402,F401
