"""CP-SAT, pitches: every pitch into one of its candidate sittings, sittings back to back.

A start variable per pitch, a literal per candidate sitting, and per sitting an interval from
its first pitch that lasts exactly one pitch per team in it. `NoOverlap` per panel, team
(padded by the buffer) and judge sitting on several panels (whole sittings, padded). A greedy
back-to-back fill of the flow's sittings is the hint. Objective: unplaced pitches (each
outweighing all sittings), then the number of sittings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from hackathon.enums import SessionKind
from hackathon.rules.schedule.cpsat import _domain, _Phase, _Placed, _solve
from hackathon.rules.schedule.model import Progress, ScheduleProblem
from hackathon.rules.schedule.prepare import Person, _Prepared
from hackathon.rules.schedule.slots import Span, _allows, _merge


def _greedy_pitches(
    problem: ScheduleProblem, prepared: _Prepared, choices: Mapping[int, list[list[int]]]
) -> dict[tuple[int, int], tuple[int, int]]:
    """A first schedule for the hint: each sitting takes its teams back to back, first fit.

    Returns (team, pitch number) -> (sitting, start). Pitches that do not fit are left out.
    """
    pitch, buffer, sittings = prepared.pitch, prepared.buffer, prepared.sittings
    panels = {panel.id: panel for panel in problem.panels}
    multi = {judge for judge, count in Counter(j for p in problem.panels for j in p.judge_ids).items() if count > 1}
    busy: dict[Person, list[Span]] = defaultdict(list)  # padded by the buffer
    placed: dict[tuple[int, int], tuple[int, int]] = {}
    cursor = {index: sitting.start for index, sitting in enumerate(sittings)}  # where each run ends
    opened: set[int] = set()

    def free(person: Person, start: int, end: int) -> bool:
        return all(end <= a or b <= start for a, b in busy[person])

    def judges(index: int) -> list[Person]:
        return [("judge", j) for j in panels[sittings[index].panel].judge_ids if j in multi]

    def fits(team_id: int, index: int, start: int) -> bool:
        if start + pitch > sittings[index].end or not _allows(prepared.pitch_starts[team_id][index], start):
            return False
        # A judge on several panels is held for the whole sitting window once it opens.
        window = (sittings[index].start, sittings[index].end + buffer)
        if index not in opened and not all(free(judge, *window) for judge in judges(index)):
            return False
        return free(("team", team_id), start, start + pitch + buffer)

    def take(team_id: int, number: int, index: int, start: int) -> None:
        placed[team_id, number] = (index, start)
        busy["team", team_id].append((start, start + pitch + buffer))
        if index not in opened:
            opened.add(index)
            for judge in judges(index):
                busy[judge].append((sittings[index].start, sittings[index].end + buffer))
        cursor[index] = start + pitch

    waiting: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for team_id, per_pitch in choices.items():
        for number, candidates in enumerate(per_pitch):
            waiting[candidates[0]].append((team_id, number))
    for index in sorted(range(len(sittings)), key=lambda i: (sittings[i].start, i)):
        queue = waiting.get(index, [])
        while queue and cursor[index] + pitch <= sittings[index].end:
            found = next((entry for entry in queue if fits(entry[0], index, cursor[index])), None)
            if found is not None:
                queue.remove(found)
                take(*found, index, cursor[index])
            elif index not in opened:
                cursor[index] += 1  # nobody can start the run yet: try a slot later
            else:
                break
    # Second chance: what did not fit joins the end of another of its sittings' runs.
    for team_id, per_pitch in choices.items():
        for number, candidates in enumerate(per_pitch):
            if (team_id, number) in placed:
                continue
            taken = {sittings[placed[team_id, n][0]].panel for n in range(len(per_pitch)) if (team_id, n) in placed}
            for index in candidates:
                if sittings[index].panel not in taken and fits(team_id, index, cursor[index]):
                    take(team_id, number, index, cursor[index])
                    break
    return placed


def _sequence_pitches(
    problem: ScheduleProblem,
    prepared: _Prepared,
    choices: Mapping[int, list[list[int]]],
    *,
    seconds: float,
    workers: int,
    random_seed: int,
    report: Callable[[Progress], None] | None,
) -> tuple[list[list[_Placed]], _Phase]:
    """Phase one: every pitch into one of its candidate sittings, sittings back to back."""
    pitch = prepared.pitch
    hint = _greedy_pitches(problem, prepared, choices)
    model = cp_model.CpModel()
    pitches = _pitch_variables(model, prepared, choices, hint)
    used_sittings = _sitting_runs(model, problem, prepared, pitches, hint)
    for intervals in (*pitches.by_panel.values(), *pitches.by_person.values()):
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    # A pitch outweighs all sittings; fewer sittings means longer runs for the judges. The bound on
    # sittings is weak, so the search stops once the number of pitches placed is settled (the gap
    # is all sittings): packing comes from the flow and the back-to-back hint, the rest is a bonus.
    model.minimize((len(used_sittings) + 1) * sum(pitches.unplaced) + sum(used_sittings))
    solver, code = _solve(
        model,
        seconds=seconds,
        workers=workers,
        random_seed=random_seed,
        report=report,
        phase=SessionKind.PITCH,
        offset=0.0,
        gap=len(used_sittings),
    )
    by_sitting: dict[int, list[_Placed]] = defaultdict(list)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index, entries in pitches.members.items():
            for team_id, start, lit in entries:
                if solver.boolean_value(lit):
                    by_sitting[index].append(_Placed(team_id, solver.value(start), pitch, sitting=index))
    runs = [sorted(by_sitting[index], key=lambda p: p.start) for index in sorted(by_sitting)]
    stats = {
        "sessions": len(pitches.unplaced),
        "hinted": len(hint),
        "variables": len(model.proto.variables),
        "constraints": len(model.proto.constraints),
    }
    return runs, _Phase(code, solver.wall_time, stats)


@dataclass
class _PitchVariables:
    """The pitch variables of the model, grouped by what constrains them."""

    by_panel: dict[int, list[cp_model.IntervalVar]] = field(default_factory=lambda: defaultdict(list))
    by_person: dict[Person, list[cp_model.IntervalVar]] = field(default_factory=lambda: defaultdict(list))
    # sitting -> the pitches that may happen in it: team, start, "it happens here"
    members: dict[int, list[tuple[int, cp_model.IntVar, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unplaced: list[cp_model.LinearExpr] = field(default_factory=list)


def _pitch_variables(
    model: cp_model.CpModel,
    prepared: _Prepared,
    choices: Mapping[int, list[list[int]]],
    hint: Mapping[tuple[int, int], tuple[int, int]],
) -> _PitchVariables:
    """A start per pitch and a literal per candidate sitting; a team's pitches reach different panels."""
    sittings = prepared.sittings
    pitch, buffer = prepared.pitch, prepared.buffer
    out = _PitchVariables()
    for team_id, per_pitch in choices.items():
        same_panel: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for number, candidates in enumerate(per_pitch):
            options = prepared.pitch_starts[team_id]
            starts = _merge((a, b + 1) for index in candidates for a, b in options[index])
            start = model.new_int_var_from_domain(_domain([(a, b - 1) for a, b in starts]), f"p{team_id}.{number}")
            hinted = hint.get((team_id, number))
            model.add_hint(start, hinted[1] if hinted else starts[0][0])
            here = []
            for index in candidates:
                lit = model.new_bool_var(f"p{team_id}.{number}@{index}")
                model.add_hint(lit, bool(hinted and hinted[0] == index))
                if len(candidates) > 1:
                    model.add_linear_expression_in_domain(start, _domain(options[index])).only_enforce_if(lit)
                panel_id = sittings[index].panel
                out.by_panel[panel_id].append(model.new_optional_fixed_size_interval_var(start, pitch, lit, ""))
                out.members[index].append((team_id, start, lit))
                same_panel[panel_id].append(lit)
                here.append(lit)
            placed = model.new_bool_var(f"p{team_id}.{number}.placed")
            model.add_hint(placed, hinted is not None)
            model.add(sum(here) == placed)
            out.by_person["team", team_id].append(
                model.new_optional_fixed_size_interval_var(start, pitch + buffer, placed, "")
            )
            out.unplaced.append(1 - placed)
        for lits in same_panel.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)
    return out


