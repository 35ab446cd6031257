"""The kernel's own JSON endpoints."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get

from core.permissions import login_required


class GrantOut(msgspec.Struct):
    role: str
    edition_id: int | None
    organisation_id: int | None


class MeOut(msgspec.Struct):
    id: int
    email: str
    name: str
    locale: str
    is_verified: bool
    grants: list[GrantOut]


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
