"""Matching as organisers, mentors and startups read it: the latest run, the proposal, published pairs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from challenge.services import expertise, teams
from mentoring.enums import MatchStatus, RunStatus
from mentoring.records import NamedMatch, RunRow, convert_row
from mentoring.rules.matching import still_short
from mentoring.services import matching
from mentoring.tables import Match, MatchRun


class Unmatched(msgspec.Struct, frozen=True, kw_only=True):
    """An application the pairs as they stand still leave short, and why, readable."""

    application_id: int
    reason: str
    startup_name: str
    text: str


class MatchingPage(msgspec.Struct, frozen=True, kw_only=True):
    """The organiser's matching page of one edition."""

    run: RunRow | None
    running: bool
    pairs: list[NamedMatch]
    unmatched: list[Unmatched]
    warnings: list[str]
    mentor_options: list[tuple[int, str]]
    application_options: list[tuple[int, str]]


async def latest_run(edition_id: int) -> RunRow | None:
    row = await (
        MatchRun.select()
        .where(MatchRun.edition == edition_id)
        .order_by(MatchRun.id, ascending=False)
        .first()
        .output(load_json=True)
    )
    return None if row is None else convert_row(row, RunRow)


async def _named(rows: list[dict[str, Any]]) -> list[NamedMatch]:
    """Rows of pairs with their explanation in the reader's language."""
    names = await expertise.vocabulary(include_retired=True)
    return [
        convert_row({**row, "explanation_text": matching.describe(row["explanation"], names)}, NamedMatch)
        for row in rows
    ]


async def proposal(edition_id: int) -> list[NamedMatch]:
    """The pairs with mentor and startup names, best fit first within each startup."""
    rows = await (
        Match.select(
            *Match.all_columns(), Match.mentor.name.as_alias("mentor_name"), Match.startup.name.as_alias("startup_name")
        )
        .where(Match.edition == edition_id)
        .output(load_json=True)
    )
    return sorted(await _named(rows), key=lambda r: (r.startup_name.lower(), -r.score))


async def matches_of_mentor(user_id: int) -> list[NamedMatch]:
    rows = await (
        Match.select(
            *Match.all_columns(),
            Match.startup.name.as_alias("startup_name"),
            Match.edition.name.as_alias("edition_name"),
        )
        .where(Match.mentor == user_id, Match.status == MatchStatus.PUBLISHED)
        .output(load_json=True)
    )
    return await _named(rows)


async def published_matches_of_user(user_id: int) -> list[NamedMatch]:
    """Published pairs where the person is the mentor or in the startup's team."""
    startup_ids = [s.id for s in await teams.startups_of_user(user_id)]
    mine = (Match.mentor == user_id) | (Match.startup.is_in(startup_ids) if startup_ids else Match.id < 0)
    rows = await (
        Match.select(
            *Match.all_columns(), Match.mentor.name.as_alias("mentor_name"), Match.startup.name.as_alias("startup_name")
        )
        .where(Match.status == MatchStatus.PUBLISHED)
        .where(mine)
        .output(load_json=True)
    )
    return await _named(rows)


async def matching_page(edition_id: int) -> MatchingPage:
    """The latest run, the pairs, who is still short and why, the checker's warnings, the choices."""
    run = await latest_run(edition_id)
    mentors, applications = await matching.load_inputs(edition_id)
    pairs = await proposal(edition_id)
    names = {a.id: a.startup_name for a in applications}
    short = still_short(run.unmatched if run else [], Counter(p.application for p in pairs))
    return MatchingPage(
        run=run,
        running=bool(run and run.status == RunStatus.RUNNING),
        pairs=pairs,
        unmatched=[
            Unmatched(
                application_id=u["application_id"],
                reason=u["reason"],
                startup_name=names.get(u["application_id"], "?"),
                text=matching.message(u),
            )
            for u in short
        ],
        warnings=await matching.check_current(edition_id, inputs=(mentors, applications)),
        mentor_options=sorted(((m.id, m.name) for m in mentors), key=lambda o: o[1].lower()),
        application_options=sorted(((a.id, a.startup_name) for a in applications), key=lambda o: o[1].lower()),
    )
