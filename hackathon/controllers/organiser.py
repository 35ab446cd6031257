"""Organisers set up a hackathon, build its schedule, move items by hand and publish it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.services.editions import load_edition
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label
from core.permissions import requires_role
from core.sessions import flash
from core.web import page
from hackathon import queries
from hackathon.enums import FixedKind
from hackathon.services import building, editing, problem, setup
from hackathon.services.setup import load_hackathon
from mentoring.enums import RunStatus

AnyRequest = Request[Any, Any, Any]
BASE = "/organiser/editions/{edition_id:int}/hackathons"


def _base(edition_id: int, hackathon_id: int | None = None) -> str:
    path = f"/organiser/editions/{edition_id}/hackathons"
    return f"{path}/{hackathon_id}" if hackathon_id is not None else f"{path}/"


async def list_context(request: AnyRequest) -> dict[str, Any]:
    edition_id = int(request.path_params["edition_id"])
    return {"edition": await load_edition(edition_id), "hackathons": await setup.hackathons_of(edition_id)}


async def settings_context(request: AnyRequest) -> dict[str, Any]:
    edition_id, hackathon_id = int(request.path_params["edition_id"]), int(request.path_params["hackathon_id"])
    hackathon = await load_hackathon(hackathon_id, edition_id)
    rooms = await setup.rooms_of(hackathon_id)
    for room in rooms:
        room["availability_text"] = setup.windows_text(room["availability"], hackathon["timezone"])
    judges = await setup.judges_of(edition_id)
    names = {j["id"]: j["name"] for j in judges}
    panels = await setup.panels_of(hackathon_id)
    for panel in panels:
        panel["judge_names"] = [names.get(j, f"#{j}") for j in panel["judge_ids"]]
    room_names = {r["id"]: r["name"] for r in rooms}
    sessions = await setup.sessions_of(hackathon_id)
    for session in sessions:
        session["when"] = (
            f"{queries.local_input(session['starts_at'], hackathon['timezone']).replace('T', ' ')} – "
            f"{queries.local_input(session['ends_at'], hackathon['timezone']).replace('T', ' ')}"
        )
        session["room_name"] = room_names.get(session["room"], "")
    return {
        "edition": await load_edition(edition_id),
        "hackathon": hackathon,
        "stored": setup.form_values(hackathon),
        "rooms": rooms,
        "sessions": sessions,
        "kind_options": [(k.value, label(k.value, "FixedKind")) for k in FixedKind],
        "room_choices": [(r["id"], r["name"]) for r in rooms],
        "panels": panels,
        "judge_options": [(j["id"], j["name"]) for j in judges],
    }


def _link(violation: dict[str, Any], item_ids: dict[str, int], base: str) -> str:
    kind, target = violation["target"]
    if kind == "item" and target in item_ids:
        return f"#item-{item_ids[target]}"
    if kind == "team":
        return f"/hackathons/{base.rsplit('/', 1)[-1]}?view=team"
    return {"room": f"{base}#rooms", "panel": f"{base}#panels", "judge": f"{base}#panels"}.get(kind, "#schedule")


async def schedule_context(request: AnyRequest) -> dict[str, Any]:
    edition_id, hackathon_id = int(request.path_params["edition_id"]), int(request.path_params["hackathon_id"])
    hackathon = await load_hackathon(hackathon_id, edition_id)
    run = await building.latest_run(hackathon_id)
    items = await queries.decorated_items(hackathon)
    loaded = await problem.load_problem(hackathon)
    item_ids = {row["ref"]: row["id"] for row in items}
    base = _base(edition_id, hackathon_id)
    violations = [
        {**v, "text": problem.message(v, hackathon["timezone"]), "link": _link(v, item_ids, base)}
        for v in await problem.check_current(loaded)
    ]
    unplaced = [
        {**u, "text": problem.message(u, hackathon["timezone"]), "team_name": loaded.team_names.get(u["team_id"], "?")}
        for u in (run or {}).get("unplaced", [])
    ]
    for row in items:
        row["start_input"] = queries.local_input(row["starts_at"], hackathon["timezone"])
    return {
        "edition": await load_edition(edition_id),
        "hackathon": hackathon,
        "base": base,
        "run": run,
        "running": bool(run and run["status"] == RunStatus.RUNNING),
        "items": items,
        "room_options": [(r.id, r.name) for r in loaded.problem.rooms],
        "violations": violations,
        "errors_count": sum(v["severity"] == "error" for v in violations),
        "unplaced": unplaced,
        "changes": await editing.changes_of(hackathon_id),
        "counts": {
            "teams": len(loaded.problem.teams),
            "judges": len(loaded.problem.judges),
            "mentors": len(loaded.problem.mentors),
            "rooms": len(loaded.problem.rooms),
            "panels": len(loaded.problem.panels),
        },
    }


class HackathonAdminPages(Controller):
    path = BASE
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest) -> Template:
        return page("hackathon/list.html", values=dict(setup.DEFAULTS), errors={}, **await list_context(request))

    @post("/", opt={"form": "hackathon/list.html", "form_context": list_context})
    async def create(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        hackathon_id = await setup.create_hackathon(user=request.user, edition_id=edition_id, data=data)
        flash(request.session, _("The hackathon was created; add its rooms and judging panels."), "success")
        return Redirect(_base(edition_id, hackathon_id))

    @get("/{hackathon_id:int}")
    async def settings_page(self, request: AnyRequest) -> Template:
        return page("hackathon/settings.html", values={}, errors={}, **await settings_context(request))

    @post("/{hackathon_id:int}", opt={"form": "hackathon/settings.html", "form_context": settings_context})
    async def update(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], data: FormData
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.update_hackathon(user=request.user, hackathon_id=hackathon_id, data=data)
        flash(request.session, _("The hackathon was saved."), "success")
        return Redirect(_base(edition_id, hackathon_id))

    @post("/{hackathon_id:int}/rooms", opt={"form": "hackathon/settings.html", "form_context": settings_context})
    async def add_room(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], data: FormData
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.add_room(user=request.user, hackathon_id=hackathon_id, data=data)
        flash(request.session, _("The room was added."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#rooms")

    @post("/{hackathon_id:int}/rooms/{room_id:int}/delete")
    async def remove_room(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], room_id: FromPath[int]
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.remove_room(user=request.user, hackathon_id=hackathon_id, room_id=room_id)
        flash(request.session, _("The room was removed."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#rooms")

    @post("/{hackathon_id:int}/sessions", opt={"form": "hackathon/settings.html", "form_context": settings_context})
    async def add_session(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], data: FormData
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.add_session(user=request.user, hackathon_id=hackathon_id, data=data)
        flash(request.session, _("The session was added; build the schedule again to plan around it."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#sessions")

    @post("/{hackathon_id:int}/sessions/{session_id:int}/delete")
    async def remove_session(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], session_id: FromPath[int]
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.remove_session(user=request.user, hackathon_id=hackathon_id, session_id=session_id)
        flash(request.session, _("The session was removed."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#sessions")

    @post("/{hackathon_id:int}/panels", opt={"form": "hackathon/settings.html", "form_context": settings_context})
    async def add_panel(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], data: FormData
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.add_panel(user=request.user, hackathon_id=hackathon_id, data=data)
        flash(request.session, _("The panel was added."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#panels")

    @post("/{hackathon_id:int}/panels/{panel_id:int}/delete")
    async def remove_panel(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], panel_id: FromPath[int]
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await setup.remove_panel(user=request.user, hackathon_id=hackathon_id, panel_id=panel_id)
        flash(request.session, _("The panel was removed."), "success")
        return Redirect(_base(edition_id, hackathon_id) + "#panels")

    @get("/{hackathon_id:int}/schedule")
    async def schedule_page(self, request: AnyRequest) -> Template:
        return page("hackathon/schedule.html", values={}, errors={}, **await schedule_context(request))

    @post(
        "/{hackathon_id:int}/schedule/build", opt={"form": "hackathon/schedule.html", "form_context": schedule_context}
    )
    async def build(
        self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int], data: FormData
    ) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        limit = field(data, "time_limit").strip()
        await building.start_run(
            user=request.user,
            hackathon_id=hackathon_id,
            time_limit_seconds=int(limit) if limit.isdigit() else building.DEFAULT_TIME_LIMIT,
        )
        flash(request.session, _("The schedule is being built; this page shows the progress."), "info")
        return Redirect(_base(edition_id, hackathon_id) + "/schedule")

    @post(
        "/{hackathon_id:int}/items/{item_id:int}/move",
        opt={"form": "hackathon/schedule.html", "form_context": schedule_context},
    )
    async def move(
        self,
        request: AnyRequest,
        edition_id: FromPath[int],
        hackathon_id: FromPath[int],
        item_id: FromPath[int],
        data: FormData,
    ) -> Redirect:
        hackathon = await load_hackathon(hackathon_id, edition_id)
        room = field(data, "room_id")
        warnings = await editing.move_item(
            user=request.user,
            hackathon_id=hackathon_id,
            item_id=item_id,
            room_id=int(room) if room.isdigit() else None,
            starts_at=editing.parse_start(field(data, "starts_at"), hackathon["timezone"]),
        )
        flash(request.session, _("The item was moved."), "success")
        for warning in warnings:
            flash(
                request.session,
                _("Warning: %(warning)s") % {"warning": problem.message(warning, hackathon["timezone"])},
                "warning",
            )
        return Redirect(_base(edition_id, hackathon_id) + f"/schedule#item-{item_id}")

    @post("/{hackathon_id:int}/publish", opt={"form": "hackathon/schedule.html", "form_context": schedule_context})
    async def publish(self, request: AnyRequest, edition_id: FromPath[int], hackathon_id: FromPath[int]) -> Redirect:
        await load_hackathon(hackathon_id, edition_id)
        await editing.publish(user=request.user, hackathon_id=hackathon_id)
        flash(
            request.session,
            _("The schedule is published; later changes are mailed to the people concerned."),
            "success",
        )
        return Redirect(_base(edition_id, hackathon_id) + "/schedule")
