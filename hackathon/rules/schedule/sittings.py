"""Sitting choice (min-cost flow): which sittings each pitch may go to.

Team -> (team, panel), capacity 1 so a team's pitches reach different panels -> sitting ->
sink, early sittings cheaper, each filled to `FILL` before it costs more. Each pitch may then
use the flow's sitting or `SPARE_SITTINGS` others.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.graph.python import min_cost_flow

from hackathon.rules.schedule.model import ScheduleProblem
from hackathon.rules.schedule.prepare import _Prepared

# Besides the sitting the flow chose, how many others a pitch may still move to inside the model.
SPARE_SITTINGS = 2


# The share of a sitting's places the flow fills before it prefers another sitting.
FILL = 0.8


def _assign_sittings(problem: ScheduleProblem, prepared: _Prepared) -> dict[int, list[list[int]]]:
    """Per team, for each pitch, the sittings it may go to: the flow's choice first, then spares.

    Min-cost flow: team -> (team, panel) with capacity 1, so a team's pitches go to different
    panels -> sitting -> sink. Early sittings are cheaper and a sitting is filled only to
    `FILL` before the rest of its places cost more, which leaves the sequencing room to breathe.
    """
    flow = min_cost_flow.SimpleMinCostFlow()
    sittings = prepared.sittings
    order = sorted(range(len(sittings)), key=lambda i: (sittings[i].start, i))
    rank = {index: position for position, index in enumerate(order)}
    nodes: dict[object, int] = {"source": 0, "sink": 1}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    teams = [team for team in problem.teams if team.pitches and prepared.pitch_starts[team.id]]
    demand = 0
    for team in teams:
        options = prepared.pitch_starts[team.id]
        panels_here = sorted({sittings[index].panel for index in options})
        wanted = min(team.pitches, len(panels_here))
        demand += wanted
        flow.add_arc_with_capacity_and_unit_cost(nodes["source"], node(("team", team.id)), wanted, 0)
        for panel_id in panels_here:
            flow.add_arc_with_capacity_and_unit_cost(node(("team", team.id)), node(("pair", team.id, panel_id)), 1, 0)
        for index in options:
            flow.add_arc_with_capacity_and_unit_cost(
                node(("pair", team.id, sittings[index].panel)), node(("sitting", index)), 1, 0
            )
    used: dict[int, int] = defaultdict(int)
    places = {index: (s.end - s.start) // prepared.pitch for index, s in enumerate(sittings)}
    for index in range(len(sittings)):
        if ("sitting", index) not in nodes:
            continue
        comfortable = max(1, math.floor(places[index] * FILL))
        flow.add_arc_with_capacity_and_unit_cost(node(("sitting", index)), nodes["sink"], comfortable, rank[index])
        if places[index] > comfortable:
            flow.add_arc_with_capacity_and_unit_cost(
                node(("sitting", index)), nodes["sink"], places[index] - comfortable, len(sittings) + rank[index]
            )
    flow.set_node_supply(nodes["source"], demand)
    flow.set_node_supply(nodes["sink"], -demand)
    chosen: dict[int, list[int]] = defaultdict(list)
    if teams and flow.solve_max_flow_with_min_cost() == flow.OPTIMAL:
        key_of = {number: key for key, number in nodes.items()}
        for arc in range(flow.num_arcs()):
            tail, head = key_of[flow.tail(arc)], key_of[flow.head(arc)]
            if flow.flow(arc) and isinstance(tail, tuple) and tail[0] == "pair" and isinstance(head, tuple):
                chosen[tail[1]].append(head[1])
                used[head[1]] += 1
    out: dict[int, list[list[int]]] = {}
    for team in teams:
        primary = sorted(chosen[team.id], key=lambda index: sittings[index].start)
        candidates = []
        for index in primary:
            elsewhere = {sittings[other].panel for other in primary if other != index}
            spares = sorted(
                (
                    other
                    for other in prepared.pitch_starts[team.id]
                    if other not in primary and sittings[other].panel not in elsewhere
                ),
                key=lambda other: (used[other] >= places[other] * FILL, rank[other]),
            )
            candidates.append([index, *spares[:SPARE_SITTINGS]])
        # Pitches the flow could not route still get a chance in the least busy sittings.
        wanted = min(team.pitches, len({sittings[index].panel for index in prepared.pitch_starts[team.id]}))
        taken = {sittings[index].panel for index in primary}
        spares = sorted(
            (other for other in prepared.pitch_starts[team.id] if sittings[other].panel not in taken),
            key=lambda other: (used[other] / max(1, places[other]), rank[other]),
        )
        for _ in range(wanted - len(primary)):
            candidates.append(spares[: SPARE_SITTINGS + 1])
        out[team.id] = candidates
    return out
