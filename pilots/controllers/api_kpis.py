"""JSON API of pilots' KPIs: public reads of accepted and disputed values, writes for the right sides."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from core.clock import utc_now
from core.permissions import current_user, login_required
from pilots.enums import MeasurementStatus
from pilots.queries import kpis as kpi_queries
from pilots.schemas import KpiCreatedOut, KpiIn, MeasurementIn, MeasurementOut, PublicKpiOut, ReviewIn
from pilots.services import kpis, measurements

AnyRequest = Request[Any, Any, Any]


class KpiApi(Controller):
    path = "/api/v1/pilots/{pilot_id:int}/kpis"
    tags = ["pilots"]

    @get(
        "/",
        summary="A pilot's KPIs with their accepted and disputed values (never evidence or reviewers); "
        "404 for a pilot in draft",
    )
    async def list_kpis(self, request: AnyRequest, pilot_id: FromPath[int]) -> list[PublicKpiOut]:
        found = await kpi_queries.published_kpis(pilot_id, viewer=current_user(request))
        return msgspec.convert(found, list[PublicKpiOut], from_attributes=True)

    @post(
        "/",
        guards=[login_required],
        summary="Define a KPI (organisers and the municipality's staff); 422 names the refused fields",
    )
    async def define(self, request: AnyRequest, pilot_id: FromPath[int], data: JSONBody[KpiIn]) -> KpiCreatedOut:
        defined = await kpis.define_kpi(user=request.user, pilot_id=pilot_id, kpi=data)
        return KpiCreatedOut(id=defined.id, pilot_id=defined.pilot)

    @post(
        "/{kpi_id:int}/measurements",
        guards=[login_required],
        summary="Report a value (the KPI's reporting side, while the pilot reports); evidence only through the page",
    )
    async def report(
        self, request: AnyRequest, pilot_id: FromPath[int], kpi_id: FromPath[int], data: JSONBody[MeasurementIn]
    ) -> MeasurementOut:
        measurement_id = await measurements.report_measurement(
            user=request.user, pilot_id=pilot_id, kpi_id=kpi_id, measurement=data, now=utc_now()
        )
        return MeasurementOut(
            id=measurement_id,
            kpi_id=kpi_id,
            measured_on=data.measured_on,
            value=data.value,
            status=MeasurementStatus.REPORTED,
        )

    @post(
        "/{kpi_id:int}/measurements/{measurement_id:int}/reviews",
        guards=[login_required],
        summary="Accept or dispute a value (the sides that did not report it); a dispute needs its reason",
    )
    async def review(
        self,
        request: AnyRequest,
        pilot_id: FromPath[int],
        kpi_id: FromPath[int],
        measurement_id: FromPath[int],
        data: JSONBody[ReviewIn],
    ) -> MeasurementOut:
        status = await measurements.review_measurement(
            user=request.user, pilot_id=pilot_id, kpi_id=kpi_id, measurement_id=measurement_id, review=data
        )
        found = await kpi_queries.load_measurement(kpi_id=kpi_id, measurement_id=measurement_id)
        return MeasurementOut(
            id=found.id, kpi_id=kpi_id, measured_on=found.measured_on, value=found.value, status=status
        )
