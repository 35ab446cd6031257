"""Mentors: their home (editions, profile, matches) and the profile form."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.rules.languages import LANGUAGES
from challenge.services import expertise
from challenge.services.editions import load_edition
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound
from core.forms import FormData
from core.i18n import gettext as _
from core.i18n import language_name
from core.next_steps import Home, checklist
from core.permissions import requires_role
from core.rules import N_
from core.sessions import flash
from core.web import page
from mentoring import forms
from mentoring.queries import matches
from mentoring.queries import profiles as mentor_profiles
from mentoring.services import profiles

AnyRequest = Request[Any, Any, Any]
TIMEZONES = sorted(z for z in available_timezones() if z.startswith(("Europe/", "America/", "Asia/", "Africa/")))
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


async def _profile_context(request: AnyRequest) -> dict[str, Any]:
    edition_id = int(request.path_params["edition_id"])
    if not profiles.mentors_in(request.user, edition_id):
        raise NotFound(N_("This edition does not exist."))
    return {
        "edition": await load_edition(edition_id),
        "expertise_options": [(slug, _(name)) for slug, name in (await expertise.vocabulary()).items()],
        "language_options": [(code, language_name(code)) for code in LANGUAGES],
        "timezone_options": [(z, z) for z in ["UTC", *TIMEZONES]],
        "startup_options": [(str(i), name) for i, name in await profiles.startups_applying(edition_id)],
        "weekdays": [(day, _(name)) for day, name in enumerate(WEEKDAYS)],
    }


class MentorPages(Controller):
    path = "/mentor"
    guards = [requires_role(Role.MENTOR)]
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        return page(
            "mentoring/home.html",
            editions=await mentor_profiles.mentor_editions(request.user),
            matches=await matches.matches_of_mentor(request.user.id),
            next_steps=await checklist(Home.MENTOR, user=request.user, now=utc_now()),
        )

    @get("/editions/{edition_id:int}/profile")
    async def profile_form(self, request: AnyRequest, edition_id: FromPath[int]) -> Template:
        context = await _profile_context(request)
        values = profiles.form_values(await profiles.load_profile(request.user.id, edition_id))
        return page("mentoring/profile.html", values=values, errors={}, **context)

    @post(
        "/editions/{edition_id:int}/profile", opt={"form": "mentoring/profile.html", "form_context": _profile_context}
    )
    async def save_profile(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        await profiles.save_profile(user=request.user, edition_id=edition_id, profile=forms.profile_command(data))
        flash(request.session, _("Your mentor profile was saved."), "success")
        return Redirect("/mentor/")
