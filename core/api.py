"""The kernel's own JSON endpoints."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from litestar import Controller, Request, Response, get

from core import metrics
from core.bare import BARE
from core.permissions import login_required
from core.readiness import Readiness
from core.rules.observability import metrics_allowed, parse_networks
from core.schemas import GrantOut, MeOut
from core.settings import get_settings


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]

    @get("/", guards=[login_required], summary="The signed-in user and their roles")
    async def me(self, request: Request[Any, Any, Any]) -> MeOut:
        user = request.user
        return MeOut(
            id=user.id,
            email=user.email,
            name=user.name,
            locale=user.locale,
            is_verified=user.is_verified,
            grants=[
                GrantOut(role=g.role.value, edition_id=g.edition_id, organisation_id=g.organisation_id)
                for g in user.grants
            ],
        )


class HealthController(Controller):
    """Liveness: the process answers. Readiness (`/readyz`) asks the database too."""

    path = "/healthz"
    include_in_schema = False

    @get("/", cache=False, opt={BARE: True})
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}


class ReadyController(Controller):
    path = "/readyz"
    include_in_schema = False

    @get("/", cache=False, opt={BARE: True})
    async def ready(self, request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
        readiness: Readiness = request.app.state.readiness
        problem = await readiness.problem()
        if problem is not None:
            return Response({"status": "unavailable", "reason": problem}, status_code=503)
        return Response({"status": "ok"})


_networks = lru_cache(maxsize=4)(parse_networks)


class MetricsController(Controller):
    path = "/metrics"
    include_in_schema = False

    @get("/", cache=False, opt={BARE: True})
    async def scrape(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        settings = get_settings().observability
        client = request.scope.get("client")
        allowed = metrics_allowed(
            token=settings.metrics_token,
            networks=_networks(settings.metrics_allow_ips),
            authorization=request.headers.get("authorization"),
            client_host=client[0] if client else None,
        )
        if not allowed:
            return Response(b"metrics: not for this client\n", status_code=403, media_type="text/plain")
        return Response(await metrics.exposition(), media_type=metrics.CONTENT_TYPE)
