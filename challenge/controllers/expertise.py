"""Organisers curate the expertise vocabulary startups and mentors choose from."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.services import expertise
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.permissions import requires_role
from core.sessions import flash
from core.web import page

AnyRequest = Request[Any, Any, Any]


async def _context(request: AnyRequest) -> dict[str, Any]:
    return {"tags": await expertise.tags()}


class ExpertisePages(Controller):
    path = "/organiser/expertise"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def vocabulary(self, request: AnyRequest) -> Template:
        return page("challenge/expertise.html", values={}, errors={}, **await _context(request))

    @post("/", opt={"form": "challenge/expertise.html", "form_context": _context})
    async def add(self, request: AnyRequest, data: FormData) -> Redirect:
        await expertise.add_tag(user=request.user, name=field(data, "name"))
        flash(request.session, _("The tag was added."), "success")
        return Redirect("/organiser/expertise/")

    @post("/{slug:str}", opt={"form": "challenge/expertise.html", "form_context": _context})
    async def update(self, request: AnyRequest, slug: FromPath[str], data: FormData) -> Redirect:
        await expertise.update_tag(
            user=request.user, slug=slug, name=field(data, "name"), active=field(data, "active") == "on"
        )
        flash(request.session, _("The tag was saved."), "success")
        return Redirect("/organiser/expertise/")
