"""The JSON API's error answers, documented once for every operation that can give them.

Litestar documents only what a handler declares (and a 400 body that core.web never sends), so
generated clients would not know a 401, 403, 404, 409, 413 or 422 exists. `document_errors` adds
each one, with the problem body core.web's handlers actually return, wherever it can happen.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from core.schemas import ApiError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8, or nested too deep).",
    401: "Sign in first: no valid session.",
    403: "Not allowed for this account, or the CSRF token (x-csrftoken) is missing or not this session's.",
    404: "Nothing with this id, or nothing the caller may see.",
    409: "Not possible in the current state (a deadline passed, the status moved on).",
    413: "The body is larger than this operation accepts.",
    422: "Invalid input; `errors` names each field and what is wrong with it.",
}


def error_statuses(*, method: str, has_path_ids: bool, guarded: bool, has_input: bool) -> list[int]:
    """Which error answers an operation can give, from what it takes and who may call it."""
    unsafe = method in UNSAFE_METHODS
    statuses = []
    if unsafe or has_input:
        statuses += [400, 422]
    if guarded:
        statuses.append(401)
    if guarded or unsafe:  # every unsafe request needs its CSRF token
        statuses.append(403)
    if has_path_ids or unsafe or has_input:  # ids come in the path, the query or the body
        statuses.append(404)
    if unsafe:
        statuses += [409, 413]
    return sorted(statuses)


def document_errors(app: Litestar) -> None:
    """Give every JSON API operation its possible error answers (before the schema is first built)."""
    app_guards = set(app.guards)
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            parameters = handler.parsed_fn_signature.parameters
            has_input = any(name not in ("request", "self") for name in parameters)
            for method in handler.http_methods:
                statuses = error_statuses(
                    method=method,
                    has_path_ids=bool(route.path_parameters),
                    guarded=bool(set(handler.resolve_guards()) - app_guards),
                    has_input=has_input,
                )
                responses = dict(handler.responses or {})
                for status in statuses:
                    # Declared by the handler itself wins; Litestar's own 400 (a body we never send) does not.
                    if status not in responses or status == 400:
                        responses[status] = ResponseSpec(
                            data_container=ApiError, description=DESCRIPTIONS[status], generate_examples=False
                        )
                handler.responses = responses
