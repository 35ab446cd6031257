"""What the two CP-SAT phases share: solving with progress reports, and what a phase returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from hackathon.enums import SessionKind
from hackathon.rules.schedule.model import Progress
from hackathon.rules.schedule.slots import Span


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None], phase: SessionKind, offset: float) -> None:
        super().__init__()
        self._report = report
        self._phase = phase
        self._offset = offset
        self._solutions = 0

    def on_solution_callback(self) -> None:
        self._solutions += 1
        self._report(
            Progress(
                phase=self._phase,
                objective=self.objective_value,
                best_bound=self.best_objective_bound,
                elapsed_seconds=self._offset + self.wall_time,
                solutions=self._solutions,
            )
        )


def _domain(starts: Sequence[Span]) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([[a, b] for a, b in starts])


@dataclass
class _Placed:
    team: int
    start: int
    length: int
    sitting: int | None = None  # pitches
    room: int | None = None  # office hours


@dataclass
class _Phase:
    """What one CP-SAT phase returns: the solver's verdict and its figures."""

    code: cp_model.CpSolverStatus
    wall: float
    stats: dict[str, int]


def _solve(
    model: cp_model.CpModel,
    *,
    seconds: float,
    workers: int,
    random_seed: int,
    report: Callable[[Progress], None] | None,
    phase: SessionKind,
    offset: float,
    gap: float = 0.0,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve, stopping early once the objective is within `gap` (absolute) of the proven bound."""
    callback = _ProgressReporter(report, phase, offset) if report else None
    # OR-Tools 9.15 can throw absl::btree_map::at while presolving a solution hint
    # (google/or-tools#5288, open); turning symmetry off avoids it here, dropping the hint always.
    for attempt in ("as is", "no symmetry", "no hint"):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = random_seed
        solver.parameters.absolute_gap_limit = gap
        # Probing pays off on small hard models, not on these wide ones: it ate seconds at full size.
        solver.parameters.cp_model_probing_level = 0
        if attempt != "as is":
            solver.parameters.symmetry_level = 0
        if attempt == "no hint":
            model.clear_hints()  # type: ignore[no-untyped-call]  # OR-Tools 9.15 leaves it unannotated
        try:
            code = solver.solve(model, callback)
            break
        except IndexError as error:
            if "btree_map" not in str(error) or attempt == "no hint":
                raise
    if code == cp_model.MODEL_INVALID:  # a bug here, never the organisers' data
        raise RuntimeError(model.validate())
    return solver, code
