from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from challenge import labels as _labels  # noqa: F401 - registers the value labels
from challenge import queries
from core.enums import Role
from core.permissions import requires_role
from core.web import page

AnyRequest = Request[Any, Any, Any]


class EditionOut(msgspec.Struct):
    id: int
    name: str
    year: int
    slug: str
    timezone: str
    tracks: list[str]
    description: str


class PublicPages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self) -> Template:
        editions = await queries.editions()
        return page("challenge/home.html", current=editions[0] if editions else None, editions=editions)

    @get("/editions/{slug:str}")
    async def edition(self, slug: FromPath[str]) -> Template:
        edition = await queries.edition_by_slug(slug)
        if edition is None:
            raise NotFoundException()
        return page("challenge/edition.html", edition=edition)


class RoleHomes(Controller):
    include_in_schema = False

    @get("/municipality", guards=[requires_role(Role.MUNICIPALITY)])
    async def municipality_home(self, request: AnyRequest) -> Template:
        ids = request.user.organisations(Role.MUNICIPALITY)
        return page("challenge/municipality_home.html", municipalities=await queries.municipalities(ids))

    @get("/startup", guards=[requires_role(Role.STARTUP)])
    async def startup_home(self, request: AnyRequest) -> Template:
        ids = request.user.organisations(Role.STARTUP)
        return page("challenge/startup_home.html", startups=await queries.startups(ids))


class EditionApi(Controller):
    path = "/api/v1/editions"
    tags = ["editions"]

    @get("/", summary="All editions, newest first")
    async def list_editions(self) -> list[EditionOut]:
        return msgspec.convert(await queries.editions(), list[EditionOut])

    @get("/{slug:str}", summary="One edition")
    async def get_edition(self, slug: FromPath[str]) -> EditionOut:
        edition = await queries.edition_by_slug(slug)
        if edition is None:
            raise NotFoundException()
        return msgspec.convert(edition, EditionOut)
