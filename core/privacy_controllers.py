"""A person's own data: the privacy page, their export, their erasure, and erasure on request."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core import privacy
from core.auth import sign_out
from core.clock import utc_now
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.permissions import login_required, requires_role
from core.sessions import flash
from core.web import page

AnyRequest = Request[Any, Any, Any]


async def _own_erasure_context(request: AnyRequest) -> dict[str, Any]:
    return {"blockers": await privacy.blockers(user_id=request.user.id)}


async def _erasure_on_request_context(request: AnyRequest) -> dict[str, Any]:
    user_id = request.path_params["user_id"]
    return {"person": await privacy.person(user_id), "blockers": await privacy.blockers(user_id=user_id)}


class PrivacyPages(Controller):
    include_in_schema = False

    @get("/privacy")
    async def privacy_page(self) -> Template:
        return page("core/privacy.html")

    @get("/account/export", guards=[login_required])
    async def export(self, request: AnyRequest) -> Response[bytes]:
        # No user id in the route: a person can only ever download their own data.
        body = await privacy.export(user_id=request.user.id)
        name = f"smart-challenge-my-data-{utc_now():%Y-%m-%d}.zip"
        return Response(
            content=body,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )

    @get("/account/erase", guards=[login_required])
    async def erase_form(self, request: AnyRequest) -> Template:
        return page("core/accounts/erase.html", values={}, errors={}, **await _own_erasure_context(request))

    @post(
        "/account/erase",
        guards=[login_required],
        opt={"form": "core/accounts/erase.html", "form_context": _own_erasure_context},
    )
    async def erase(self, request: AnyRequest, data: FormData) -> Redirect:
        await privacy.erase_own_account(user_id=request.user.id, password=field(data, "password"))
        sign_out(request.session)  # type: ignore[arg-type]
        # The erasure deleted this session's record: a fresh one carries the farewell message.
        request.session.rotate()  # type: ignore[attr-defined]
        flash(request.session, _("Your account is erased. What we keep is listed on the privacy page."), "success")
        return Redirect("/")


class OrganiserPrivacyPages(Controller):
    path = "/organiser/people"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def people(self, q: FromQuery[str] = "") -> Template:
        return page("core/organiser/people.html", query=q, people=await privacy.find_people(q))

    @get("/{user_id:int}/erase")
    async def erase_form(self, request: AnyRequest, user_id: FromPath[int]) -> Template:
        return page("core/organiser/erase.html", values={}, errors={}, **await _erasure_on_request_context(request))

    @post(
        "/{user_id:int}/erase", opt={"form": "core/organiser/erase.html", "form_context": _erasure_on_request_context}
    )
    async def erase(self, request: AnyRequest, user_id: FromPath[int], data: FormData) -> Redirect:
        result = await privacy.erase_on_request(
            organiser_id=request.user.id, user_id=user_id, reason=field(data, "reason")
        )
        flash(
            request.session,
            _("The account is erased; it now shows as %(name)s.") % {"name": result.pseudonym},
            "success",
        )
        return Redirect("/organiser/people")
