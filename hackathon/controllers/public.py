"""The public schedule of a hackathon (by day, room or team), a person's own, and the iCal feed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from core.permissions import current_user, login_required
from core.web import page
from hackathon.queries import calendar, schedules

AnyRequest = Request[Any, Any, Any]


class HackathonPages(Controller):
    path = "/hackathons"
    include_in_schema = False

    @get("/{hackathon_id:int}")
    async def schedule(
        self, request: AnyRequest, hackathon_id: FromPath[int], view: FromQuery[str] = "day"
    ) -> Template:
        context = await schedules.public_schedule(hackathon_id, viewer=current_user(request), view=view)
        return page("hackathon/public.html", **context)

    @get("/{hackathon_id:int}/mine", guards=[login_required])
    async def mine(self, request: AnyRequest, hackathon_id: FromPath[int]) -> Template:
        return page("hackathon/mine.html", **await schedules.personal_schedule(hackathon_id, user=request.user))

    @get("/{hackathon_id:int}/schedule.ics")
    async def ics(self, request: AnyRequest, hackathon_id: FromPath[int]) -> Response[bytes]:
        body = await calendar.hackathon_ics(hackathon_id, viewer=current_user(request))
        disposition = f'inline; filename="hackathon-{hackathon_id}.ics"'
        return Response(content=body, media_type="text/calendar", headers={"Content-Disposition": disposition})
