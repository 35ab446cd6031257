"""The organisers' list of everything overdue across running pilots: who is to act, since when."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from core.clock import utc_now
from core.enums import Role
from core.permissions import requires_role
from core.web import page
from pilots.queries.milestones import overdue_entries, sides_in_order
from pilots.rules.reminders import ItemKind

AnyRequest = Request[Any, Any, Any]


class OverduePages(Controller):
    path = "/organiser/pilots/overdue"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def overdue(self, request: AnyRequest) -> Template:
        rows = [
            {"entry": entry, "days": days, "sides": sides_in_order(entry.sides)}
            for entry, days in await overdue_entries(now=utc_now())
        ]
        return page("pilots/milestones/overdue.html", rows=rows, MEASUREMENT=ItemKind.MEASUREMENT)
