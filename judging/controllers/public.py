"""The public results page of an edition: winners and finalists per track, once published."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from challenge.queries import editions as queries
from core.web import page
from judging.queries.pairwise import projector
from judging.queries.results import results_page

# How often the projector page reloads itself (no JavaScript: <meta http-equiv="refresh">).
PROJECTOR_REFRESH_SECONDS = 15


class ResultsPages(Controller):
    include_in_schema = False

    @get("/editions/{slug:str}/results")
    async def results(self, slug: FromPath[str]) -> Template:
        edition = await queries.edition_by_slug(slug)
        if edition is None:
            raise NotFoundException()
        shown = await results_page(edition)
        return page("judging/results.html", edition=edition, **msgspec.structs.asdict(shown))

    @get("/rounds/{round_id:int}/projector")
    async def projector_page(self, round_id: FromPath[int], auto: FromQuery[bool] = False) -> Template:
        shown = await projector(round_id)
        # Reloading on its own is the room screen's choice (?auto=1), never imposed on a reader (WCAG 2.2.1).
        return page(
            "judging/projector.html",
            refresh=PROJECTOR_REFRESH_SECONDS if auto else None,
            every=PROJECTOR_REFRESH_SECONDS,
            **msgspec.structs.asdict(shown),
        )
