"""Organisers set up a hackathon, build its schedule, move items by hand and publish it."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.records import EditionRow
from challenge.services.editions import edition_scope, load_edition
from core.forms import FormData
from core.i18n import gettext as _
from core.i18n import label
from core.sessions import flash
from core.web import page
from hackathon import forms
from hackathon.enums import FixedKind
from hackathon.queries import hackathons, items, runs
from hackathon.queries import setup as setup_queries
from hackathon.queries.hackathons import hackathon_scope
from hackathon.records import HackathonRow, StoredViolation, UnplacedLine, ViolationLine
from hackathon.services import building, editing, problem, setup
from mentoring.enums import RunStatus

AnyRequest = Request[Any, Any, Any]
# The hackathon `hackathon_scope.guard` loaded for the route (of the edition in its path).
Scoped = NamedDependency[HackathonRow]
ScopedEdition = NamedDependency[EditionRow]
BASE = "/organiser/editions/{edition_id:int}/hackathons"


def _base(edition_id: int, hackathon_id: int | None = None) -> str:
    path = f"/organiser/editions/{edition_id}/hackathons"
    return f"{path}/{hackathon_id}" if hackathon_id is not None else f"{path}/"


def _page_of(hackathon: Scoped, anchor: str = "") -> str:
    return _base(hackathon.edition, hackathon.id) + anchor


async def list_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {"edition": edition, "hackathons": await hackathons.hackathons_of(edition.id)}


async def settings_context(request: AnyRequest) -> dict[str, Any]:
    hackathon = hackathon_scope.of(request)
    view = await setup_queries.setup_view(hackathon)
    return {
        "edition": await load_edition(hackathon.edition),
        "hackathon": hackathon,
        "stored": forms.form_values(hackathon),
        "rooms": view.rooms,
        "sessions": view.sessions,
        "kind_options": [(k.value, label(k.value, "FixedKind")) for k in FixedKind],
        "room_choices": view.room_choices,
        "panels": view.panels,
        "judge_options": view.judge_options,
    }


def _link(violation: StoredViolation, item_ids: dict[str, int], base: str) -> str:
    kind, target = violation.target
    if kind == "item" and target in item_ids:
        return f"#item-{item_ids[target]}"
    if kind == "team":
        return f"/hackathons/{base.rsplit('/', 1)[-1]}?view=team"
    return {"room": f"{base}#rooms", "panel": f"{base}#panels", "judge": f"{base}#panels"}.get(kind, "#schedule")


async def schedule_context(request: AnyRequest) -> dict[str, Any]:
    hackathon = hackathon_scope.of(request)
    run = await runs.latest_run(hackathon.id)
    rows = await items.decorated_items(hackathon)
    loaded = await problem.load_problem(hackathon)
    item_ids = {row.ref: row.id for row in rows}
    base = _page_of(hackathon)
    violations = [
        ViolationLine(
            **msgspec.structs.asdict(v), text=problem.message(v, hackathon.timezone), link=_link(v, item_ids, base)
        )
        for v in await problem.check_current(loaded)
    ]
    unplaced = [
        UnplacedLine(
            **msgspec.structs.asdict(u),
            text=problem.message(u, hackathon.timezone),
            team_name=loaded.team_names.get(u.team_id, "?"),
        )
        for u in (run.unplaced if run else [])
    ]
    return {
        "edition": await load_edition(hackathon.edition),
        "hackathon": hackathon,
        "base": base,
        "run": run,
        "running": bool(run and run.status == RunStatus.RUNNING),
        "items": rows,
        "room_options": [(r.id, r.name) for r in loaded.problem.rooms],
        "violations": violations,
        "errors_count": sum(v.severity == "error" for v in violations),
        "unplaced": unplaced,
        "changes": await runs.changes_of(hackathon.id),
        "counts": {
            "teams": len(loaded.problem.teams),
            "judges": len(loaded.problem.judges),
            "mentors": len(loaded.problem.mentors),
            "rooms": len(loaded.problem.rooms),
            "panels": len(loaded.problem.panels),
        },
    }


class HackathonListPages(Controller):
    """An edition's hackathons, and a new one."""

    path = BASE
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest) -> Template:
        return page("hackathon/list.html", values=dict(forms.DEFAULTS), errors={}, **await list_context(request))

    @post("/", opt={"form": "hackathon/list.html", "form_context": list_context})
    async def create(self, request: AnyRequest, edition: ScopedEdition, data: FormData) -> Redirect:
        command = forms.hackathon_command(data)
        hackathon_id = await setup.create_hackathon(user=request.user, edition_id=edition.id, command=command)
        flash(request.session, _("The hackathon was created; add its rooms and judging panels."), "success")
        return Redirect(_base(edition.id, hackathon_id))


SETTINGS = {"form": "hackathon/settings.html", "form_context": settings_context}
SCHEDULE = {"form": "hackathon/schedule.html", "form_context": schedule_context}


