"""Mentoring sessions as pages: the mentor's slots and sessions, the startup's mentors and
bookings, the organiser's overview and its CSV. Every form works without JavaScript."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.records import EditionRow
from challenge.services.editions import edition_scope
from core.clock import utc_now
from core.enums import Role
from core.forms import FormData
from core.i18n import gettext as _
from core.i18n import register_labels
from core.permissions import login_required, requires_role
from core.rules import N_
from core.scopes import Scoped
from core.sessions import flash
from core.web import page
from mentoring import forms
from mentoring.enums import SessionStatus, SlotStatus
from mentoring.queries import mentor_sessions, startup_sessions
from mentoring.queries import overview as overview_queries
from mentoring.services import sessions

AnyRequest = Request[Any, Any, Any]
MENTOR_PAGE = "mentoring/sessions/mentor.html"
NOTES_PAGE = "mentoring/sessions/notes.html"
STARTUP_PAGE = "mentoring/sessions/startup.html"
OVERVIEW_PAGE = "mentoring/sessions/overview.html"

register_labels(
    {
        SlotStatus.OPEN: N_("open"),
        SessionStatus.BOOKED: N_("booked"),
        SessionStatus.HELD: N_("held"),
        SessionStatus.CANCELLED: N_("cancelled"),
        "attended": N_("came"),
        "no_show": N_("did not come"),
    }
)


async def _mentor_context(request: AnyRequest) -> dict[str, Any]:
    return {
        **msgspec.structs.asdict(await mentor_sessions.mentor_page(request.user, now=utc_now())),
        "when": sessions.when,
    }


async def _notes_context(request: AnyRequest) -> dict[str, Any]:
    notes = await mentor_sessions.notes_page(request.user, int(request.path_params["session_id"]), now=utc_now())
    return {**msgspec.structs.asdict(notes), "when": sessions.when}


async def _startup_context(request: AnyRequest) -> dict[str, Any]:
    return {"startups": await startup_sessions.startup_page(request.user.id, now=utc_now()), "when": sessions.when}


async def _overview_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    raw = request.query_params.get("weeks", "")
    weeks = int(raw) if raw.isdigit() else overview_queries.QUIET_WEEKS
    return {
        "edition": edition,
        "data": await overview_queries.overview(edition.id, weeks=weeks, now=utc_now()),
        "when": sessions.when,
    }


class MentorSessionPages(Controller):
    path = "/mentor/sessions"
    guards = [requires_role(Role.MENTOR)]
    include_in_schema = False

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        return page(MENTOR_PAGE, values={}, errors={}, **await _mentor_context(request))

    @post("/slots", opt={"form": MENTOR_PAGE, "form_context": _mentor_context})
    async def offer(self, request: AnyRequest, data: FormData) -> Redirect:
        await sessions.offer_slot(user=request.user, offer=forms.slot_offer(data))
        flash(request.session, _("Your slot is offered: your startups can book it now."), "success")
        return Redirect("/mentor/sessions")

    @post("/slots/{slot_id:int}/withdraw", opt={"form": MENTOR_PAGE, "form_context": _mentor_context})
    async def withdraw(self, request: AnyRequest, slot_id: FromPath[int]) -> Redirect:
        await sessions.withdraw_slot(user=request.user, slot_id=slot_id)
        flash(request.session, _("The slot was withdrawn."), "success")
        return Redirect("/mentor/sessions")

    @post("/{session_id:int}/cancel", opt={"form": MENTOR_PAGE, "form_context": _mentor_context})
    async def cancel(self, request: AnyRequest, session_id: FromPath[int], data: FormData) -> Redirect:
        await sessions.cancel(user=request.user, session_id=session_id, cancellation=forms.cancellation(data))
        flash(request.session, _("The session was cancelled and the startup was told."), "success")
        return Redirect("/mentor/sessions")

    @get("/{session_id:int}/notes")
    async def notes(self, request: AnyRequest, session_id: FromPath[int]) -> Template:
        context = await _notes_context(request)
        session = context["session"]
        return page(
            NOTES_PAGE,
            values={"notes": session.notes, "attendance": session.attendance or ""},
            errors={},
            **context,
        )

    @post("/{session_id:int}/notes", opt={"form": NOTES_PAGE, "form_context": _notes_context})
    async def save_notes(self, request: AnyRequest, session_id: FromPath[int], data: FormData) -> Redirect:
        await sessions.record_notes(user=request.user, session_id=session_id, record=forms.notes(data))
        flash(request.session, _("Your notes were saved."), "success")
        return Redirect("/mentor/sessions")


class StartupMentoringPages(Controller):
    path = "/startup/mentoring"
    guards = [login_required]
    include_in_schema = False

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        return page(STARTUP_PAGE, values={}, errors={}, **await _startup_context(request))

    @post("/book", opt={"form": STARTUP_PAGE, "form_context": _startup_context})
    async def book(self, request: AnyRequest, data: FormData) -> Redirect:
        await sessions.book(user=request.user, booking=forms.booking(data))
        flash(request.session, _("The session is booked; we mailed you and your mentor the details."), "success")
        return Redirect("/startup/mentoring")

    @post("/sessions/{session_id:int}/cancel", opt={"form": STARTUP_PAGE, "form_context": _startup_context})
    async def cancel(self, request: AnyRequest, session_id: FromPath[int], data: FormData) -> Redirect:
        await sessions.cancel(user=request.user, session_id=session_id, cancellation=forms.cancellation(data))
        flash(request.session, _("The session was cancelled and your mentor was told."), "success")
        return Redirect("/startup/mentoring")

    @post("/sessions/{session_id:int}/reschedule", opt={"form": STARTUP_PAGE, "form_context": _startup_context})
    async def reschedule(self, request: AnyRequest, session_id: FromPath[int], data: FormData) -> Redirect:
        await sessions.reschedule(user=request.user, session_id=session_id, move=forms.move(data))
        flash(request.session, _("The session was moved; we mailed you and your mentor the new time."), "success")
        return Redirect("/startup/mentoring")

    @post("/sessions/{session_id:int}/rating", opt={"form": STARTUP_PAGE, "form_context": _startup_context})
    async def rate(self, request: AnyRequest, session_id: FromPath[int], data: FormData) -> Redirect:
        await sessions.rate(user=request.user, session_id=session_id, rating=forms.rating(data))
        flash(request.session, _("Thank you: your rating was saved."), "success")
        return Redirect("/startup/mentoring")


class MentoringOverviewPages(Controller):
    path = "/organiser/editions/{edition_id:int}/mentoring"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/overview")
    async def overview(self, request: AnyRequest, edition_id: FromPath[int]) -> Template:
        return page(OVERVIEW_PAGE, **await _overview_context(request))

    @get("/overview.csv")
    async def export(
        self, edition: Scoped[EditionRow], weeks: FromQuery[int] = overview_queries.QUIET_WEEKS
    ) -> Response[str]:
        data = await overview_queries.overview(edition.id, weeks=weeks, now=utc_now())
        return Response(
            content=overview_queries.overview_csv(data),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="mentoring-{edition.slug}.csv"'},
        )

    @post("/sessions/{session_id:int}/cancel", opt={"form": OVERVIEW_PAGE, "form_context": _overview_context})
    async def cancel(
        self, request: AnyRequest, edition_id: FromPath[int], session_id: FromPath[int], data: FormData
    ) -> Redirect:
        await sessions.cancel(user=request.user, session_id=session_id, cancellation=forms.cancellation(data))
        flash(request.session, _("The session was cancelled; the mentor and the startup were told."), "success")
        return Redirect(f"/organiser/editions/{edition_id}/mentoring/overview")
