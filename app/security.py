"""Security headers on every response.

The Content-Security-Policy allows no inline script or style: every script
is a file under /static, so a stored XSS that slips past the sanitizer still
cannot run.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters in the path, query or form with a 400.

    No legitimate text contains them, and PostgreSQL refuses them in strings
    (which would otherwise surface as a 500 deep inside a query).
    """
    from flask import request
    from flask_babel import gettext

    from app.errors import ServiceError

    @app.before_request
    def _refuse_nul() -> None:
        values = [request.path]
        values.extend(v for _, v in request.args.items(multi=True))
        # (API bodies are JSON, checked field by field by app.api.payload)
        if not request.path.startswith("/api/") and request.method not in ("GET", "HEAD") and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(v for _, v in request.form.items(multi=True))
        if any("\x00" in value for value in values):
            raise ServiceError(gettext("The request contains invalid characters."), code="invalid_characters")


def register_security_headers(app: Flask) -> None:
    """Add CSP, nosniff, referrer and framing headers (HSTS in production)."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SECURE_HEADERS_HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
