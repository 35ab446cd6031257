"""The API's schema documents the error answers each operation can give, with their real body."""

from __future__ import annotations

from litestar import Litestar

UNSAFE = {"post", "put", "patch", "delete"}
ERROR_BODY = {"$ref": "#/components/schemas/ApiError"}


def _problem_body(schema: dict, components: dict) -> bool:
    """The problem body, or one that carries every field of it and more (e.g. a 409 naming what is current now)."""
    if schema == ERROR_BODY:
        return True
    ref = schema.get("$ref", "")
    body = components.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/components/schemas/") else {}
    problem = components["ApiError"]
    return set(problem["required"]) <= set(body.get("required", ())) and all(
        body.get("properties", {}).get(name) == field for name, field in problem["properties"].items()
    )


def _guarded(app: Litestar) -> set[tuple[str, str]]:
    """(method, path) of the operations behind a sign-in or role guard."""
    return {
        (method.lower(), route.path.replace(":int", "").replace(":str", ""))
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if set(handler.resolve_guards()) - set(app.guards)
        for method in handler.http_methods
    }


async def test_every_operation_documents_its_error_answers_with_the_problem_body(client, app: Litestar) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    guarded = _guarded(app)
    missing = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"401", "403"} if (method, path) in guarded else set()
            if method in UNSAFE:
                expected |= {"403", "404", "409", "413", "422"}
            if "{" in path:
                expected.add("404")
            documented = set(operation["responses"])
            wrong_body = {
                status
                for status in expected & documented
                if not _problem_body(
                    operation["responses"][status]["content"]["application/json"]["schema"],
                    document["components"]["schemas"],
                )
            }
            if expected - documented or wrong_body:
                missing[f"{method.upper()} {path}"] = sorted((expected - documented) | wrong_body)

    assert len(guarded & {(m, p) for p, ops in document["paths"].items() for m in ops}) >= 20
    assert missing == {}
    assert document["components"]["schemas"]["ApiError"] == {
        "type": "object",
        "required": ["detail", "status_code"],
        "properties": {
            "status_code": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "title": "ApiError",
    }


async def test_a_signed_out_call_answers_the_documented_401_body(client, app: Litestar) -> None:
    response = await client.get("/api/v1/startup/applications")
    document = (await client.get("/schema/openapi.json")).json()

    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Sign in first."}
    assert "401" in document["paths"]["/api/v1/startup/applications"]["get"]["responses"]
