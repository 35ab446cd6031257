"""The personal calendar feed (a secret URL calendar apps subscribe to) and its page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core import calendar
from core.errors import NotFound
from core.i18n import gettext as _
from core.permissions import login_required
from core.rules import N_
from core.sessions import flash
from core.settings import get_settings
from core.web import page

AnyRequest = Request[Any, Any, Any]


class CalendarPages(Controller):
    include_in_schema = False

    @get("/calendar/{token:str}")
    async def feed(self, token: FromPath[str]) -> Response[bytes]:
        user_id = await calendar.user_for_token(token)
        if user_id is None:
            raise NotFound(N_("This calendar does not exist."))
        body = calendar.to_ics(await calendar.events_for(user_id), name=_("Smart Challenge"))
        return Response(content=body, media_type="text/calendar", headers={"Cache-Control": "private, max-age=300"})

    @get("/account/calendar", guards=[login_required])
    async def calendar_page(self, request: AnyRequest) -> Template:
        token = await calendar.feed_token(request.user.id)
        base = get_settings().base_url
        return page(
            "core/accounts/calendar.html",
            url=f"{base}/calendar/{token}.ics",
            base=base,
            events=await calendar.events_for(request.user.id),
        )

    @post("/account/calendar/rotate", guards=[login_required])
    async def rotate(self, request: AnyRequest) -> Redirect:
        await calendar.rotate_feed(request.user.id)
        flash(request.session, _("Your calendar has a new address; the old one no longer works."), "success")
        return Redirect("/account/calendar")
