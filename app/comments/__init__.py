"""Comments (评论): one mechanism for threads, innovation cases and any later commentable object.

A feature makes its objects commentable with ``app.comments.registry.register_commentable``;
threads ("proposal") and cases ("case") are registered in ``app.comments.targets``.
"""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from app.comments import targets, indexing, sections, routes  # noqa: E402,F401
