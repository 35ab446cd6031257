"""Judges: their rounds and queues, score sheets (blind to others until close), conflicts, profile."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge import queries as challenge_queries
from challenge import screening
from challenge.services import applications as challenge_applications
from challenge.services import expertise
from challenge.services.editions import load_edition
from challenge.tables import Startup
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, PermissionDenied
from core.forms import FormData, field
from core.i18n import gettext as _
from core.next_steps import Home, checklist
from core.permissions import requires_role
from core.rules import N_
from core.sessions import flash
from core.tables import StoredFile
from core.web import page
from judging.enums import RoundMethod, RoundStatus
from judging.services import assignments, pairwise, profiles, scoring
from judging.services.rounds import criteria_of, load_round
from judging.tables import JudgeAssignment, Round

AnyRequest = Request[Any, Any, Any]


async def sheet_context(request: AnyRequest) -> dict[str, Any]:
    assignment = await scoring.assignment_of(request.user, int(request.path_params["assignment_id"]))
    round_ = await load_round(assignment["round"])
    application = await challenge_applications.load_application(assignment["application"])
    deck = None
    if application["pitch_deck"]:
        deck = await StoredFile.select().where(StoredFile.id == application["pitch_deck"]).first()
    sheet = await scoring.load_sheet(assignment["id"])
    values = {}
    if sheet:
        values = {f"c{k}": str(v) for k, v in sheet["values"].items()}
        values |= {f"c{k}_comment": v for k, v in sheet["comments"].items()}
    return {
        "assignment": assignment,
        "round": round_,
        "edition": await load_edition(round_["edition"]),
        "application": application,
        "problems": await screening.problems_of(application["id"]),
        "deck": deck,
        "criteria": await criteria_of(round_["id"]),
        "sheet": sheet,
        "stored_values": values,
        "editable": round_["status"] == RoundStatus.OPEN,
    }


class JudgePages(Controller):
    path = "/judge"
    guards = [requires_role(Role.JUDGE)]
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        editions = {e["id"]: e for e in await challenge_queries.editions()}
        grants = [g for g in request.user.grants if g.role == Role.JUDGE]
        # A grant without an edition covers every edition.
        if any(g.edition_id is None for g in grants):
            mine = list(editions.values())
        else:
            mine = [editions[g.edition_id] for g in grants if g.edition_id in editions]
        assigned = await JudgeAssignment.select(JudgeAssignment.round).where(JudgeAssignment.judge == request.user.id)
        round_ids = sorted({a["round"] for a in assigned})
        rounds = await Round.select().where(Round.id.is_in(round_ids)).order_by(Round.id) if round_ids else []
        finals = await Round.select().where(
            Round.method == RoundMethod.PAIRWISE,
            Round.status == RoundStatus.OPEN,
            Round.edition.is_in([e["id"] for e in mine] or [0]),
        )
        steps = await checklist(Home.JUDGE, user=request.user, now=utc_now())
        return page("judging/home.html", editions=mine, rounds=rounds, finals=finals, next_steps=steps)

    @get("/rounds/{round_id:int}/pairwise")
    async def pairwise_page(self, request: AnyRequest, round_id: FromPath[int]) -> Template:
        seat = await pairwise.seat(user=request.user, round_id=round_id)
        shown = {key: await _project(seat[key]) for key in ("previous", "current")}
        return page("judging/pairwise.html", round=await load_round(round_id), seat=seat, **shown)

    @post("/rounds/{round_id:int}/pairwise")
    async def pairwise_vote(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        await pairwise.advance(user=request.user, round_id=round_id, choice=field(data, "choice"))
        return Redirect(f"/judge/rounds/{round_id}/pairwise")

    @get("/rounds/{round_id:int}")
    async def queue(self, request: AnyRequest, round_id: FromPath[int]) -> Template:
        items = await scoring.queue(request.user, round_id)
        if not items:
            raise NotFound(N_("You have nothing to score in this round."))
        round_ = await load_round(round_id)
        edition = await load_edition(round_["edition"])
        return page("judging/queue.html", round=round_, items=items, timezone=edition["timezone"])

    @get("/assignments/{assignment_id:int}")
    async def sheet(self, request: AnyRequest) -> Template:
        context = await sheet_context(request)
        return page("judging/sheet.html", values=context["stored_values"], errors={}, **context)

    @post("/assignments/{assignment_id:int}", opt={"form": "judging/sheet.html", "form_context": sheet_context})
    async def save(self, request: AnyRequest, assignment_id: FromPath[int], data: FormData) -> Redirect:
        submit = field(data, "action") == "submit"
        saved = await scoring.save_sheet(user=request.user, assignment_id=assignment_id, data=data, submit=submit)
        message = _("Your scores are submitted.") if saved["status"] == "submitted" else _("Your draft is saved.")
        flash(request.session, message, "success")
        assignment = await scoring.assignment_of(request.user, assignment_id)
        return Redirect(f"/judge/rounds/{assignment['round']}" if submit else f"/judge/assignments/{assignment_id}")

    @post("/assignments/{assignment_id:int}/conflict")
    async def declare_conflict(self, request: AnyRequest, assignment_id: FromPath[int], data: FormData) -> Redirect:
        assignment = await scoring.assignment_of(request.user, assignment_id)
        await assignments.declare_conflict(
            user=request.user, application_id=assignment["application"], note=field(data, "note")
        )
        flash(request.session, _("Thank you. The application was taken out of your queue."), "success")
        return Redirect("/judge/")

    @get("/editions/{edition_id:int}/profile")
    async def profile_form(self, request: AnyRequest, edition_id: FromPath[int]) -> Template:
        return page(
            "judging/profile.html",
            **await _profile_context(request),
            values=await profiles.form_values(request.user.id, edition_id),
            errors={},
        )

    @post(
        "/editions/{edition_id:int}/profile",
        opt={"form": "judging/profile.html", "form_context": lambda r: _profile_context(r)},
    )
    async def save_profile(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        await profiles.save_profile(user=request.user, edition_id=edition_id, data=data)
        flash(request.session, _("Your judge profile was saved."), "success")
        return Redirect("/judge/")


async def _project(application_id: int | None) -> dict[str, Any] | None:
    if application_id is None:
        return None
    application = await challenge_applications.load_application(application_id)
    startup = await Startup.select(Startup.name, Startup.city).where(Startup.id == application["startup"]).first()
    return {**application, "startup_name": startup["name"], "city": startup["city"]}


async def _profile_context(request: AnyRequest) -> dict[str, Any]:
    edition_id = int(request.path_params["edition_id"])
    if not profiles.judges_in(request.user, edition_id):
        raise PermissionDenied(N_("You do not judge in this edition."))
    return {
        "edition": await load_edition(edition_id),
        "expertise_options": [(s, _(n)) for s, n in (await expertise.vocabulary()).items()],
    }
