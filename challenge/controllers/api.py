"""JSON API of municipality staff: their own problems in any status."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get

from challenge.queries import problems as problem_queries
from challenge.schemas import StaffProblemOut
from core.enums import Role
from core.permissions import requires_role

AnyRequest = Request[Any, Any, Any]
STAFF_OR_ORGANISER = requires_role(Role.MUNICIPALITY, Role.ORGANISER)


async def staff_problem_out(problem_id: int) -> StaffProblemOut:
    return msgspec.convert(await problem_queries.problem_for_staff(problem_id), StaffProblemOut, from_attributes=True)


class MunicipalityProblemsApi(Controller):
    path = "/api/v1/municipality/problems"
    tags = ["problems"]
    guards = [requires_role(Role.MUNICIPALITY)]

    @get("/", summary="Problems of the municipalities the caller works for, any status")
    async def mine(self, request: AnyRequest) -> list[StaffProblemOut]:
        rows = await problem_queries.full_problems_of_municipalities(request.user.organisations(Role.MUNICIPALITY))
        return [msgspec.convert(row, StaffProblemOut, from_attributes=True) for row in rows]
