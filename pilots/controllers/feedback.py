"""Residents' voice at the pilot site: the poster's short link, the public form, the poster, and
the working page where the pilot's sides moderate feedback and staff type in what they collected."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.content import place_name
from core.forms import FormData, field
from core.i18n import current_locale
from core.i18n import gettext as _
from core.scopes import Scoped
from core.sessions import flash
from core.web import client_ip, page
from pilots.enums import Side
from pilots.forms import feedback_command
from pilots.queries import feedback as queries
from pilots.queries.pilots import pilot_scope, sides_of
from pilots.records import PilotRow
from pilots.rules.feedback import MAX_COMMENT, MAX_REASON, RATINGS
from pilots.rules.poster import poster_lines, printable, qr_svg
from pilots.services import feedback as services

AnyRequest = Request[Any, Any, Any]
FORM = "pilots/feedback/form.html"
WORK = "pilots/feedback/work.html"
POSTER_SVG = "pilots/feedback/poster.svg"
QR_SIZE = 110  # millimetres on A4: read from two metres away


async def _form_context(request: AnyRequest) -> dict[str, Any]:
    facts = await queries.poster_facts(int(request.path_params["pilot_id"]))
    return {"facts": facts, "ratings": RATINGS, "max_comment": MAX_COMMENT}


async def _work_context(request: AnyRequest) -> dict[str, Any]:
    pilot: PilotRow = pilot_scope.of(request)
    sides = sides_of(request.user, pilot)
    entries = await queries.feedback_for_sides(pilot.id)
    feedback_id = request.path_params.get("feedback_id")
    return {
        "pilot": pilot,
        "active": "feedback",
        "entries": entries,
        "summary": queries.summary_of([entry for entry in entries if not entry.hidden]),
        "may_moderate": bool(sides & {Side.ORGANISER, Side.MUNICIPALITY}),
        "may_enter": Side.MUNICIPALITY in sides,
        "short_url": queries.short_url(pilot.code),
        "ratings": RATINGS,
        "max_comment": MAX_COMMENT,
        "max_reason": MAX_REASON,
        # Which entry's hide form a refused reason belongs beside (None: the in-person form's).
        "moderated": int(feedback_id) if feedback_id is not None else None,
    }


class FeedbackPages(Controller):
    """What residents reach from the poster: no account, every page usable without JavaScript."""

    include_in_schema = False

    @get("/p/{code:str}")
    async def short_link(self, code: FromPath[str]) -> Redirect:
        pilot_id = await queries.pilot_id_of_code(code)
        return Redirect(f"/pilots/{pilot_id}/feedback", status_code=303)

    @get("/pilots/{pilot_id:int}/feedback")
    async def form(self, request: AnyRequest) -> Template:
        return page(FORM, values={}, errors={}, **await _form_context(request))

    @post("/pilots/{pilot_id:int}/feedback", opt={"form": FORM, "form_context": _form_context})
    async def leave(self, request: AnyRequest, pilot_id: FromPath[int], data: FormData) -> Redirect:
        await services.leave_feedback(
            pilot_id=pilot_id, feedback=feedback_command(data), address=client_ip(request), language=current_locale()
        )
        flash(request.session, _("Thank you: your feedback is published on the pilot's page."), "success")
        return Redirect(f"/pilots/{pilot_id}", status_code=303)

    @get("/pilots/{pilot_id:int}/poster.svg", media_type="image/svg+xml")
    async def poster_svg(self, pilot_id: FromPath[int]) -> Template:
        return Template(POSTER_SVG, context=await _poster_context(pilot_id), media_type="image/svg+xml")

    @get("/pilots/{pilot_id:int}/poster")
    async def poster_page(self, pilot_id: FromPath[int]) -> Template:
        return page("pilots/feedback/poster.html", **await _poster_context(pilot_id))


async def _poster_context(pilot_id: int) -> dict[str, Any]:
    facts = await queries.poster_facts(pilot_id)
    url = queries.short_url(facts.code)
    invitation = _("Tell the municipality what you think of this pilot: scan the code or type in the link.")
    return {
        "facts": facts,
        "short_url": url,
        "title": printable(facts.title),
        "municipality": printable(place_name(facts.municipality_name)),
        "title_lines": poster_lines(facts.title, width=28, max_lines=3),
        "invitation": invitation,
        "invitation_lines": poster_lines(invitation, width=50, max_lines=3),
        "qr": qr_svg(url, size=QR_SIZE),
        "qr_size": QR_SIZE,
    }


class FeedbackWorkPages(Controller):
    """The pilot's sides: feedback with its moderation, in-person entry, the poster's links."""

    path = "/pilots/{pilot_id:int}/work/feedback"
    guards = [pilot_scope.guard]
    dependencies = pilot_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest) -> Template:
        return page(WORK, values={}, errors={}, **await _work_context(request))

    @post("/", opt={"form": WORK, "form_context": _work_context})
    async def enter(self, request: AnyRequest, pilot: Scoped[PilotRow], data: FormData) -> Redirect:
        await services.enter_in_person(
            user=request.user, pilot_id=pilot.id, feedback=feedback_command(data), language=current_locale()
        )
        flash(request.session, _("The feedback is recorded, marked as collected in person."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/feedback", status_code=303)

    @post("/{feedback_id:int}/hide", opt={"form": WORK, "form_context": _work_context})
    async def hide(
        self, request: AnyRequest, pilot: Scoped[PilotRow], feedback_id: FromPath[int], data: FormData
    ) -> Redirect:
        await services.moderate_feedback(
            user=request.user, pilot_id=pilot.id, feedback_id=feedback_id, hide=True, reason=field(data, "reason")
        )
        flash(request.session, _("The feedback is hidden from residents."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/feedback#feedback-{feedback_id}", status_code=303)

    @post("/{feedback_id:int}/restore")
    async def restore(self, request: AnyRequest, pilot: Scoped[PilotRow], feedback_id: FromPath[int]) -> Redirect:
        await services.moderate_feedback(user=request.user, pilot_id=pilot.id, feedback_id=feedback_id, hide=False)
        flash(request.session, _("The feedback is visible again."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/feedback#feedback-{feedback_id}", status_code=303)
