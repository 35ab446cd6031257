"""Organisers: run the matching, review it with explanations, lock, assign by hand, publish."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.records import EditionRow
from challenge.services.editions import edition_scope
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import ngettext
from core.scopes import Scoped
from core.sessions import flash
from core.web import page
from mentoring.queries import matches
from mentoring.services import matching

AnyRequest = Request[Any, Any, Any]


async def matching_context(edition: EditionRow) -> dict[str, Any]:
    return {"edition": edition, **msgspec.structs.asdict(await matches.matching_page(edition.id))}


class MatchingPages(Controller):
    path = "/organiser/editions/{edition_id:int}/matching"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def overview(self, edition: Scoped[EditionRow]) -> Template:
        return page("mentoring/matching.html", **await matching_context(edition))

    @post("/run")
    async def run(self, request: AnyRequest, edition_id: FromPath[int]) -> Redirect:
        await matching.start_run(user=request.user, edition_id=edition_id)
        flash(request.session, _("Matching started; this page shows its progress."), "info")
        return Redirect(f"/organiser/editions/{edition_id}/matching/")

    @post("/pairs/{match_id:int}/lock")
    async def lock(self, request: AnyRequest, edition_id: FromPath[int], match_id: FromPath[int]) -> Redirect:
        await matching.set_locked(user=request.user, edition_id=edition_id, match_id=match_id, locked=True)
        flash(request.session, _("The pair is locked: a re-run keeps it."), "success")
        return Redirect(f"/organiser/editions/{edition_id}/matching/")

    @post("/pairs/{match_id:int}/unlock")
    async def unlock(self, request: AnyRequest, edition_id: FromPath[int], match_id: FromPath[int]) -> Redirect:
        await matching.set_locked(user=request.user, edition_id=edition_id, match_id=match_id, locked=False)
        flash(request.session, _("The pair is unlocked."), "success")
        return Redirect(f"/organiser/editions/{edition_id}/matching/")

    @post("/pairs/{match_id:int}/remove")
    async def remove(self, request: AnyRequest, edition_id: FromPath[int], match_id: FromPath[int]) -> Redirect:
        await matching.remove_pair(user=request.user, edition_id=edition_id, match_id=match_id)
        flash(request.session, _("The pair was removed."), "success")
        return Redirect(f"/organiser/editions/{edition_id}/matching/")

    @post("/assign")
    async def assign(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        mentor, application = field(data, "mentor_id"), field(data, "application_id")
        warnings = await matching.assign_by_hand(
            user=request.user,
            edition_id=edition_id,
            mentor_id=int(mentor) if mentor.isdigit() else 0,
            application_id=int(application) if application.isdigit() else 0,
        )
        flash(request.session, _("The pair was added and locked."), "success")
        for warning in warnings:
            flash(request.session, _("Check: %(warning)s") % {"warning": warning}, "warning")
        return Redirect(f"/organiser/editions/{edition_id}/matching/")

    @post("/publish")
    async def publish(self, request: AnyRequest, edition_id: FromPath[int]) -> Redirect:
        count = await matching.publish(user=request.user, edition_id=edition_id)
        flash(
            request.session,
            ngettext(
                "%(num)s pair published; mentors and teams were mailed.",
                "%(num)s pairs published; mentors and teams were mailed.",
                count,
            )
            % {"num": count},
            "success",
        )
        return Redirect(f"/organiser/editions/{edition_id}/matching/")
