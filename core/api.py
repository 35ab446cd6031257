"""The kernel's own JSON endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from core.permissions import login_required
from core.schemas import GrantOut, MeOut


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
    path = "/healthz"
    include_in_schema = False

    @get("/", cache=False)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}
