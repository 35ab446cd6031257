"""A round's entries, its submitted totals and the ranking made of them."""

from __future__ import annotations

import msgspec

from challenge.tables import ApplicationProblem
from judging.enums import Normalisation, ScoreStatus
from judging.queries.rounds import load_round
from judging.records import EntryRow, ScoreLine, SubmittedTotal
from judging.rules import scoring
from judging.tables import RoundApplication, ScoreSheet


async def entries(round_id: int) -> list[EntryRow]:
    rows = await RoundApplication.select(
        *RoundApplication.all_columns(),
        RoundApplication.application._.startup._.name.as_alias("startup_name"),
        RoundApplication.application.track.as_alias("track"),
        RoundApplication.application.status.as_alias("status"),
    ).where(RoundApplication.round == round_id)
    return msgspec.convert(rows, list[EntryRow])


async def submitted_totals(round_id: int) -> list[SubmittedTotal]:
    rows = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application, ScoreSheet.total).where(
        ScoreSheet.round == round_id, ScoreSheet.status == ScoreStatus.SUBMITTED, ScoreSheet.total.is_not_null()
    )
    return msgspec.convert(rows, list[SubmittedTotal])


async def compute_ranking(round_id: int) -> scoring.Ranking | None:
    """The round's ranking from its submitted sheets now (None before the first); the round page
    reads it from judging.queries.ranking_cache instead."""
    round_ = await load_round(round_id)
    totals = await submitted_totals(round_id)
    scores = [scoring.JudgeScore(s.judge, s.application, s.total) for s in totals]
    if not scores:
        return None
    options = scoring.ScoringOptions(normalisation=Normalisation(round_.normalisation))
    return scoring.rank_applications(scores, options)


async def ranking(round_id: int) -> tuple[scoring.Ranking | None, dict[int, EntryRow]]:
    """The round's ranking from submitted sheets, and each entry by application id."""
    ranked = await compute_ranking(round_id)
    return ranked, {row.application: row for row in await entries(round_id)}


async def entries_of(round_id: int, application_ids: list[int]) -> list[EntryRow]:
    """The entries a page shows: those named, and every advancing one."""
    rows = (
        await RoundApplication.select(
            *RoundApplication.all_columns(),
            RoundApplication.application._.startup._.name.as_alias("startup_name"),
            RoundApplication.application.track.as_alias("track"),
            RoundApplication.application.status.as_alias("status"),
        )
        .where(
            RoundApplication.round == round_id,
            RoundApplication.application.is_in(application_ids or [0]) | (RoundApplication.advanced == True),  # noqa: E712
        )
        .order_by(RoundApplication.id)
    )
    return msgspec.convert(rows, list[EntryRow])


async def entry_count(round_id: int) -> int:
    count: int = await RoundApplication.count().where(RoundApplication.round == round_id)
    return count


async def score_lines(round_id: int) -> list[ScoreLine]:
    rows = (
        await ScoreSheet.select(
            ScoreSheet.application,
            ScoreSheet.status,
            ScoreSheet.total,
            ScoreSheet.application._.startup._.name.as_alias("startup_name"),
            ScoreSheet.judge.name.as_alias("judge_name"),
        )
        .where(ScoreSheet.round == round_id)
        .order_by(ScoreSheet.application)
    )
    return msgspec.convert(rows, list[ScoreLine])


async def municipality_of(application_ids: list[int]) -> dict[int, str]:
    """Each application's first problem's municipality (the group "at most M per municipality" counts)."""
    if not application_ids:
        return {}
    rows = await ApplicationProblem.select(
        ApplicationProblem.application, ApplicationProblem.problem._.municipality._.name.as_alias("municipality")
    ).where(ApplicationProblem.application.is_in(application_ids))
    first: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r["municipality"]):
        first.setdefault(row["application"], row["municipality"])
    return first
