"""Proposal threads (提案 / 留言): the heart of Minyi."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from app.proposals import routes, actions, sections, indexing, following  # noqa: E402,F401
