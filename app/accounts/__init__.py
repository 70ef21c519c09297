"""Accounts: registration, sign-in, roles, API tokens."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import routes  # noqa: E402,F401
