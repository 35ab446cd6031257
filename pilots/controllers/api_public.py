"""The pilots' collection in the JSON API: what /pilots and a pilot's page show, for everyone (a
draft pilot does not exist here either: 404), and the organisers' POST that opens a new pilot
(one controller: Litestar takes one handler set per path)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from challenge.enums import SettlementKind
from core.enums import Role
from core.permissions import requires_role
from core.settings import get_settings
from pilots.queries import public
from pilots.queries.agreement import agreement_out
from pilots.schemas import OpenPilotIn, PilotAgreementOut, PilotPublicOut, PilotSummaryOut
from pilots.services import opening


def summary_out(pilot: public.ListedPilot) -> PilotSummaryOut:
    return PilotSummaryOut(
        id=pilot.id,
        title=pilot.title,
        status=pilot.status,
        edition=pilot.edition_slug,
        edition_year=pilot.edition_year,
        municipality_id=pilot.municipality_id,
        municipality=pilot.municipality_name,
        municipality_kind=pilot.kind,
        startup=pilot.startup_name,
        problem_id=pilot.problem_id,
        sdgs=sorted({int(goal) for goal in pilot.sdgs}),
        starts_on=pilot.starts_on,
        ends_on=pilot.ends_on,
        url=f"{get_settings().base_url}/pilots/{pilot.id}",
    )


def pilot_out(pilot: public.PublicPilot) -> PilotPublicOut:
    return PilotPublicOut(
        **{name: getattr(summary_out(pilot), name) for name in PilotSummaryOut.__struct_fields__},
        problem_title=pilot.problem_title,
        scope=pilot.scope,
        locations=list(pilot.locations),
        procurement=pilot.procurement,
        budget_eur=pilot.budget_eur,
        funded_by=pilot.funded_by,
        stop_reason=pilot.stop_reason,
        version_in_force=pilot.version_in_force,
        agreed_at=pilot.agreed_at,
        started_at=pilot.started_at,
        ended_at=pilot.ended_at,
    )


class PublicPilotApi(Controller):
    path = "/api/v1/pilots"
    tags = ["pilots"]

    @get(
        "/",
        summary="Public pilots (agreed, running, completed or stopped), filtered as on /pilots",
        description="`edition` is an edition's slug; `sdg` a UN Sustainable Development Goal (1-17) of the "
        "pilot's problem; `kind` the municipality's settlement kind.",
    )
    async def list_pilots(
        self,
        edition: FromQuery[str] = "",
        municipality: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
        kind: FromQuery[SettlementKind | None] = None,
        sdg: Annotated[int | None, QueryParameter(ge=1, le=17)] = None,
    ) -> list[PilotSummaryOut]:
        filters = public.PilotFilters(edition=edition, municipality=municipality, kind=kind or "", sdg=sdg)
        return [summary_out(pilot) for pilot in await public.public_pilots(filters)]

    @post(
        "/",
        guards=[requires_role(Role.ORGANISER)],
        summary="Open a pilot in draft from an application that won or advanced, for one of its problems",
        status_code=201,
    )
    async def open(self, request: Request[Any, Any, Any], data: JSONBody[OpenPilotIn]) -> PilotAgreementOut:
        return await agreement_out(await opening.open_pilot(user=request.user, command=data))

    @get("/{pilot_id:int}", summary="One public pilot and the public terms of its agreement; 404 for a draft")
    async def get_pilot(self, pilot_id: FromPath[int]) -> PilotPublicOut:
        return pilot_out(await public.public_pilot(pilot_id))
