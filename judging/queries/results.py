"""An edition's public results: its published rounds and the winners and finalists per track."""

from __future__ import annotations

import msgspec

from challenge.enums import ApplicationStatus, Track
from challenge.records import EditionRow
from challenge.tables import Application
from judging.enums import RoundStatus
from judging.tables import Round


class PublishedRound(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str


class Placed(msgspec.Struct, frozen=True, kw_only=True):
    """A winning or finalist team as the public page names it."""

    id: int
    track: str
    status: str
    startup_name: str
    city: str
    country: str


class TrackResults(msgspec.Struct, frozen=True, kw_only=True):
    track: str
    winners: list[Placed]
    finalists: list[Placed]


class ResultsPage(msgspec.Struct, frozen=True, kw_only=True):
    published: list[PublishedRound]
    tracks: list[TrackResults]


async def _placed(edition_id: int) -> list[Placed]:
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
            Application.edition == edition_id,
            Application.status.is_in([ApplicationStatus.WINNER, ApplicationStatus.FINALIST]),
        )
        .order_by(Application.startup.name)
    )
    return msgspec.convert(rows, list[Placed])


async def results_page(edition: EditionRow) -> ResultsPage:
    """Nothing is shown of the teams until a round of the edition is published."""
    published = msgspec.convert(
        await Round.select(Round.id, Round.name).where(
            Round.edition == edition.id, Round.status == RoundStatus.PUBLISHED
        ),
        list[PublishedRound],
    )
    rows = await _placed(edition.id) if published else []
    tracks = [
        TrackResults(
            track=track,
            winners=[r for r in rows if r.track == track and r.status == ApplicationStatus.WINNER],
            finalists=[r for r in rows if r.track == track and r.status == ApplicationStatus.FINALIST],
        )
        for track in edition.tracks
        if track in {t.value for t in Track}
    ]
    return ResultsPage(published=published, tracks=tracks)
