"""The pilots' open data: its page, its files and its DCAT-AP description, at stable addresses
(`/open-data/pilots/...`) that an open-data portal harvests; absolute links from BASE_URL."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from core import pagecache
from core.clock import utc_now
from core.settings import get_settings
from core.web import page
from pilots.queries import open_data

AnyRequest = Request[Any, Any, Any]
CSV = "text/csv; charset=utf-8"


async def _file(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    # Built once per content change like the public pages: a portal's harvester and a deadline
    # rush of readers cost the same as one reader.
    async def build() -> bytes:
        data = await open_data.dataset(base_url=get_settings().base_url)
        kind = open_data.CSV_FILES[name].kind
        return open_data.csv_file(open_data.rows_of(data, name), kind).encode()  # type: ignore[arg-type]

    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return await pagecache.public_resource(request, build, media_type=CSV, headers=headers)


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
    async def pilots(self, request: AnyRequest) -> Response[bytes]:
        return await _file(request, "pilots.csv")

    @get("/kpis.csv")
    async def kpis(self, request: AnyRequest) -> Response[bytes]:
        return await _file(request, "kpis.csv")

    @get("/measurements.csv")
    async def measurements(self, request: AnyRequest) -> Response[bytes]:
        return await _file(request, "measurements.csv")

    @get("/milestones.csv")
    async def milestones(self, request: AnyRequest) -> Response[bytes]:
        return await _file(request, "milestones.csv")

    @get("/feedback.csv")
    async def feedback(self, request: AnyRequest) -> Response[bytes]:
        return await _file(request, "feedback.csv")

    @get("/pilots.json")
    async def everything(self, request: AnyRequest) -> Response[bytes]:
        async def build() -> bytes:
            settings = get_settings()
            data = await open_data.dataset(base_url=settings.base_url)
            return open_data.json_document(data, base_url=settings.base_url, settings=settings.open_data, now=utc_now())

        return await pagecache.public_resource(request, build, media_type="application/json", headers={})

    @get("/dcat.jsonld")
    async def dcat(self) -> Response[Any]:
        settings = get_settings()
        description = open_data.dcat_description(
            base_url=settings.base_url, settings=settings.open_data, when=await open_data.dates()
        )
        return Response(description, media_type="application/ld+json")
