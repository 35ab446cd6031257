"""The facts behind judging's next steps: grouped counts of assignments and submitted sheets."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from challenge.rules.next_steps import EditionFacts
from challenge.services.next_steps import edition_facts
from core.auth import CurrentUser
from core.next_steps import Home, register_source
from core.rules.next_steps import Step
from judging.enums import RoundMethod, RoundStatus, ScoreStatus
from judging.rules import next_steps as rules
from judging.services.visibility import judges_in
from judging.tables import JudgeAssignment, JudgeProfile, Round, ScoreSheet


async def _per_round(query: Any) -> dict[int, int]:
    return {row["round"]: row["n"] for row in await query}


def _round(row: dict[str, Any], edition: EditionFacts, assigned: int, submitted: int) -> rules.RoundFacts:
    return rules.RoundFacts(
        id=row["id"],
        name=row["name"],
        method=RoundMethod(row["method"]),
        status=RoundStatus(row["status"]),
        edition=edition,
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        assigned=assigned,
        submitted=submitted,
    )


ROUND_COLUMNS = (Round.id, Round.name, Round.method, Round.status, Round.edition, Round.opens_at, Round.closes_at)


async def _judge_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    mine = [e for e in editions.values() if judges_in(user, e.id)]
    assigned = await _per_round(
        JudgeAssignment.select(JudgeAssignment.round, Count(alias="n"))
        .where(JudgeAssignment.judge == user.id)
        .group_by(JudgeAssignment.round)
    )
    submitted = await _per_round(
        ScoreSheet.select(ScoreSheet.round, Count(alias="n"))
        .where(ScoreSheet.judge == user.id, ScoreSheet.status == ScoreStatus.SUBMITTED)
        .group_by(ScoreSheet.round)
    )
    finals = Round.method == RoundMethod.PAIRWISE
    wanted = Round.id.is_in(list(assigned) or [0]) | (finals & Round.edition.is_in([e.id for e in mine] or [0]))
    rows = await Round.select(*ROUND_COLUMNS).where(wanted, Round.status == RoundStatus.OPEN).order_by(Round.id)
    profiles = await JudgeProfile.select(JudgeProfile.edition).where(JudgeProfile.user == user.id)
    facts = rules.JudgeFacts(
        rounds=tuple(
            _round(r, editions[r["edition"]], assigned.get(r["id"], 0), submitted.get(r["id"], 0))
            for r in rows
            if r["edition"] in editions
        ),
        editions=tuple(mine),
        profiles=frozenset(p["edition"] for p in profiles),
    )
    return rules.judge_steps(facts, now=now)


# Per live round, its assignments and its submitted sheets, in one query (a home page makes many).
_ROUND_COUNTS = """
SELECT 'assigned' AS kind, round, COUNT(*) AS n FROM judge_assignment WHERE round IN ({rounds}) GROUP BY round
UNION ALL
SELECT 'submitted' AS kind, round, COUNT(*) AS n FROM score_sheet
WHERE round IN ({rounds}) AND status = {{}} GROUP BY round
"""


async def _round_counts(round_ids: list[int]) -> dict[str, dict[int, int]]:
    counts: dict[str, dict[int, int]] = {"assigned": {}, "submitted": {}}
    if round_ids:
        holes = ", ".join("{}" for _ in round_ids)
        sql = _ROUND_COUNTS.format(rounds=holes)
        for row in await Round.raw(sql, *round_ids, *round_ids, str(ScoreStatus.SUBMITTED)):
            counts[row["kind"]][row["round"]] = row["n"]
    return counts


async def _organiser_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    # The published rounds too, in the same query: the results steps count them per edition.
    every = (
        await Round.select(*ROUND_COLUMNS)
        .where(Round.status.is_in([RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED]))
        .order_by(Round.id)
    )
    rows = [r for r in every if r["status"] != RoundStatus.PUBLISHED]
    counts = await _round_counts([r["id"] for r in rows])
    rounds = [
        _round(r, editions[r["edition"]], counts["assigned"].get(r["id"], 0), counts["submitted"].get(r["id"], 0))
        for r in rows
        if r["edition"] in editions
    ]
    published = Counter(r["edition"] for r in every if r["status"] == RoundStatus.PUBLISHED)
    results = [rules.ResultsFacts(e, published.get(e.id, 0)) for e in editions.values()]
    return rules.organiser_round_steps(rounds, now=now) + rules.organiser_results_steps(results, now=now)


def register() -> None:
    register_source(Home.JUDGE, _judge_steps)
    register_source(Home.ORGANISER, _organiser_steps)
