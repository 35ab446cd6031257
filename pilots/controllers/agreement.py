"""The agreement's pages: an edition's pilots and "open a pilot" (organisers), a party's own
pilots, and a pilot's overview where its sides sign, the organisers amend it and move it along."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.records import EditionRow
from challenge.services.editions import edition_scope
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label
from core.permissions import requires_role
from core.scopes import Scoped
from core.sessions import flash
from core.web import page
from pilots import forms
from pilots.enums import PilotProcurement
from pilots.queries import agreement as queries
from pilots.queries.pilots import pilot_scope
from pilots.queries.public_charts import day
from pilots.records import PilotRow
from pilots.services import agreement, opening

AnyRequest = Request[Any, Any, Any]


def _work(pilot_id: int) -> str:
    return f"/pilots/{pilot_id}/work"


def _procurements() -> list[tuple[str, str]]:
    return [(p.value, label(p.value, "PilotProcurement")) for p in PilotProcurement]


async def edition_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {
        "edition": edition,
        "pilots": await queries.pilots_of_edition(edition.id),
        "candidates": await queries.candidates(edition.id),
        "procurements": _procurements(),
        "mentors": await queries.mentor_options(),
        "day": day,
    }


class EditionPilotPages(Controller):
    """An edition's pilots, and the form that opens one from a winner or an advanced application."""

    path = "/organiser/editions/{edition_id:int}/pilots"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest) -> Template:
        values = {"procurement": PilotProcurement.DIRECT_PILOT.value}
        return page("pilots/agree/edition.html", values=values, errors={}, **await edition_context(request))

    @post("/", opt={"form": "pilots/agree/edition.html", "form_context": edition_context})
    async def open(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        pilot_id = await opening.open_pilot(user=request.user, command=forms.open_command(data), edition_id=edition.id)
        flash(
            request.session,
            _("The pilot is open. Version 1 of its agreement waits for the three signatures."),
            "success",
        )
        return Redirect(_work(pilot_id))


class MyPilotPages(Controller):
    path = "/pilots/mine"
    guards = [requires_role(Role.ORGANISER, Role.MUNICIPALITY, Role.STARTUP, Role.MENTOR)]
    include_in_schema = False

    @get("/")
    async def mine(self, request: AnyRequest) -> Template:
        return page("pilots/agree/mine.html", pilots=await queries.pilots_of_party(request.user), day=day)


async def work_context(request: AnyRequest) -> dict[str, Any]:
    pilot = pilot_scope.of(request)
    view = await queries.work_view(request.user, pilot)
    return {
        "pilot": pilot,
        "view": view,
        "procurements": _procurements(),
        "mentors": await queries.mentor_options(),
        "active": "overview",
        "defaults": forms.terms_values(view.current.terms),
        "day": day,
    }


WORK = {"form": "pilots/agree/work.html", "form_context": work_context}


class PilotWorkPages(Controller):
    """A pilot's overview: parties, status, terms in force, versions and signatures."""

    path = "/pilots/{pilot_id:int}/work"
    guards = [pilot_scope.guard]
    dependencies = pilot_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def overview(self, request: AnyRequest) -> Template:
        return page("pilots/agree/work.html", values={}, errors={}, **await work_context(request))

    @post("/versions", opt=WORK)
    async def amend(self, request: AnyRequest, pilot: Scoped[PilotRow], data: FormData) -> Redirect:
        command, note = forms.amend_command(data)
        number = await agreement.amend(user=request.user, pilot_id=pilot.id, command=command, note=note)
        flash(
            request.session,
            _("Version %(number)s is written; every side signs it again.") % {"number": number},
            "success",
        )
        return Redirect(_work(pilot.id) + "#current")

    @post("/versions/{number:int}/sign", opt=WORK)
    async def sign(
        self, request: AnyRequest, pilot: Scoped[PilotRow], number: FromPath[int], data: FormData
    ) -> Redirect:
        signed = await agreement.sign(user=request.user, pilot_id=pilot.id, number=number, side=forms.side_field(data))
        if signed.in_force:
            message = _("Signed. Every side has signed: version %(number)s is in force.")
        else:
            message = _("Signed. The other sides are told; version %(number)s is in force once all three have signed.")
        flash(request.session, message % {"number": number}, "success")
        return Redirect(_work(pilot.id) + "#current")

    @post("/actions", opt=WORK)
    async def act(self, request: AnyRequest, pilot: Scoped[PilotRow], data: FormData) -> Redirect:
        status = await agreement.take_action(
            user=request.user, pilot_id=pilot.id, action=forms.action_field(data), reason=field(data, "reason")
        )
        flash(request.session, _("The pilot is now: %(status)s.") % {"status": label(status, "PilotStatus")}, "success")
        return Redirect(_work(pilot.id))
