"""Service ratings (好差评) and the rectification cases (整改 / 回访) bad ratings open."""

from flask import Blueprint

bp = Blueprint("ratings", __name__)

from app.ratings import routes, sections  # noqa: E402,F401
