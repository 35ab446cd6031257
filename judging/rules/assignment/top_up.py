"""Topping up panels after a judge drops out: their unsubmitted sheets go to other judges.

Everything that stays is locked (the other judges' assignments, and the sheets the released
judge submitted), so the top-up only adds judges; the released judge gets no new application
(a conflict with every application they do not keep), and the round's conflicts, limits and
one-per-organisation rule hold as in `assign_judges`. An application still short afterwards
is explained without the released judge: "the judges with room left are from organisations
already on its panel", not "the released judge has a conflict with it".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from judging.rules.assignment.model import ApplicationToJudge, AssignmentResult, Judge, JudgeAssignment, Shortfall
from judging.rules.assignment.plan import _limits, assign_judges
from judging.rules.assignment.shortfalls import _why_short


@dataclass(frozen=True, slots=True)
class TopUp:
    """The pairs to add, and the applications still short of judges with why (the full plan in `result`)."""

    added: tuple[JudgeAssignment, ...]
    shortfalls: tuple[Shortfall, ...]
    result: AssignmentResult


def released_conflicts(
    released: Collection[int], application_ids: Collection[int], kept: Collection[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The pairs no released judge may be given: every application but those whose sheet they keep."""
    keeps = set(kept)
    return {(judge_id, a) for judge_id in released for a in application_ids if (judge_id, a) not in keeps}


def plan_top_up(
    judges: Sequence[Judge],
    applications: Sequence[ApplicationToJudge],
    *,
    released: Collection[int],
    current: Collection[tuple[int, int]],
    judges_per_application: int,
    max_per_judge: int,
    conflicts: Collection[tuple[int, int]],
    seed: int = 0,
    one_per_organisation: bool = True,
) -> TopUp:
    """The judges to add so that every application has k again, around what stays.

    Args:
        judges: the round's judges, the released ones included (their kept sheets count).
        applications: the round's applications.
        released: the judges released from the round (this one and any earlier).
        current: the (judge, application) pairs that stay: everything but the released sheets.
        judges_per_application, max_per_judge, conflicts, seed, one_per_organisation: as for
            `assign_judges`.
    """
    kept = set(current)
    application_ids = [application.id for application in applications]
    barred = released_conflicts(released, application_ids, kept)
    result = assign_judges(
        judges,
        applications,
        judges_per_application=judges_per_application,
        max_per_judge=max_per_judge,
        conflicts=set(conflicts) | barred,
        locked=kept,
        seed=seed,
        one_per_organisation=one_per_organisation,
    )
    added = tuple(pair for pair in result.assignments if (pair.judge_id, pair.application_id) not in kept)
    others = [judge for judge in judges if judge.id not in set(released)]
    limit = _limits(others, max_per_judge)
    by_id = {application.id: application for application in applications}
    panels = result.panels
    shortfalls = tuple(
        _why_short(
            by_id[short.application_id],
            short.missing,
            k=judges_per_application,
            judges=others,
            # The released judge's kept sheet is a seat on the panel all the same.
            panel=set(panels.get(short.application_id, ())),
            conflicted=set(conflicts),
            loads=result.loads,
            limit=limit,
        )
        for short in result.shortfalls
    )
    return TopUp(added=added, shortfalls=shortfalls, result=result)
