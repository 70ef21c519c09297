"""Moderation (社区管理): flags, the review queue, hide/restore/lock/pin, suspensions,
appeals, banned words and the public moderation log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import targets, flags, banned_words, header, sections  # noqa: E402,F401
from app.moderation import routes, pages, admin_pages, presentation  # noqa: E402,F401

bp.record_once(presentation.register_template_globals)