class HackathonAdminPages(Controller):
    """One hackathon of the edition: its settings, rooms, sessions, panels and schedule."""

    path = BASE + "/{hackathon_id:int}"
    guards = [hackathon_scope.guard]
    dependencies = hackathon_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def settings_page(self, request: AnyRequest) -> Template:
        return page("hackathon/settings.html", values={}, errors={}, **await settings_context(request))

    @post("/", opt=SETTINGS)
    async def update(self, request: AnyRequest, hackathon: Scoped, data: FormData) -> Redirect:
        command = forms.hackathon_command(data)
        await setup.update_hackathon(user=request.user, hackathon_id=hackathon.id, command=command)
        flash(request.session, _("The hackathon was saved."), "success")
        return Redirect(_page_of(hackathon))

    @post("/rooms", opt=SETTINGS)
    async def add_room(self, request: AnyRequest, hackathon: Scoped, data: FormData) -> Redirect:
        command = forms.room_command(data, hackathon.timezone)
        await setup.add_room(user=request.user, hackathon_id=hackathon.id, command=command)
        flash(request.session, _("The room was added."), "success")
        return Redirect(_page_of(hackathon, "#rooms"))

    @post("/rooms/{room_id:int}/delete")
    async def remove_room(self, request: AnyRequest, hackathon: Scoped, room_id: FromPath[int]) -> Redirect:
        await setup.remove_room(user=request.user, hackathon_id=hackathon.id, room_id=room_id)
        flash(request.session, _("The room was removed."), "success")
        return Redirect(_page_of(hackathon, "#rooms"))

    @post("/sessions", opt=SETTINGS)
    async def add_session(self, request: AnyRequest, hackathon: Scoped, data: FormData) -> Redirect:
        command = forms.session_command(data, hackathon, await setup_queries.room_ids(hackathon.id))
        await setup.add_session(user=request.user, hackathon_id=hackathon.id, command=command)
        flash(request.session, _("The session was added; build the schedule again to plan around it."), "success")
        return Redirect(_page_of(hackathon, "#sessions"))

    @post("/sessions/{session_id:int}/delete")
    async def remove_session(self, request: AnyRequest, hackathon: Scoped, session_id: FromPath[int]) -> Redirect:
        await setup.remove_session(user=request.user, hackathon_id=hackathon.id, session_id=session_id)
        flash(request.session, _("The session was removed."), "success")
        return Redirect(_page_of(hackathon, "#sessions"))

    @post("/panels", opt=SETTINGS)
    async def add_panel(self, request: AnyRequest, hackathon: Scoped, data: FormData) -> Redirect:
        judges = {j.id for j in await setup_queries.judges_of(hackathon.edition)}
        await setup.add_panel(user=request.user, hackathon_id=hackathon.id, command=forms.panel_command(data, judges))
        flash(request.session, _("The panel was added."), "success")
        return Redirect(_page_of(hackathon, "#panels"))

    @post("/panels/{panel_id:int}/delete")
    async def remove_panel(self, request: AnyRequest, hackathon: Scoped, panel_id: FromPath[int]) -> Redirect:
        await setup.remove_panel(user=request.user, hackathon_id=hackathon.id, panel_id=panel_id)
        flash(request.session, _("The panel was removed."), "success")
        return Redirect(_page_of(hackathon, "#panels"))

    @get("/schedule")
    async def schedule_page(self, request: AnyRequest) -> Template:
        return page("hackathon/schedule.html", values={}, errors={}, **await schedule_context(request))

    @post("/schedule/build", opt=SCHEDULE)
    async def build(self, request: AnyRequest, hackathon: Scoped, data: FormData) -> Redirect:
        limit = forms.time_limit(data)
        await building.start_run(
            user=request.user,
            hackathon_id=hackathon.id,
            time_limit_seconds=building.DEFAULT_TIME_LIMIT if limit is None else limit,
        )
        flash(request.session, _("The schedule is being built; this page shows the progress."), "info")
        return Redirect(_page_of(hackathon, "/schedule"))

    @post("/items/{item_id:int}/move", opt=SCHEDULE)
    async def move(self, request: AnyRequest, hackathon: Scoped, item_id: FromPath[int], data: FormData) -> Redirect:
        warnings = await editing.move_item(
            user=request.user,
            hackathon_id=hackathon.id,
            item_id=item_id,
            room_id=forms.room_choice(data),
            starts_at=forms.start_choice(data, hackathon.timezone),
        )
        flash(request.session, _("The item was moved."), "success")
        for warning in warnings:
            text = problem.message(warning, hackathon.timezone)
            flash(request.session, _("Warning: %(warning)s") % {"warning": text}, "warning")
        return Redirect(_page_of(hackathon, f"/schedule#item-{item_id}"))

    @post("/publish", opt=SCHEDULE)
    async def publish(self, request: AnyRequest, hackathon: Scoped) -> Redirect:
        await editing.publish(user=request.user, hackathon_id=hackathon.id)
        flash(
            request.session,
            _("The schedule is published; later changes are mailed to the people concerned."),
            "success",
        )
        return Redirect(_page_of(hackathon, "/schedule"))
