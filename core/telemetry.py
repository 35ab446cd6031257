"""Around every HTTP request: its request id, its access event and its metrics.

This wraps the app's ASGI handler rather than being a Litestar middleware: Litestar runs its
middleware only for requests a route matched and after its exception handling has turned errors
into responses elsewhere, so a middleware would miss the 404s and could not see the status every
request finally got.
"""

from __future__ import annotations

import logging
import time

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import metrics
from core.logs import REQUEST_ID
from core.rules.observability import request_id_from

HEADER = "X-Request-ID"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
access_log = logging.getLogger("core.access")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class Telemetry:
    """`templates` maps Litestar's `path_template` (`/problems/{problem_id}`, what the router puts
    in the scope) to the route as declared (`/problems/{problem_id:int}`), the metrics' label."""

    def __init__(self, app: ASGIApp, templates: dict[str, str]) -> None:
        self.app = app
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(_header(scope, b"x-request-id"))
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets when the app fails before it answers (uvicorn's own 500)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            # The route's template (`/problems/{problem_id:int}`), never the path: one series per route.
            matched = scope.get("path_template") if scope.get("route_handler") is not None else None
            route = self.templates.get(matched, matched) if matched else metrics.UNMATCHED_ROUTE
            verb = scope.get("method", "")
            method = verb if verb in METHODS else "OTHER"  # not one series per made-up verb
            metrics.observe_request(method, route, status, seconds)
            metrics.update_pool()
            client = scope.get("client")
            access_log.info(
                "%s %s %s",
                verb,
                scope["path"],
                status,
                extra={
                    "method": verb,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "client": client[0] if client else None,
                },
            )
            REQUEST_ID.reset(token)
