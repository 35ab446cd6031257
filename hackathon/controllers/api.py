"""JSON API of hackathon schedules: public read, organisers' moves guarded by the checker."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, put
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.i18n import gettext as _
from core.permissions import current_user, requires_role
from hackathon.queries import schedules
from hackathon.records import StoredViolation
from hackathon.schemas import MoveIn, ScheduleOut
from hackathon.services import editing
from hackathon.services.problem import message

AnyRequest = Request[Any, Any, Any]


def _violations(found: list[StoredViolation]) -> list[dict[str, Any]]:
    return [{**msgspec.to_builtins(v), "text": message(v)} for v in found]


class HackathonApi(Controller):
    path = "/api/v1/hackathons"

    @get("/{hackathon_id:int}/schedule", summary="A published hackathon's schedule (drafts: organisers only)")
    async def schedule(self, request: AnyRequest, hackathon_id: FromPath[int]) -> ScheduleOut:
        return await schedules.api_schedule(hackathon_id, viewer=current_user(request))

    @put(
        "/{hackathon_id:int}/items/{item_id:int}",
        guards=[requires_role(Role.ORGANISER)],
        summary="Move an item (a panel sitting takes its pitches); 422 with the checker's violations when blocked",
    )
    async def move(
        self, request: AnyRequest, hackathon_id: FromPath[int], item_id: FromPath[int], data: JSONBody[MoveIn]
    ) -> Response[dict[str, Any]]:
        try:
            warnings = await editing.move_item(
                user=request.user,
                hackathon_id=hackathon_id,
                item_id=item_id,
                room_id=data.room_id,
                starts_at=data.starts_at,
            )
        except editing.MoveBlocked as blocked:
            body = {
                "status_code": 422,
                "detail": _(blocked.message),
                "errors": blocked.errors,
                "violations": _violations(blocked.violations),
            }
            return Response(content=body, status_code=422)
        schedule = await schedules.api_schedule(hackathon_id, viewer=request.user)
        item = next(i for i in schedule.items if i.id == item_id)
        return Response(content={"item": item, "warnings": _violations(warnings)}, status_code=200)
