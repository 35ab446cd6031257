"""The public results page of an edition: winners and finalists per track, once published."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from challenge import queries
from core.web import page
from judging.queries.results import results_page


class ResultsPages(Controller):
    include_in_schema = False

    @get("/editions/{slug:str}/results")
    async def results(self, slug: FromPath[str]) -> Template:
        edition = await queries.edition_by_slug(slug)
        if edition is None:
            raise NotFoundException()
        shown = await results_page(edition)
        return page("judging/results.html", edition=edition, **msgspec.structs.asdict(shown))
