"""Reading JSON request bodies with exact types and field-named errors.

Types are checked here; the product's rules (lengths, existence, state)
live in the services, so pages and API share them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request
from flask_babel import gettext

from app.clock import parse_iso
from app.errors import ServiceError, ValidationFailed

MISSING = object()


def _encodable(text: str) -> bool:
    """False for strings with lone surrogates (JSON "\\ud800"), which no database stores."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Payload:
    """The JSON object of the request body; collects problems per field."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        raw = request.get_data(cache=True)
        if not raw.strip():
            self.data: dict[str, Any] = {}
            return
        if not request.is_json:
            raise ServiceError(gettext("Please send JSON (Content-Type: application/json)."), code="unsupported_media_type")
        data = request.get_json(silent=True)
        if data is None:
            raise ServiceError(gettext("The body is not valid JSON."), code="invalid_json")
        if not isinstance(data, dict):
            raise ServiceError(gettext("The body must be a JSON object."), code="invalid_json")
        self.data = data

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name, MISSING)
        if value is MISSING or value is None:
            if required:
                self.errors.setdefault(name, []).append(gettext("This field is required."))
            return MISSING
        return value

    def string(self, name: str, *, required: bool = True, default: str | None = None) -> str | None:
        """A string field (not stripped: services decide)."""
        value = self._get(name, required)
        if value is MISSING:
            return default
        if not isinstance(value, str):
            self.errors.setdefault(name, []).append(gettext("Must be a string."))
            return default
        if "\x00" in value or not _encodable(value):
            self.errors.setdefault(name, []).append(gettext("The text contains invalid characters."))
            return default
        return value

    def integer(self, name: str, *, required: bool = True, default: int | None = None) -> int | None:
        """An integer field; booleans and floats are refused."""
        value = self._get(name, required)
        if value is MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors.setdefault(name, []).append(gettext("Must be a whole number."))
            return default
        if abs(value) > 2**53:
            self.errors.setdefault(name, []).append(gettext("The number is out of range."))
            return default
        return value

    def boolean(self, name: str, *, required: bool = True, default: bool | None = None) -> bool | None:
        """A JSON true/false field."""
        value = self._get(name, required)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.errors.setdefault(name, []).append(gettext("Must be true or false."))
            return default
        return value

    def timestamp(self, name: str, *, required: bool = True) -> datetime | None:
        """An ISO 8601 timestamp; without an offset it means Asia/Shanghai."""
        value = self.string(name, required=required)
        if value is None:
            return None
        try:
            return parse_iso(value)
        except ValueError:
            self.errors.setdefault(name, []).append(gettext("Must be an ISO 8601 date and time."))
            return None

    def integer_list(self, name: str, *, required: bool = True, max_items: int = 1000) -> list[int] | None:
        """A list of whole numbers."""
        value = self._get(name, required)
        if value is MISSING:
            return None
        if (
            not isinstance(value, list)
            or len(value) > max_items
            or any(isinstance(item, bool) or not isinstance(item, int) for item in value)
        ):
            self.errors.setdefault(name, []).append(gettext("Must be a list of whole numbers."))
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = True, default: str | None = None) -> str | None:
        """A string that must be one of ``choices``."""
        value = self.string(name, required=required, default=default)
        if value is not None and value not in choices:
            self.errors.setdefault(name, []).append(gettext("Must be one of: %(choices)s.", choices=", ".join(choices)))
            return default
        return value

    def check(self) -> None:
        """Raise ValidationFailed naming every field with a problem."""
        if self.errors:
            raise ValidationFailed(fields=self.errors)

