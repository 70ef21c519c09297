"""The JSON API at /api/v1: one module per resource, all calling the services."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import auth, departments, openapi, services  # noqa: E402,F401
from app.api import cases, campaigns  # noqa: E402,F401
from app.api import extensions, proposals  # noqa: E402,F401
from app.api import hooks  # noqa: E402,F401
from app.api import notifications, search  # noqa: E402,F401
from app.api import ratings  # noqa: E402,F401
from app.api import comments, moderation  # noqa: E402,F401
