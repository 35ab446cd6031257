"""Everything an organiser's round page shows: rubric, entries, ranking, charts, what blocks publishing."""

from __future__ import annotations

import msgspec

from challenge.records import EditionRow
from challenge.services.editions import load_edition
from judging.enums import RoundMethod, RoundStatus
from judging.queries import charts, pairwise, publishing, rankings
from judging.queries.judge_progress import JudgeProgress, judge_progress
from judging.queries.judges import judge_names
from judging.queries.rounds import assigned_count, criteria_of, last_report
from judging.records import AssignmentReport, CriterionRow, EntryRow, RoundRow
from judging.rules import pairwise as pairwise_rules
from judging.rules import scoring


class RoundPage(msgspec.Struct, frozen=True, kw_only=True):
    round: RoundRow
    edition: EditionRow
    criteria: list[CriterionRow]
    entries: dict[int, EntryRow]
    ranking: scoring.Ranking | None
    judge_calibration: dict[int, scoring.JudgeCalibration]
    judge_names: dict[int, str]
    # Inline SVG by chart name ("judges", "ranking"); empty before the first submitted sheet.
    charts: dict[str, str]
    pairwise_standings: tuple[pairwise_rules.ItemStanding, ...]
    pairwise_votes: int
    pairwise_overview: pairwise.PairwiseOverview | None
    assigned: int
    publish_refusals: list[str]
    publish_blockers: list[publishing.Blocked]
    advanced_ids: list[int]
    assignment_report: AssignmentReport | None
    # Each judge's sheets (assigned, submitted, drafts, last activity), least done first.
    judge_progress: list[JudgeProgress] = msgspec.field(default_factory=list)
    # The advancing applications in rank order: what the page lists after advancing.
    advancing: list[EntryRow] = msgspec.field(default_factory=list)


async def round_page(round_: RoundRow) -> RoundPage:
    round_id = round_.id
    ranking, names = await rankings.ranking(round_id)
    standings, votes = await pairwise.standings(round_id) if round_.method == RoundMethod.PAIRWISE else ((), 0)
    names_of_judges = await judge_names(round_id)
    drawn: dict[str, str] = {}
    if ranking:
        totals = await rankings.submitted_totals(round_id)
        entry_names = {a: e.startup_name for a, e in names.items()}
        drawn = charts.round_charts(round_id, totals, names_of_judges, ranking, entry_names)
    closed = round_.status == RoundStatus.CLOSED
    return RoundPage(
        round=round_,
        edition=await load_edition(round_.edition),
        criteria=await criteria_of(round_id),
        entries=names,
        ranking=ranking,
        judge_calibration={j.judge_id: j for j in ranking.judges} if ranking else {},
        judge_names=names_of_judges,
        charts=drawn,
        pairwise_standings=standings,
        pairwise_votes=votes,
        pairwise_overview=await pairwise.overview(round_id) if round_.method == RoundMethod.PAIRWISE else None,
        assigned=await assigned_count(round_id),
        publish_refusals=await publishing.publish_refusals(round_id) if closed else [],
        publish_blockers=await publishing.publish_blockers(round_id) if closed else [],
        advanced_ids=[a for a, e in names.items() if e.advanced],
        assignment_report=await last_report(round_id),
        judge_progress=await judge_progress(round_id),
        advancing=sorted(
            (e for e in names.values() if e.advanced),
            key=lambda e: (e.rank is None, e.rank or 0, e.startup_name.lower()),
        ),
    )
