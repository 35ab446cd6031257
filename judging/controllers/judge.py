from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from challenge import queries as challenge_queries
from core.enums import Role
from core.permissions import requires_role
from core.web import page


class JudgePages(Controller):
    path = "/judge"
    guards = [requires_role(Role.JUDGE)]
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        editions = {e["id"]: e for e in await challenge_queries.editions()}
        grants = [g for g in request.user.grants if g.role == Role.JUDGE]
        # A grant without an edition covers every edition.
        if any(g.edition_id is None for g in grants):
            mine = list(editions.values())
        else:
            mine = [editions[g.edition_id] for g in grants if g.edition_id in editions]
        return page("judging/home.html", editions=mine)
