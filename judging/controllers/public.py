"""The public results page of an edition: winners and finalists per track, once published."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from challenge.enums import ApplicationStatus, Track
from challenge.queries import editions as queries
from challenge.tables import Application
from core.web import page
from judging.enums import RoundStatus
from judging.tables import Round


class ResultsPages(Controller):
    include_in_schema = False

    @get("/editions/{slug:str}/results")
    async def results(self, slug: FromPath[str]) -> Template:
        edition = await queries.edition_by_slug(slug)
        if edition is None:
            raise NotFoundException()
        published = await Round.select(Round.id, Round.name).where(
            Round.edition == edition["id"], Round.status == RoundStatus.PUBLISHED
        )
        rows = []
        if published:
            rows = (
                await Application.select(
                    Application.id,
                    Application.track,
                    Application.status,
                    Application.startup.name.as_alias("startup_name"),
                    Application.startup.city.as_alias("city"),
                    Application.startup.country.as_alias("country"),
                )
                .where(
                    Application.edition == edition["id"],
                    Application.status.is_in([ApplicationStatus.WINNER, ApplicationStatus.FINALIST]),
                )
                .order_by(Application.startup.name)
            )
        tracks = [
            (
                track,
                [r for r in rows if r["track"] == track and r["status"] == ApplicationStatus.WINNER],
                [r for r in rows if r["track"] == track and r["status"] == ApplicationStatus.FINALIST],
            )
            for track in edition["tracks"]
            if track in {t.value for t in Track}
        ]
        return page("judging/results.html", edition=edition, published=published, tracks=tracks)
