"""Routes that skip the session, user and CSRF middlewares: probes and /metrics.

They are asked every few seconds by machines that carry no cookie, so loading a session and a
user for them would only cost; mark them with `opt={BARE: True}`.
"""

from __future__ import annotations

from litestar.types import Scope

BARE = "bare"


def is_bare(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return handler is not None and bool(handler.opt.get(BARE))
