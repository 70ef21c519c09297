"""Departments and the public services (政务服务事项) they provide."""

from flask import Blueprint

bp = Blueprint("departments", __name__)

from app.departments import routes  # noqa: E402,F401
