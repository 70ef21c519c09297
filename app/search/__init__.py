"""Full-text search across every feature (Chinese word segmentation), its page, API and CLI."""

from flask import Blueprint

bp = Blueprint("search", __name__, cli_group="search")

from app.search import cli, routes, sources  # noqa: E402,F401
