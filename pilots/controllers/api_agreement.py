"""JSON API of the agreement: organisers open and amend pilots and move them along; each side signs.

A signature on a version that is no longer current is a 409 whose `detail` names the current
version; every answer is the pilot's agreement as it stands after the change.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from pilots.enums import PilotAction
from pilots.queries.agreement import agreement_out
from pilots.queries.pilots import pilot_scope
from pilots.schemas import ActionIn, AmendIn, PilotAgreementOut, SignIn
from pilots.services import agreement

AnyRequest = Request[Any, Any, Any]


class PilotAgreementApi(Controller):
    """One pilot's agreement: its three sides and its mentor get in (anyone else: 403)."""

    path = "/api/v1/pilots/{pilot_id:int}"
    tags = ["pilots"]
    guards = [pilot_scope.guard]

    @get("/agreement", summary="The pilot's agreement: status, the version in force, every version and signature")
    async def read(self, pilot_id: FromPath[int]) -> PilotAgreementOut:
        return await agreement_out(pilot_id)

    @post(
        "/versions",
        summary="Amend (organisers): a new version every side signs again; the version in force stays until then",
        status_code=201,
    )
    async def amend(self, request: AnyRequest, pilot_id: FromPath[int], data: JSONBody[AmendIn]) -> PilotAgreementOut:
        await agreement.amend(user=request.user, pilot_id=pilot_id, command=data, note=data.note)
        return await agreement_out(pilot_id)

    @post(
        "/versions/{number:int}/signatures",
        summary="Sign version `number` for a side the caller stands for; 409 naming the current version if it is not",
        status_code=201,
    )
    async def sign(
        self, request: AnyRequest, pilot_id: FromPath[int], number: FromPath[int], data: JSONBody[SignIn]
    ) -> PilotAgreementOut:
        await agreement.sign(user=request.user, pilot_id=pilot_id, number=number, side=data.side)
        return await agreement_out(pilot_id)

    @post("/actions", summary="Start, complete or stop the pilot (organisers; stopping needs a public reason)")
    async def act(self, request: AnyRequest, pilot_id: FromPath[int], data: JSONBody[ActionIn]) -> PilotAgreementOut:
        await agreement.take_action(
            user=request.user, pilot_id=pilot_id, action=PilotAction(data.action), reason=data.reason
        )
        return await agreement_out(pilot_id)
