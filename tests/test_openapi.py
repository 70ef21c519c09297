"""The OpenAPI document covers every /api/v1 route and is valid OpenAPI 3."""

from __future__ import annotations

from app.api.openapi import openapi_path


def test_openapi_document_covers_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((openapi_path(rule.rule), method.lower()))
    missing = routes - documented
    extra = documented - routes
    assert not missing, f"routes without OpenAPI description: {sorted(missing)}"
    assert not extra, f"documented routes that do not exist: {sorted(extra)}"


def test_openapi_operations_are_well_formed(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation_ids = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["responses"]
            assert operation["operationId"] not in operation_ids
            operation_ids.add(operation["operationId"])
            for param in operation["parameters"]:
                if param["in"] == "path":
                    assert "{" + param["name"] + "}" in path
            for response in operation["responses"].values():
                for media in response.get("content", {}).values():
                    _check_refs(media["schema"], document)


def _check_refs(schema, document):
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert name in document["components"]["schemas"], name
        for value in schema.values():
            _check_refs(value, document)
    elif isinstance(schema, list):
        for value in schema:
            _check_refs(value, document)
