from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core import db, scheduler
from core.accounts import invitations
from core.clock import utc_now
from core.enums import INVITABLE_ROLES, OutboxStatus, Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label
from core.next_steps import Home, checklist
from core.organiser import queries
from core.permissions import requires_role
from core.sessions import flash
from core.settings import get_settings
from core.web import page

AnyRequest = Request[Any, Any, Any]


async def _invite_context(request: AnyRequest) -> dict[str, Any]:
    """The choices of the invitation form; the domains supply them (see core.app)."""
    options = await request.app.state.invite_options()
    return {
        "role_options": [(role.value, label(role)) for role in INVITABLE_ROLES],
        "edition_options": [(e.id, f"{e.name} ({e.year})") for e in options.editions],
        "municipality_options": [(m.id, m.name) for m in options.municipalities],
        "invitations": await queries.recent_invitations(),
    }


def _day(value: str, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(get_settings().timezone))
    return start + timedelta(days=1) if end else start


def _optional_int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


class OrganiserPages(Controller):
    path = "/organiser"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        async with db.reading():  # a dozen small reads (SQLite: one connection, not one each)
            return page(
                "core/organiser/home.html",
                next_steps=await checklist(Home.ORGANISER, user=request.user, now=utc_now()),
                users=await queries.user_count(),
                pending_mail=(await queries.outbox(status=OutboxStatus.PENDING)).rows,
                recent=(await queries.audit_events()).rows[:10],
            )

    @get("/invites")
    async def invites(self, request: AnyRequest) -> Template:
        return page("core/organiser/invites.html", values={}, errors={}, **await _invite_context(request))

    @post("/invites", opt={"form": "core/organiser/invites.html", "form_context": _invite_context})
    async def send_invite(self, request: AnyRequest, data: FormData) -> Redirect:
        await invitations.invite(
            organiser_id=request.user.id,
            email=field(data, "email"),
            role=field(data, "role"),
            edition_id=_optional_int(field(data, "edition_id")),
            organisation_id=_optional_int(field(data, "organisation_id")),
            message=field(data, "message"),
        )
        flash(request.session, _("Invitation sent to %(email)s.") % {"email": field(data, "email")}, "success")
        return Redirect("/organiser/invites")

    @get("/outbox")
    async def outbox(
        self, status: FromQuery[str] = "", to: FromQuery[str] = "", page_number: FromQuery[int] = 1
    ) -> Template:
        result = await queries.outbox(status=status, to=to, page=page_number)
        return page(
            "core/organiser/outbox.html",
            result=result,
            statuses=list(OutboxStatus),
            filters={"status": status, "to": to},
        )

    @get("/outbox/{message_id:int}")
    async def outbox_message(self, message_id: FromPath[int]) -> Template:
        message = await queries.outbox_message(message_id)
        if message is None:
            raise NotFoundException()
        return page("core/organiser/outbox_message.html", message=message)

    @get("/jobs")
    async def jobs(self) -> Template:
        return page("core/organiser/jobs.html", jobs=await queries.jobs())

    @post("/jobs/{job_id:str}/run")
    async def run_job(self, request: AnyRequest, job_id: FromPath[str]) -> Redirect:
        try:
            await scheduler.request_run(job_id, actor_id=request.user.id)
        except KeyError:
            raise NotFoundException() from None
        flash(request.session, _("The job will run within a few seconds; reload to see the result."), "success")
        return Redirect("/organiser/jobs")

    @get("/audit")
    async def audit(
        self,
        action: FromQuery[str] = "",
        entity: FromQuery[str] = "",
        entity_id: FromQuery[str] = "",
        actor: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
        page_number: FromQuery[int] = 1,
    ) -> Template:
        result = await queries.audit_events(
            action=action,
            entity=entity,
            entity_id=entity_id,
            actor=actor,
            since=_day(since),
            until=_day(until, end=True),
            page=page_number,
        )
        return page(
            "core/organiser/audit.html",
            result=result,
            entities=await queries.audit_entities(),
            filters={
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "actor": actor,
                "since": since,
                "until": until,
            },
        )
