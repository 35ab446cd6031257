"""JSON API of a pilot's milestones: read (public milestones of public pilots for everyone),
organisers add them, the named sides sign them off."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.permissions import current_user, requires_role
from pilots.queries.milestones import api_milestone, api_milestones
from pilots.schemas import MilestoneIn, MilestoneOut, MilestonesOut, SignOffIn
from pilots.services import milestones

AnyRequest = Request[Any, Any, Any]


class MilestonesApi(Controller):
    path = "/api/v1/pilots/{pilot_id:int}/milestones"
    tags = ["pilots"]

    @get(
        "/",
        summary="A pilot's milestones with every sign-off (sides, never people): the public milestones of a "
        "public pilot for everyone, all of them for the pilot's sides and mentor",
    )
    async def list_milestones(self, request: AnyRequest, pilot_id: FromPath[int]) -> MilestonesOut:
        return await api_milestones(pilot_id, viewer=current_user(request))

    @post(
        "/",
        guards=[requires_role(Role.ORGANISER)],
        summary="Add a milestone (organisers); 422 with field errors, 409 once the pilot has ended",
    )
    async def add_milestone(
        self, request: AnyRequest, pilot_id: FromPath[int], data: JSONBody[MilestoneIn]
    ) -> MilestoneOut:
        milestone_id = await milestones.add_milestone(user=request.user, pilot_id=pilot_id, command=data.command())
        return await api_milestone(pilot_id, milestone_id)

    @put(
        "/{milestone_id:int}",
        guards=[requires_role(Role.ORGANISER)],
        summary="Change a milestone not yet achieved (organisers); its status follows the sides now named on it; "
        "422 with field errors, 409 once it is achieved or the pilot has ended",
    )
    async def change_milestone(
        self, request: AnyRequest, pilot_id: FromPath[int], milestone_id: FromPath[int], data: JSONBody[MilestoneIn]
    ) -> MilestoneOut:
        await milestones.edit_milestone(
            user=request.user, pilot_id=pilot_id, milestone_id=milestone_id, command=data.command()
        )
        return await api_milestone(pilot_id, milestone_id)

    @post(
        "/{milestone_id:int}/sign-offs",
        guards=[requires_role(Role.ORGANISER, Role.MUNICIPALITY, Role.STARTUP)],
        summary="Approve a milestone, or refuse it with a reason, for a side named on it that you stand for; "
        "403 for any other side, 409 unless the pilot runs or has completed",
    )
    async def sign_off(
        self, request: AnyRequest, pilot_id: FromPath[int], milestone_id: FromPath[int], data: JSONBody[SignOffIn]
    ) -> MilestoneOut:
        await milestones.sign_off(
            user=request.user,
            pilot_id=pilot_id,
            milestone_id=milestone_id,
            decision=data.decision,
            reason=data.reason,
            side=data.side,
        )
        return await api_milestone(pilot_id, milestone_id)
