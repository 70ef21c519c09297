"""The OpenAPI 3 document, built from metadata kept beside each route.

Every /api/v1 view is decorated with ``@spec(...)``; ``document()`` walks
the URL map, so a route without a description is caught by the test that
compares the document with the app's routes.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import current_app, jsonify

from app.api import bp

COMPONENTS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                },
            }
        },
    }
}

ERROR_TEXT = {
    400: "Bad input",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    429: "Rate limited",
}


def component(name: str, schema: dict) -> dict:
    """Register a named schema and return a $ref to it."""
    COMPONENTS[name] = schema
    return ref(name)


def ref(name: str) -> dict:
    """A $ref to a named schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties: dict) -> dict:
    """An object schema."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def string(min_length: int | None = None, max_length: int | None = None, **extra: Any) -> dict:
    schema: dict[str, Any] = {"type": "string", **extra}
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def integer(**extra: Any) -> dict:
    return {"type": "integer", **extra}


def boolean() -> dict:
    return {"type": "boolean"}


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def page_of(item: dict) -> dict:
    """The list envelope of API.md."""
    return obj(
        ["items", "page", "per_page", "total"],
        items=array(item),
        page=integer(minimum=1),
        per_page=integer(minimum=1, maximum=100),
        total=integer(minimum=0),
    )


PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]


def query_param(name: str, schema: dict | None = None, description: str = "") -> dict:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, "description": description}


def spec(
    summary: str,
    *,
    tag: str,
    auth: bool = False,
    body: dict | None = None,
    params: list[dict] | None = None,
    responses: dict[int, dict | None] | None = None,
    errors: tuple[int, ...] = (),
    description: str = "",
) -> Callable:
    """Attach OpenAPI metadata to a view function."""

    def decorate(view: Callable) -> Callable:
        view._openapi = {  # type: ignore[attr-defined]
            "summary": summary,
            "tag": tag,
            "auth": auth,
            "body": body,
            "params": params or [],
            "responses": responses or {200: None},
            "errors": errors,
            "description": description,
        }
        return view

    return decorate


_converter = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def openapi_path(rule: str) -> str:
    """Flask rule → OpenAPI path template."""
    return _converter.sub(lambda m: "{" + m.group("name") + "}", rule)


def _path_params(rule: str) -> list[dict]:
    params = []
    for match in _converter.finditer(rule):
        schema = {"type": "integer"} if match.group("conv") == "int" else {"type": "string"}
        params.append({"name": match.group("name"), "in": "path", "required": True, "schema": schema})
    return params


def document() -> dict:
    """The whole OpenAPI document for the current app."""
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        meta = getattr(view, "_openapi", None)
        if meta is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "summary": meta["summary"],
                "tags": [meta["tag"]],
                "operationId": f"{method.lower()}_{rule.endpoint.removeprefix('api.')}",
                "parameters": _path_params(rule.rule) + meta["params"],
                "responses": {},
            }
            if meta["description"]:
                operation["description"] = meta["description"]
            if meta["auth"]:
                operation["security"] = [{"bearer": []}]
            if meta["body"] is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": meta["body"]}},
                }
            for status, schema in meta["responses"].items():
                response: dict[str, Any] = {"description": "OK" if status < 300 else "Result"}
                if schema is not None:
                    response["content"] = {"application/json": {"schema": schema}}
                operation["responses"][str(status)] = response
            error_codes = set(meta["errors"])
            if meta["body"] is not None or meta["params"] or _path_params(rule.rule):
                error_codes.add(400)
            if meta["auth"]:
                error_codes.add(401)
            if _path_params(rule.rule):
                error_codes.add(404)
            for status in sorted(error_codes):
                operation["responses"][str(status)] = {
                    "description": ERROR_TEXT.get(status, "Error"),
                    "content": {"application/json": {"schema": ref("Error")}},
                }
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Minyi (民意) API",
            "version": "1.0.0",
            "description": "The public JSON API of Minyi. Errors share one shape; lists are paginated.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
@spec("This document", tag="meta", responses={200: {"type": "object"}})
def openapi_json():
    """Serve the OpenAPI document."""
    return jsonify(document())
