"""Follows and the in-app notification inbox."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from app.notifications import header, kinds, routes  # noqa: E402,F401
