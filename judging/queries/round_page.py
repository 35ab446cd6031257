"""Everything an organiser's round page shows: rubric, entries, ranking, charts, what blocks publishing."""

from __future__ import annotations

import msgspec

from challenge.records import EditionRow
from challenge.services.editions import load_edition
from core import db
from core.tables import User
from judging.enums import RoundMethod, RoundStatus
from judging.queries import pairwise, publishing, ranking_cache, rankings
from judging.queries.judge_progress import JudgeProgress, judge_progress
from judging.queries.rounds import assigned_count, criteria_of, last_report
from judging.records import AssignmentReport, CriterionRow, EntryRow, RoundRow
from judging.rules import pairwise as pairwise_rules
from judging.rules import scoring


class RoundPage(msgspec.Struct, frozen=True, kw_only=True):
    round: RoundRow
    edition: EditionRow
    criteria: list[CriterionRow]
    # The entries the page names, by application id: all of them, or only the shown rows' and
    # the advancing ones (see `round_page`); `entry_count` counts them all.
    entries: dict[int, EntryRow]
    entry_count: int
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
    # Each judge's sheets (assigned, submitted, drafts, last activity), least done first (open rounds).
    judge_progress: list[JudgeProgress] = msgspec.field(default_factory=list)
    # What the "choose by hand" form lists: (place in the ranking, entry) for the shown rows and,
    # past them, the advancing ones (sending the list must not drop them).
    hand_choices: list[tuple[int, EntryRow]] = msgspec.field(default_factory=list)
    # The advancing applications in rank order: what the page lists after advancing.
    advancing: list[EntryRow] = msgspec.field(default_factory=list)


async def _judge_names(judge_ids: list[int]) -> dict[int, str]:
    if not judge_ids:
        return {}
    return {u["id"]: u["name"] for u in await User.select(User.id, User.name).where(User.id.is_in(judge_ids))}


async def round_page(round_: RoundRow, *, shown_rows: int | None = None) -> RoundPage:
    """The page's data; with `shown_rows`, only the ranking's first rows (and the advancing
    entries) are loaded with their names: the page lists no more."""
    round_id = round_.id
    # The ranking and its charts may be computed and stored here (their own write transactions);
    # every other read of the page is done in two `db.reading()`s around them.
    version, snapshot = await ranking_cache.current_ranking(round_id)
    ranking = snapshot.ranking
    pairwise_round = round_.method == RoundMethod.PAIRWISE
    async with db.reading():
        standings, votes = await pairwise.standings(round_id) if pairwise_round else ((), 0)
        report = await last_report(round_id)
        if shown_rows is None or pairwise_round or round_.blind or not ranking:
            listed = await rankings.entries(round_id)
            count = len(listed)
        else:
            wanted = [s.application_id for s in ranking.standings[:shown_rows]]
            wanted += [s.application_id for s in report.shortfalls] if report else []
            listed = await rankings.entries_of(round_id, wanted)
            count = await rankings.entry_count(round_id)
        names = {e.application: e for e in listed}
        names_of_judges = await _judge_names([j.judge_id for j in ranking.judges]) if ranking else {}
    drawn = await ranking_cache.round_charts(
        round_id, version, snapshot, {a: e.startup_name for a, e in names.items()}, names_of_judges
    )
    closed = round_.status == RoundStatus.CLOSED
    advancing = [e for e in names.values() if e.advanced]
    order = [s.application_id for s in ranking.standings] if ranking else [s.item_id for s in standings]
    hand_choices = [
        (position, names[a])
        for position, a in enumerate(order, start=1)
        if a in names and (shown_rows is None or position <= shown_rows or names[a].advanced)
    ]
    async with db.reading():
        edition = await load_edition(round_.edition)
        return RoundPage(
            round=round_,
            edition=edition,
            criteria=await criteria_of(round_id),
            entries=names,
            entry_count=count,
            ranking=ranking,
            judge_calibration={j.judge_id: j for j in ranking.judges} if ranking else {},
            judge_names=names_of_judges,
            charts=drawn,
            pairwise_standings=standings,
            pairwise_votes=votes,
            pairwise_overview=await pairwise.overview(round_id) if pairwise_round else None,
            assigned=await assigned_count(round_id),
            publish_refusals=await publishing.publish_refusals(
                round_id, round_=round_, edition=edition, advanced=len(advancing)
            )
            if closed
            else [],
            publish_blockers=await publishing.publish_blockers(round_id, advancing=advancing) if closed else [],
            advanced_ids=[e.application for e in advancing],
            assignment_report=report,
            judge_progress=await judge_progress(round_id) if round_.status == RoundStatus.OPEN else [],
            hand_choices=hand_choices,
            advancing=sorted(advancing, key=lambda e: (e.rank is None, e.rank or 0, e.startup_name.lower())),
        )
