"""The pilots' open data: its page, its files and its DCAT-AP description, at stable addresses
(`/open-data/pilots/...`) that an open-data portal harvests; absolute links from BASE_URL."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.response import Template

from core.clock import utc_now
from core.settings import get_settings
from core.web import page
from pilots.queries import open_data

CSV = "text/csv; charset=utf-8"


def _csv(name: str, body: str) -> Response[str]:
    return Response(body, media_type=CSV, headers={"content-disposition": f'attachment; filename="{name}"'})


async def _file(name: str) -> Response[str]:
    data = await open_data.dataset(base_url=get_settings().base_url)
    return _csv(name, open_data.csv_file(open_data.rows_of(data, name), open_data.CSV_FILES[name].kind))  # type: ignore[arg-type]


class OpenDataPages(Controller):
    path = open_data.PATH
    include_in_schema = False

    @get("/")
    async def index(self) -> Template:
        settings = get_settings()
        return page(
            "pilots/open_data/index.html",
            base_url=settings.base_url,
            path=open_data.PATH,
            licence=settings.open_data,
            distributions=open_data.DISTRIBUTIONS,
            when=await open_data.dates(),
        )

    @get("/pilots.csv")
    async def pilots(self) -> Response[str]:
        return await _file("pilots.csv")

    @get("/kpis.csv")
    async def kpis(self) -> Response[str]:
        return await _file("kpis.csv")

    @get("/measurements.csv")
    async def measurements(self) -> Response[str]:
        return await _file("measurements.csv")

    @get("/milestones.csv")
    async def milestones(self) -> Response[str]:
        return await _file("milestones.csv")

    @get("/feedback.csv")
    async def feedback(self) -> Response[str]:
        return await _file("feedback.csv")

    @get("/pilots.json")
    async def everything(self) -> Response[bytes]:
        settings = get_settings()
        data = await open_data.dataset(base_url=settings.base_url)
        body = open_data.json_document(data, base_url=settings.base_url, settings=settings.open_data, now=utc_now())
        return Response(body, media_type="application/json")

    @get("/dcat.jsonld")
    async def dcat(self) -> Response[Any]:
        settings = get_settings()
        description = open_data.dcat_description(
            base_url=settings.base_url, settings=settings.open_data, when=await open_data.dates()
        )
        return Response(description, media_type="application/ld+json")
