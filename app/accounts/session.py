"""Flask-Login wiring: how a session cookie becomes a user."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.errors import NotAuthenticated
from app.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The account in the session, unless it has been deleted."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def unauthorized():
    """API: 401 JSON. Pages: to the sign-in page and back."""
    if request.path.startswith("/api/"):
        raise NotAuthenticated()
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
