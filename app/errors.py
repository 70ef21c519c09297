"""Domain errors raised by services, and how the app answers every error.

Services raise a ``ServiceError`` subclass before changing anything; the API
turns it into the JSON error shape of API.md and pages into a friendly page
(or a form error, where a route catches it). Every other HTTP error is
answered the same way, so no client ever sees an HTML page from /api/ or a
traceback anywhere.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A request the product refuses; carries status, code and message."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(
        self,
        message: Any = None,
        *,
        fields: dict[str, list[Any]] | None = None,
        code: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.fields = fields
        if code:
            self.code = code
        self.retry_after = retry_after
        super().__init__(str(self.message))


class ValidationFailed(ServiceError):
    """Bad input; ``fields`` names each field and its problems."""

    status = 400
    code = "validation_failed"
    default_message = _l("Some fields are missing or invalid.")


class NotAuthenticated(ServiceError):
    status = 401
    code = "not_authenticated"
    default_message = _l("Please sign in first.")


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = _l("This conflicts with the current state.")


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"
    default_message = _l("Too many requests. Please try again later.")


HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in first."),
    403: _l("You are not allowed to do this."),
    404: _l("The page or item you asked for does not exist."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state."),
    413: _l("The request is too large."),
    415: _l("Please send JSON."),
    429: _l("Too many requests. Please try again later."),
    500: _l("Something went wrong on our side. It has been logged."),
}


def wants_json() -> bool:
    """True for API requests: they always get the JSON error shape."""
    return request.path.startswith("/api/")


def error_body(code: str, message: Any, fields: dict[str, list[Any]] | None = None) -> dict:
    """The JSON error shape of API.md."""
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = {name: [str(problem) for problem in problems] for name, problems in fields.items()}
    return {"error": error}


def error_response(status: int, code: str, message: Any, fields: dict | None = None, retry_after: int | None = None) -> Response:
    """A JSON error for the API, an HTML page for everything else."""
    if wants_json():
        response = jsonify(error_body(code, message, fields))
    else:
        response = Response(
            render_template("errors/error.html", status=status, message=message, fields=fields),
            mimetype="text/html",
        )
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, int(retry_after)))
    return response


def _retry_after_from(exc: HTTPException) -> int | None:
    limit = getattr(exc, "limit", None)
    reset = getattr(exc, "reset_at", None)
    if reset:
        import time

        return max(1, int(reset - time.time()))
    if limit is not None:
        try:
            return int(limit.limit.get_expiry())
        except Exception:  # pragma: no cover - defensive
            return 60
    return None


def register_error_handlers(app: Flask) -> None:
    """Answer every error in the right format."""

    @app.errorhandler(ServiceError)
    def handle_service_error(exc: ServiceError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.fields, exc.retry_after)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(exc: CSRFError) -> Response:
        return error_response(
            400, "csrf_failed", _l("The form has expired or was sent from another site. Please go back, reload and try again.")
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = HTTP_CODES.get(status, "error")
        message = HTTP_MESSAGES.get(status, exc.description)
        retry_after = _retry_after_from(exc) if status == 429 else None
        response = error_response(status, code, message, retry_after=retry_after)
        if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):  # pragma: no cover - routed above
            return handle_http_error(exc)
        if app.testing:
            raise exc  # let the test see the traceback
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
