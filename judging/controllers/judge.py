"""Judges: their rounds and queues, score sheets (blind to others until close), conflicts, profile."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from challenge.services import expertise
from challenge.services.editions import load_edition
from core.clock import utc_now
from core.enums import Role
from core.errors import PermissionDenied
from core.forms import FormData, field
from core.i18n import gettext as _
from core.next_steps import Home, checklist
from core.permissions import requires_role
from core.rules import N_
from core.sessions import flash
from core.web import page
from judging import forms
from judging.enums import ScoreStatus
from judging.queries import pairwise as pairwise_queries
from judging.queries import queue as queue_queries
from judging.queries.home import judge_home
from judging.queries.judges import profile_of
from judging.queries.queue import assignment_of, deck_content, sheet_page
from judging.queries.rounds import load_round
from judging.records import SeatRow
from judging.services import assignments, pairwise, profiles, scoring
from judging.services.visibility import judges_in

AnyRequest = Request[Any, Any, Any]


async def sheet_context(request: AnyRequest) -> dict[str, Any]:
    shown = await sheet_page(request.user, int(request.path_params["assignment_id"]), now=utc_now())
    return {**msgspec.structs.asdict(shown), "stored_values": forms.sheet_form_values(shown.sheet)}


async def _pair_context(round_id: int, seat: SeatRow) -> dict[str, Any]:
    round_ = await load_round(round_id)
    return {
        "round": round_,
        "seat": seat,
        "previous": await pairwise_queries.project(seat.previous, round_),
        "current": await pairwise_queries.project(seat.current, round_),
    }


class JudgePages(Controller):
    path = "/judge"
    guards = [requires_role(Role.JUDGE)]
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        home = await judge_home(request.user)
        steps = await checklist(Home.JUDGE, user=request.user, now=utc_now())
        return page("judging/home.html", **msgspec.structs.asdict(home), next_steps=steps)

    @get("/rounds/{round_id:int}/pairwise")
    async def pairwise_page(self, request: AnyRequest, round_id: FromPath[int]) -> Template:
        seat = await pairwise.seat(user=request.user, round_id=round_id)
        return page("judging/pairwise.html", **await _pair_context(round_id, seat))

    @post("/rounds/{round_id:int}/pairwise")
    async def pairwise_vote(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect | Template:
        try:
            await pairwise.answer(
                user=request.user, round_id=round_id, token=field(data, "token"), choice=field(data, "choice")
            )
        except pairwise.StalePair as stale:
            context = await _pair_context(round_id, stale.seat)
            return page("judging/pairwise.html", status_code=409, form_message=_(stale.message), **context)
        return Redirect(f"/judge/rounds/{round_id}/pairwise")

    @get("/rounds/{round_id:int}")
    async def queue(self, request: AnyRequest, round_id: FromPath[int]) -> Template:
        shown = await queue_queries.queue_page(request.user, round_id, now=utc_now())
        return page("judging/queue.html", **msgspec.structs.asdict(shown))

    @get("/assignments/{assignment_id:int}")
    async def sheet(self, request: AnyRequest) -> Template:
        context = await sheet_context(request)
        return page("judging/sheet.html", values=context["stored_values"], errors={}, **context)

    @post("/assignments/{assignment_id:int}", opt={"form": "judging/sheet.html", "form_context": sheet_context})
    async def save(self, request: AnyRequest, assignment_id: FromPath[int], data: FormData) -> Redirect:
        submit = field(data, "action") == "submit"
        command = forms.scores_command(data, submit=submit)
        saved = await scoring.save_sheet(user=request.user, assignment_id=assignment_id, command=command)
        submitted = saved.status == ScoreStatus.SUBMITTED
        flash(request.session, _("Your scores are submitted.") if submitted else _("Your draft is saved."), "success")
        assignment = await assignment_of(request.user, assignment_id)
        return Redirect(f"/judge/rounds/{assignment.round}" if submit else f"/judge/assignments/{assignment_id}")

    @get("/assignments/{assignment_id:int}/deck")
    async def blind_deck(self, request: AnyRequest, assignment_id: FromPath[int]) -> Stream:
        """A blind round's deck under the entry's pseudonym, without its uploaded name or details."""
        deck, content_type = await queue_queries.blind_deck(request.user, assignment_id)
        content = await deck_content(deck.id)
        return Stream(
            iter([content]),
            media_type=content_type,
            headers={
                "Content-Disposition": f'attachment; filename="{deck.original_name}"',
                "X-Content-Type-Options": "nosniff",
                "Content-Length": str(len(content)),
            },
        )

    @post("/assignments/{assignment_id:int}/conflict")
    async def declare_conflict(self, request: AnyRequest, assignment_id: FromPath[int], data: FormData) -> Redirect:
        assignment = await assignment_of(request.user, assignment_id)
        await assignments.declare_conflict(
            user=request.user, application_id=assignment.application, note=field(data, "note")
        )
        flash(request.session, _("Thank you. The application was taken out of your queue."), "success")
        return Redirect("/judge/")

    @get("/editions/{edition_id:int}/profile")
    async def profile_form(self, request: AnyRequest, edition_id: FromPath[int]) -> Template:
        return page(
            "judging/profile.html",
            **await _profile_context(request),
            values=forms.profile_form_values(await profile_of(request.user.id, edition_id)),
            errors={},
        )

    @post(
        "/editions/{edition_id:int}/profile",
        opt={"form": "judging/profile.html", "form_context": lambda r: _profile_context(r)},
    )
    async def save_profile(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        await profiles.save_profile(user=request.user, edition_id=edition_id, command=forms.profile_command(data))
        flash(request.session, _("Your judge profile was saved."), "success")
        return Redirect("/judge/")


async def _profile_context(request: AnyRequest) -> dict[str, Any]:
    edition_id = int(request.path_params["edition_id"])
    if not judges_in(request.user, edition_id):
        raise PermissionDenied(N_("You do not judge in this edition."))
    return {
        "edition": await load_edition(edition_id),
        "expertise_options": [(s, _(n)) for s, n in (await expertise.vocabulary()).items()],
    }
