"""The pilots' public pages: the list, a pilot's page and an edition's roll-up (served from the
page cache to anonymous visitors, as the catalogue is)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from challenge.rules.sdgs import SDGS
from core import pagecache
from core.clock import utc_now
from core.errors import NotFound
from core.web import page
from pilots.queries import public, public_charts
from pilots.queries.pilots import local_day

AnyRequest = Request[Any, Any, Any]

# A chart image: its own style inside it and nothing else (an image runs no script and loads
# nothing; the policy says so for one opened on its own); browsers keep it a minute.
CHART_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Cache-Control": "public, max-age=60",
}
# How many of a KPI's values the pilot's page lists beside its chart; the KPI's own page lists all.
RECENT_VALUES = 6
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=100_000, description="Page of 20 pilots, from 1")]


def _hour() -> str:
    # A milestone turns overdue when a date passes, which no audited change announces: the
    # cached pages that show it are drawn again each hour (once, not per visitor).
    return utc_now().strftime("%Y-%m-%dT%H")


class PublicPilotPages(Controller):
    include_in_schema = False

    @get("/pilots")
    async def pilots(
        self,
        request: AnyRequest,
        edition: FromQuery[str] = "",
        municipality: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        sdg: FromQuery[str] = "",
        page_number: PageNumber = 1,
    ) -> Response[Any]:
        filters = public.PilotFilters.from_query(edition=edition, municipality=municipality, kind=kind, sdg=sdg)

        async def build() -> Template:
            result = await public.public_pilot_page(filters, page=page_number)
            return page(
                "pilots/public/list.html",
                pilots=result.rows,
                result=result,
                link_query={name: value for name, value in filters.query().items() if value},
                filters=filters,
                choices=await public.filter_choices(),
                kinds=public.KINDS,
                sdg_names=SDGS,
                day=public_charts.day,
            )

        return await pagecache.public_page(request, build)

    @get("/pilots/{pilot_id:int}")
    async def pilot(self, request: AnyRequest, pilot_id: FromPath[int]) -> Response[Any]:
        async def build() -> Template:
            view = await public.pilot_page(pilot_id, today=await local_day(pilot_id, now=utc_now()))
            return page(
                "pilots/public/page.html",
                view=view,
                recent=RECENT_VALUES,
                feedback=public_charts.feedback_figures(view.feedback),
                sdg_names=SDGS,
                day=public_charts.day,
                number=public_charts.number,
            )

        return await pagecache.public_page(request, build, vary=_hour())

    @get("/pilots/{pilot_id:int}/kpis/{kpi_id:int}")
    async def kpi(self, request: AnyRequest, pilot_id: FromPath[int], kpi_id: FromPath[int]) -> Response[Any]:
        async def build() -> Template:
            view = await public.pilot_page(pilot_id, today=await local_day(pilot_id, now=utc_now()))
            kpi = next((kpi for kpi in view.kpis if kpi.id == kpi_id), None)
            if kpi is None:
                raise NotFound(public.NO_SUCH_KPI)
            return page(
                "pilots/public/kpi.html",
                view=view,
                kpi=kpi,
                chart=public_charts.kpi_chart(kpi, view.pilot),
                day=public_charts.day,
                number=public_charts.number,
            )

        return await pagecache.public_page(request, build, vary=_hour())

    @get("/pilots/{pilot_id:int}/kpis/{kpi_id:int}/chart.svg", media_type="image/svg+xml")
    async def kpi_chart(self, request: AnyRequest, pilot_id: FromPath[int], kpi_id: FromPath[int]) -> Response[bytes]:
        async def build() -> bytes:
            view = await public.pilot_page(pilot_id, today=await local_day(pilot_id, now=utc_now()))
            kpi = next((kpi for kpi in view.kpis if kpi.id == kpi_id), None)
            if kpi is None:
                raise NotFound(public.NO_SUCH_KPI)
            return public_charts.kpi_chart_image(kpi, view.pilot)

        return await pagecache.public_resource(request, build, media_type="image/svg+xml", headers=CHART_HEADERS)

    @get("/editions/{slug:str}/pilots")
    async def edition(self, request: AnyRequest, slug: FromPath[str]) -> Response[Any]:
        async def build() -> Template:
            rollup = await public.edition_rollup(slug)
            return page(
                "pilots/public/edition.html",
                rollup=rollup,
                figures=public_charts.rollup_figures(rollup),
                day=public_charts.day,
            )

        return await pagecache.public_page(request, build)
