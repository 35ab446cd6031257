"""`build_schedule`: the steps in order, within one time limit."""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from hackathon.enums import SolveStatus
from hackathon.rules.schedule.fairness import _balance_edges
from hackathon.rules.schedule.model import Progress, ScheduleProblem, ScheduleResult
from hackathon.rules.schedule.office_hours import _place_office_hours
from hackathon.rules.schedule.pitches import _sequence_pitches
from hackathon.rules.schedule.prepare import _prepare
from hackathon.rules.schedule.results import _items, _unplaced
from hackathon.rules.schedule.sittings import _assign_sittings


def build_schedule(
    problem: ScheduleProblem,
    *,
    time_limit_seconds: float,
    workers: int = 2,
    random_seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
) -> ScheduleResult:
    """Place every team's pitches and office hours; report the rest with reasons.

    `time_limit_seconds` bounds the two CP-SAT searches together: pitches may use up to 60%,
    office hours what is left (building the models adds a fraction of a second at 300 teams).
    Each search stops early once it has proven its result; otherwise the best schedule found
    by then is returned (`status` FEASIBLE). `on_progress` hears of every improvement, on the
    solver's thread. `random_seed` is passed to CP-SAT; with several workers and a time limit
    the result may still vary between runs, never its validity.
    """
    prepared = _prepare(problem)
    choices = _assign_sittings(problem, prepared)
    has_offices = bool(prepared.office_starts)
    runs, pitches = _sequence_pitches(
        problem,
        prepared,
        choices,
        seconds=time_limit_seconds * (0.6 if has_offices else 1.0),
        workers=workers,
        random_seed=random_seed,
        report=on_progress,
    )
    _balance_edges(runs, prepared)
    offices, placed_offices = _place_office_hours(
        problem,
        prepared,
        runs,
        seconds=time_limit_seconds - pitches.wall,
        workers=workers,
        random_seed=random_seed,
        report=on_progress,
        offset=pitches.wall,
    )
    codes = {pitches.code, offices.code}
    status = (
        SolveStatus.NO_SOLUTION
        if codes - {cp_model.OPTIMAL, cp_model.FEASIBLE}
        else SolveStatus.FEASIBLE
        if cp_model.FEASIBLE in codes
        else SolveStatus.OPTIMAL
    )
    placed_pitches = [placed for run in runs for placed in run]
    return ScheduleResult(
        items=_items(problem, prepared, runs, placed_offices),
        unplaced=_unplaced(
            problem,
            prepared,
            placed_pitches,
            placed_offices,
            pitches_solved=pitches.code in (cp_model.OPTIMAL, cp_model.FEASIBLE),
            offices_solved=offices.code in (cp_model.OPTIMAL, cp_model.FEASIBLE),
        ),
        status=status,
        elapsed_seconds=pitches.wall + offices.wall,
        stats={
            **{f"pitch_{k}": v for k, v in pitches.stats.items()},
            **{f"office_{k}": v for k, v in offices.stats.items()},
        },
    )
