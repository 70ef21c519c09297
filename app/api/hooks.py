"""Authentication and CSRF for the API.

A request with ``Authorization: Bearer <token>`` is authenticated by the
token and needs no CSRF token. Without it, the browser's session cookie
works; for anything but GET it must then carry the CSRF token in the
``X-CSRFToken`` header, as a browser page would.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext
from flask_login import current_user

from app.accounts.services import user_for_token
from app.api import bp
from app.errors import NotAuthenticated
from app.extensions import csrf, login_manager

csrf.exempt(bp)


@bp.before_request
def authenticate_request() -> None:
    """Resolve the bearer token, or fall back to the session with CSRF."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated(gettext("Use 'Authorization: Bearer <token>'."), code="invalid_token")
        user = user_for_token(token.strip())
        if user is None:
            raise NotAuthenticated(gettext("The token is invalid, expired or revoked."), code="invalid_token")
        g.api_token = token.strip()
        login_manager._update_request_context_with_user(user)
        return
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        csrf.protect()
