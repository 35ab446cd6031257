"""Rounds and their rubrics as they are stored, and the round scope that loads one for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from challenge.tables import Edition
from core.errors import NotFound
from core.rules import N_
from core.scopes import Scope
from judging.enums import RoundMethod
from judging.records import AssignmentReport, CriterionRow, RoundRow, criterion_rows, round_row
from judging.rules import rounds as rules
from judging.rules import rubrics
from judging.tables import Criterion, JudgeAssignment, Round

ROUND_NOT_FOUND = N_("This round does not exist.")


async def load_round(round_id: int) -> RoundRow:
    row = await Round.select().where(Round.id == round_id).first()
    if row is None:
        raise NotFound(ROUND_NOT_FOUND)
    return round_row(row)


async def _round_of_path(params: Mapping[str, Any]) -> RoundRow:
    return await load_round(int(params["round_id"]))


# The organiser's pages of one round: the guard loads the round once, handlers receive it as `round`.
round_scope: Scope[RoundRow] = Scope("round", load=_round_of_path)


async def rounds_of(edition_id: int) -> list[RoundRow]:
    rows = await Round.select().where(Round.edition == edition_id).order_by(Round.position)
    return [round_row(r) for r in rows]


async def rounds_by_id(round_ids: list[int]) -> list[RoundRow]:
    if not round_ids:
        return []
    return [round_row(r) for r in await Round.select().where(Round.id.is_in(round_ids)).order_by(Round.id)]


async def criteria_of(round_id: int) -> list[CriterionRow]:
    return criterion_rows(await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position))


def rubric(rows: list[CriterionRow]) -> list[rubrics.Criterion]:
    """Saved criteria as the rubric rules take them."""
    return [
        rubrics.Criterion(
            id=r.id,
            name=r.name,
            weight=r.weight,
            scale_min=r.scale_min,
            scale_max=r.scale_max,
            guidance=r.guidance,
            independent=r.independent,
        )
        for r in rows
    ]


async def earlier_rounds(year: int) -> tuple[list[rules.EarlierRound], dict[int, tuple[str, int]]]:
    """Every round of the editions before `year` with its criteria count, and those editions'
    names and years by id (what `rules.rubric_source` chooses among)."""
    editions = {
        e["id"]: (e["name"], e["year"])
        for e in await Edition.select(Edition.id, Edition.year, Edition.name).where(Edition.year < year)
    }
    rows = await Round.select(Round.id, Round.edition, Round.name, Round.method, Round.position).where(
        Round.edition.is_in(list(editions) or [0])
    )
    counts: dict[int, int] = {}
    for row in await Criterion.select(Criterion.round).where(Criterion.round.is_in([r["id"] for r in rows] or [0])):
        counts[row["round"]] = counts.get(row["round"], 0) + 1
    earlier = [
        rules.EarlierRound(
            id=r["id"],
            edition_id=r["edition"],
            edition_year=editions[r["edition"]][1],
            name=r["name"],
            method=RoundMethod(r["method"]),
            position=r["position"],
            criteria=counts.get(r["id"], 0),
        )
        for r in rows
    ]
    return earlier, editions


async def last_report(round_id: int) -> AssignmentReport | None:
    """What the round's last assignment run did (None before the first)."""
    row = await Round.select(Round.assignment_report).where(Round.id == round_id).first().output(load_json=True)
    stored = row["assignment_report"] if row else None
    return msgspec.convert(stored, AssignmentReport) if stored else None


async def assigned_count(round_id: int) -> int:
    count: int = await JudgeAssignment.count().where(JudgeAssignment.round == round_id)
    return count
