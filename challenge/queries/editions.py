"""Editions as the public pages, the organiser's invitations and the other domains read them."""

from __future__ import annotations

from challenge.enums import ProblemStatus
from challenge.records import EditionChoice, EditionRow, MunicipalityChoice, Row, convert_row, convert_rows
from challenge.tables import Edition, Municipality, Problem


class InviteOptions(Row, frozen=True, kw_only=True):
    """What an organiser may invite people into (core reads it by attribute: `options.editions`)."""

    editions: list[EditionChoice]
    municipalities: list[MunicipalityChoice]


async def editions() -> list[EditionRow]:
    """Every edition, newest first."""
    rows = await (
        Edition.select()
        .order_by(Edition.year, ascending=False)
        .order_by(Edition.id, ascending=False)
        .output(load_json=True)
    )
    return convert_rows(rows, EditionRow)


async def newest_edition_with_published_problems() -> EditionRow | None:
    newest = await (
        Problem.select(Problem.edition)
        .where(Problem.status == ProblemStatus.PUBLISHED)
        .order_by(Problem.edition.year, ascending=False)
        .order_by(Problem.edition, ascending=False)
        .first()
    )
    if newest is None:
        return None
    return await _edition_where(Edition.id == newest["edition"])


async def edition_by_slug(slug: str) -> EditionRow | None:
    return await _edition_where(Edition.slug == slug)


async def _edition_where(condition: object) -> EditionRow | None:
    row = await Edition.select().where(condition).first().output(load_json=True)  # type: ignore[arg-type]  # a Where
    return None if row is None else convert_row(row, EditionRow)


async def invite_options() -> InviteOptions:
    """What an organiser may invite people into: editions and municipalities."""
    editions = await Edition.select(Edition.id, Edition.name, Edition.year).order_by(Edition.year, ascending=False)
    municipalities = await Municipality.select(Municipality.id, Municipality.name).order_by(Municipality.name)
    return InviteOptions(
        editions=convert_rows(editions, EditionChoice), municipalities=convert_rows(municipalities, MunicipalityChoice)
    )
