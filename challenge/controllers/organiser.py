"""Organisers: editions and their timeline, municipalities, and the review of problems."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.enums import PHASE_ORDER, ProblemStatus, Track
from challenge.forms import edition_command, edition_form_values, problem_form_choices
from challenge.queries import editions as edition_queries
from challenge.queries import problems as problem_queries
from challenge.records import EditionRow
from challenge.rules.problems import ORGANISER_ACTIONS, allowed_actions
from challenge.services import editions, municipalities, problems
from challenge.services.editions import edition_scope
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label
from core.permissions import requires_role
from core.scopes import Scoped
from core.sessions import flash
from core.web import page

AnyRequest = Request[Any, Any, Any]
TIMEZONES = sorted(zone for zone in available_timezones() if zone.startswith(("Europe/", "UTC")))


def _edition_form_choices() -> dict[str, Any]:
    return {
        "phases": PHASE_ORDER,
        "track_options": [(t.value, label(t)) for t in Track],
        "timezone_options": [(zone, zone) for zone in TIMEZONES],
    }


async def _new_edition_context(request: AnyRequest) -> dict[str, Any]:
    return {**_edition_form_choices(), "edition": None}


async def _edition_form_context(request: AnyRequest) -> dict[str, Any]:
    return {**_edition_form_choices(), "edition": edition_scope.of(request)}


async def _review_context(request: AnyRequest) -> dict[str, Any]:
    problem_id = int(request.path_params["problem_id"])
    problem = await problem_queries.problem_for_staff(problem_id)
    return {
        "problem": problem,
        "history": await problem_queries.problem_history(problem_id),
        "attachments": await problem_queries.attachments(problem_id),
        "actions": sorted(a.value for a in allowed_actions(ProblemStatus(problem.status)) & ORGANISER_ACTIONS),
    }


class EditionAdminPages(Controller):
    path = "/organiser/editions"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def list_editions(self) -> Template:
        states = [await editions.edition_state(row) for row in await edition_queries.editions()]
        return page("challenge/editions/list.html", states=states)

    @get("/new")
    async def new_edition(self) -> Template:
        values = {"timezone": "Europe/Belgrade", "tracks": [t.value for t in Track], "application_grace_minutes": 0}
        return page("challenge/editions/form.html", values=values, errors={}, edition=None, **_edition_form_choices())

    @post("/new", opt={"form": "challenge/editions/form.html", "form_context": _new_edition_context})
    async def create_edition(self, request: AnyRequest, data: FormData) -> Redirect:
        command, grace = edition_command(data)
        edition_id = await editions.create_edition(organiser_id=request.user.id, edition=command, grace_minutes=grace)
        flash(request.session, _("The edition was created."), "success")
        return Redirect(f"/organiser/editions/{edition_id}/edit")


class EditionPages(Controller):
    """One edition's settings, phase and review queue: the edition scope loads it once."""

    path = "/organiser/editions/{edition_id:int}"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/edit")
    async def edit_edition(self, edition: Scoped[EditionRow]) -> Template:
        state = await editions.edition_state(edition)
        return page(
            "challenge/editions/form.html",
            values=edition_form_values(edition, state.timeline),
            errors={},
            edition=edition,
            state=state,
            **_edition_form_choices(),
        )

    @post("/edit", opt={"form": "challenge/editions/form.html", "form_context": _edition_form_context})
    async def update_edition(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        command, grace = edition_command(data)
        await editions.update_edition(
            organiser_id=request.user.id, edition_id=edition.id, edition=command, grace_minutes=grace
        )
        flash(request.session, _("The edition was saved."), "success")
        return Redirect(f"/organiser/editions/{edition.id}/edit")

    @post("/phase")
    async def move_phase(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        await editions.move_phase(organiser_id=request.user.id, edition_id=edition.id, phase=field(data, "phase"))
        flash(request.session, _("The phase was changed."), "success")
        return Redirect("/organiser/editions/")

    @post("/copy")
    async def copy_edition(self, request: AnyRequest, edition: Scoped[EditionRow]) -> Redirect:
        new_id = await editions.copy_edition(organiser_id=request.user.id, edition_id=edition.id)
        flash(request.session, _("Next year's edition was created; check its dates."), "success")
        return Redirect(f"/organiser/editions/{new_id}/edit")

    @get("/problems")
    async def review_queue(self, edition: Scoped[EditionRow], status: FromQuery[str] = "") -> Template:
        return page(
            "challenge/editions/problems.html",
            edition=edition,
            problems=await problem_queries.review_queue(edition_id=edition.id, status=status),
            statuses=[s for s in ProblemStatus if s != ProblemStatus.DRAFT],
            status=status,
        )


class ProblemReviewPages(Controller):
    path = "/organiser/problems"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/{problem_id:int}")
    async def review(self, request: AnyRequest, problem_id: FromPath[int]) -> Template:
        return page("challenge/problems/review.html", values={}, errors={}, **await _review_context(request))

    @post("/{problem_id:int}/review", opt={"form": "challenge/problems/review.html", "form_context": _review_context})
    async def decide(self, request: AnyRequest, problem_id: FromPath[int], data: FormData) -> Redirect:
        await problems.review_problem(
            user=request.user, problem_id=problem_id, action=field(data, "action"), comment=field(data, "comment")
        )
        flash(request.session, _("The decision was recorded and the municipality informed."), "success")
        return Redirect(f"/organiser/problems/{problem_id}")


class MunicipalityAdminPages(Controller):
    path = "/organiser/municipalities"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def list_municipalities(self) -> Template:
        return page(
            "challenge/municipalities/list.html",
            municipalities=await problem_queries.municipalities(),
            values={},
            errors={},
            **problem_form_choices(),
        )

    @post("/", opt={"form": "challenge/municipalities/list.html", "form_context": municipalities.list_form_context})
    async def add_municipality(self, request: AnyRequest, data: FormData) -> Redirect:
        await municipalities.create_municipality(user=request.user, data=data)
        flash(request.session, _("The municipality was added; invite its staff next."), "success")
        return Redirect("/organiser/municipalities/")
