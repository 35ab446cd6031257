"""Fairness, a local search over the placed pitches: nobody always first or last when a swap avoids it."""

from __future__ import annotations

from collections import defaultdict

from hackathon.rules.schedule.cpsat import _Placed
from hackathon.rules.schedule.prepare import _Prepared
from hackathon.rules.schedule.slots import _allows


def _balance_edges(runs: list[list[_Placed]], prepared: _Prepared) -> None:
    """Swap teams inside sittings until no team is first/last two times more than another could be.

    Each swap moves an edge place from a team with more edges to one with at least two fewer,
    so the sum of squared edge counts falls and the loop ends.
    """
    by_team: dict[int, list[_Placed]] = defaultdict(list)
    for run in runs:
        for placed in run:
            by_team[placed.team].append(placed)

    def is_edge(run: list[_Placed], position: int) -> bool:
        return position in (0, len(run) - 1)

    edges: dict[int, int] = defaultdict(int)
    for run in runs:
        for position, placed in enumerate(run):
            edges[placed.team] += is_edge(run, position)

    def fits(team: int, moving: _Placed, swapped: _Placed, start: int) -> bool:
        assert moving.sitting is not None
        if not _allows(prepared.pitch_starts[team].get(moving.sitting, []), start):
            return False
        end = start + moving.length + prepared.buffer
        return all(
            other is moving
            or other is swapped
            or other.start + other.length + prepared.buffer <= start
            or end <= other.start
            for other in by_team[team]
        )

    improved = True
    while improved:
        improved = False
        for run in runs:
            if len(run) < 3:
                continue
            for edge_position in (0, len(run) - 1):
                edge = run[edge_position]
                for position in range(1, len(run) - 1):
                    middle = run[position]
                    if edges[middle.team] + 2 > edges[edge.team]:
                        continue
                    if fits(edge.team, edge, middle, middle.start) and fits(middle.team, middle, edge, edge.start):
                        edge.start, middle.start = middle.start, edge.start
                        run[edge_position], run[position] = middle, edge
                        edges[edge.team] -= 1
                        edges[middle.team] += 1
                        improved = True
                        break
