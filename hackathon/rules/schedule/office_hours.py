"""CP-SAT, office hours, around the fixed pitches: as many sessions as possible.

A start per session, a literal per room, `NoOverlap` per room, team and mentor (padded). The
hint is time-major list scheduling (rooms are the scarce resource). Office hours are soft:
they come second and may stay unplaced, each with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from ortools.sat.python import cp_model

from hackathon.enums import SessionKind
from hackathon.rules.schedule.cpsat import _domain, _Phase, _Placed, _solve
from hackathon.rules.schedule.model import Progress, ScheduleProblem
from hackathon.rules.schedule.prepare import Person, _Prepared
from hackathon.rules.schedule.slots import Span, _merge, _without


def _office_options(prepared: _Prepared, runs: Sequence[Sequence[_Placed]]) -> dict[int, dict[int, list[Span]]]:
    """Office-hours starts per team and room once the pitches and sittings have taken their time."""
    office, pitch, buffer = prepared.office, prepared.pitch, prepared.buffer
    team_busy: dict[int, list[Span]] = defaultdict(list)
    room_busy: dict[int, list[Span]] = defaultdict(list)
    for run in runs:
        assert run[0].sitting is not None
        room = prepared.sittings[run[0].sitting].room
        room_busy[room].append((run[0].start - office + 1, run[-1].start + pitch - 1))
        for placed in run:
            team_busy[placed.team].append((placed.start - office - buffer + 1, placed.start + pitch + buffer - 1))
    options = {}
    for team_id, by_room in prepared.office_starts.items():
        free = {}
        for room_id, starts in by_room.items():
            left = _without(starts, [*team_busy[team_id], *room_busy[room_id]])
            if left:
                free[room_id] = left
        options[team_id] = free
    return options


def _greedy_offices(
    problem: ScheduleProblem, prepared: _Prepared, options: Mapping[int, Mapping[int, list[Span]]]
) -> dict[tuple[int, int], tuple[int, int]]:
    """A first schedule for the hint: (team, session number) -> (room, start).

    Time-major list scheduling, because rooms are the scarce resource: slot by slot, each free
    room takes the team with the fewest options that can meet its mentor there and then.
    """
    office, buffer = prepared.office, prepared.buffer
    size = prepared.grid.horizon + office + buffer + 1
    busy: dict[Person, bytearray] = defaultdict(lambda: bytearray(size))
    # Only teams with a mentor have office-hours options.
    mentor = {team.id: team.mentor_id for team in problem.teams if team.mentor_id is not None}
    wanted = {team.id: team.office_hours for team in problem.teams if team.id in options}
    remaining = dict(wanted)
    allowed: dict[tuple[int, int], set[int]] = {}
    by_start: dict[int, set[int]] = defaultdict(set)
    for team_id, by_room in options.items():
        for room_id, spans in by_room.items():
            allowed[team_id, room_id] = {start for a, b in spans for start in range(a, b + 1)}
            for start in allowed[team_id, room_id]:
                by_start[start].add(team_id)
    scarcity = {team_id: sum(len(allowed[team_id, room_id]) for room_id in options[team_id]) for team_id in options}
    rooms = sorted({room_id for by_room in options.values() for room_id in by_room})
    placed: dict[tuple[int, int], tuple[int, int]] = {}
    for start in sorted(by_start):
        end = start + office + buffer
        for room_id in rooms:
            if busy["room", room_id].find(1, start, start + office) >= 0:
                continue
            fitting = [
                team_id
                for team_id in by_start[start]
                if remaining[team_id]
                and start in allowed.get((team_id, room_id), ())
                and busy["team", team_id].find(1, start, end) < 0
                and busy["mentor", mentor[team_id]].find(1, start, end) < 0
            ]
            if not fitting:
                continue
            team_id = min(fitting, key=lambda t: (scarcity[t], t))
            team_mentor = mentor[team_id]
            placed[team_id, wanted[team_id] - remaining[team_id]] = (room_id, start)
            remaining[team_id] -= 1
            busy["team", team_id][start:end] = b"\x01" * (end - start)
            busy["mentor", team_mentor][start:end] = b"\x01" * (end - start)
            busy["room", room_id][start : start + office] = b"\x01" * office
    return placed


def _place_office_hours(
    problem: ScheduleProblem,
    prepared: _Prepared,
    runs: Sequence[Sequence[_Placed]],
    *,
    seconds: float,
    workers: int,
    random_seed: int,
    report: Callable[[Progress], None] | None,
    offset: float,
) -> tuple[_Phase, list[_Placed]]:
    """Phase two: office hours around the fixed pitches, as many as possible."""
    office, buffer = prepared.office, prepared.buffer
    teams = {team.id: team for team in problem.teams}
    options = {team_id: by_room for team_id, by_room in _office_options(prepared, runs).items() if by_room}
    if not options:
        return _Phase(cp_model.OPTIMAL, 0.0, {"sessions": 0}), []
    hint = _greedy_offices(problem, prepared, options)

    model = cp_model.CpModel()
    by_room: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
    by_person: dict[Person, list[cp_model.IntervalVar]] = defaultdict(list)
    sessions: list[tuple[int, cp_model.IntVar, dict[int, cp_model.IntVar]]] = []
    unplaced: list[cp_model.LinearExpr] = []
    for team_id, by_room_starts in options.items():
        team = teams[team_id]
        assert team.mentor_id is not None
        starts = _merge((a, b + 1) for spans in by_room_starts.values() for a, b in spans)
        previous: tuple[cp_model.IntVar, cp_model.IntVar] | None = None
        for number in range(team.office_hours):
            hinted = hint.get((team_id, number))
            start = model.new_int_var_from_domain(_domain([(a, b - 1) for a, b in starts]), f"o{team_id}.{number}")
            model.add_hint(start, hinted[1] if hinted else starts[0][0])
            chosen = {}
            for room_id, room_starts in by_room_starts.items():
                lit = model.new_bool_var(f"o{team_id}.{number}@{room_id}")
                model.add_hint(lit, bool(hinted and hinted[0] == room_id))
                if len(by_room_starts) > 1:
                    model.add_linear_expression_in_domain(start, _domain(room_starts)).only_enforce_if(lit)
                by_room[room_id].append(model.new_optional_fixed_size_interval_var(start, office, lit, ""))
                chosen[room_id] = lit
            placed = model.new_bool_var(f"o{team_id}.{number}.placed")
            model.add_hint(placed, hinted is not None)
            model.add(sum(chosen.values()) == placed)
            for person in (("team", team_id), ("mentor", team.mentor_id)):
                by_person[person].append(model.new_optional_fixed_size_interval_var(start, office + buffer, placed, ""))
            unplaced.append(1 - placed)
            if previous is not None:  # the sessions are interchangeable: keep them in order
                model.add_implication(placed, previous[1])
                model.add(previous[0] < start).only_enforce_if(placed)
            previous = (start, placed)
            sessions.append((team_id, start, chosen))
    for intervals in (*by_room.values(), *by_person.values()):
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    model.minimize(sum(unplaced))
    solver, code = _solve(
        model,
        seconds=seconds,
        workers=workers,
        random_seed=random_seed,
        report=report,
        phase=SessionKind.OFFICE_HOURS,
        offset=offset,
    )
    placed_offices = []
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for team_id, start, chosen in sessions:
            for room_id, lit in chosen.items():
                if solver.boolean_value(lit):
                    placed_offices.append(_Placed(team_id, solver.value(start), office, room=room_id))
    stats = {
        "sessions": len(sessions),
        "hinted": len(hint),
        "variables": len(model.proto.variables),
        "constraints": len(model.proto.constraints),
    }
    return _Phase(code, solver.wall_time, stats), placed_offices