def _sitting_runs(
    model: cp_model.CpModel,
    problem: ScheduleProblem,
    prepared: _Prepared,
    pitches: _PitchVariables,
    hint: Mapping[tuple[int, int], tuple[int, int]],
) -> list[cp_model.IntVar]:
    """Per sitting, the run of its pitches and whether it is used; judges on several panels held.

    A sitting lasts exactly one pitch per team in it and every pitch lies inside it, so its
    pitches are back to back. Its room is its own (see _room_plan), so rooms need no constraint.
    """
    panels = {panel.id: panel for panel in problem.panels}
    sittings = prepared.sittings
    pitch, buffer = prepared.pitch, prepared.buffer
    multi = {judge for judge, count in Counter(j for p in problem.panels for j in p.judge_ids).items() if count > 1}
    hinted_runs: dict[int, list[int]] = defaultdict(list)
    for index, hinted_start in hint.values():
        hinted_runs[index].append(hinted_start)
    used_sittings: list[cp_model.IntVar] = []
    for index, entries in pitches.members.items():
        a, b = sittings[index].start, sittings[index].end
        most = min(len(entries), (b - a) // pitch)
        first = model.new_int_var(a, b - pitch, "")
        last = model.new_int_var(a, b, "")
        count = model.new_int_var(0, most, "")
        used = model.new_bool_var("")
        run = hinted_runs.get(index, [])
        model.add_hint(first, min(run, default=a))
        model.add_hint(count, len(run))
        model.add_hint(last, min(run, default=a) + pitch * len(run))
        model.add_hint(used, bool(run))
        model.add(count == sum(lit for _, _, lit in entries))
        model.add(count >= used)
        model.add(count <= most * used)
        model.add(last == first + pitch * count)
        for _, start, lit in entries:
            model.add(start >= first).only_enforce_if(lit)
            model.add(start + pitch <= last).only_enforce_if(lit)
        # A judge on several panels: whole sittings apart, with time to change rooms.
        for judge_id in panels[sittings[index].panel].judge_ids:
            if judge_id in multi:
                pitches.by_person["judge", judge_id].append(
                    model.new_optional_interval_var(first, pitch * count + buffer, last + buffer, used, "")
                )
        used_sittings.append(used)
    return used_sittings
