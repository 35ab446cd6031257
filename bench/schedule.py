"""The hackathon schedule builder at full size, checked by the independent checker.

300 teams (each pitching twice, before two different panels, and meeting its matched mentor
once), 40 judges in 13 panels, 60 mentors, 12 rooms, two days across the end of summer time,
with a keynote, two lunches and a closing talk. Prints the machine, the solve time and what
the checker finds; asserts nothing. Pure Python: no database.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hackathon.enums import SessionKind, Severity, ViolationType  # noqa: E402
from hackathon.rules.checker import check_schedule  # noqa: E402
from hackathon.rules.schedule import (  # noqa: E402
    FixedSession,
    Hackathon,
    Judge,
    Mentor,
    Progress,
    Room,
    ScheduleProblem,
    Team,
    Timing,
    Window,
    build_schedule,
    daily_windows,
    form_panels,
)

TEAMS, JUDGES, MENTORS, ROOMS = 300, 40, 60, 12
TIME_LIMIT = 8.0
ZONE = ZoneInfo("Europe/Belgrade")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    # 24 and 25 October 2026: summer time ends in the night between the two days.
    return datetime(2026, 10, 23 + day, hour, minute, tzinfo=ZONE)


def problem() -> ScheduleProblem:
    rng = random.Random(7)  # reproducible data
    hackathon = Hackathon("Smart City Hackathon", "Belgrade", at(1, 9), at(2, 18), "Europe/Belgrade")
    both_days = daily_windows(hackathon, clock(9), clock(18))
    day_one, day_two = both_days
    rooms = tuple(
        Room(n + 1, f"Room {n + 1}", capacity, available or both_days)
        for n, (capacity, available) in enumerate(
            [
                (80, None),
                (14, None),
                (12, None),
                (12, (day_one,)),
                (10, None),
                (10, None),
                (10, None),
                (10, (Window(at(1, 11), at(1, 18)), day_two)),
                (7, None),
                (7, None),
                (6, None),
                (6, (day_two,)),
            ]
        )
    )
    judges = tuple(
        Judge(n + 1, f"Judge {n + 1}", rng.choices([both_days, (day_one,), (day_two,)], weights=[7, 2, 1])[0])
        for n in range(JUDGES)
    )
    mentors = tuple(
        Mentor(n + 1, f"Mentor {n + 1}", rng.choice([both_days, both_days, (day_one,), (day_two,)]))
        for n in range(MENTORS)
    )
    panels = form_panels(judges, size=3, hackathon=hackathon)
    teams = []
    for n in range(TEAMS):
        conflicts = frozenset(rng.sample(range(1, JUDGES + 1), 1)) if rng.random() < 0.2 else frozenset()
        late = rng.random() < 0.1  # arrives after lunch on the first day
        teams.append(
            Team(
                n + 1,
                f"Team {n + 1}",
                members=rng.randint(2, 5),
                available=(Window(at(1, 13, 30), at(1, 18)), day_two) if late else both_days,
                pitches=2,
                mentor_id=n % MENTORS + 1,
                office_hours=1,
                conflicts=conflicts,
            )
        )
    fixed = (
        FixedSession(1, SessionKind.TALK, "Keynote", at(1, 9), at(1, 9, 30), room_id=1, everyone=True),
        FixedSession(2, SessionKind.BREAK, "Lunch", at(1, 12, 30), at(1, 13, 30), everyone=True),
        FixedSession(3, SessionKind.BREAK, "Lunch", at(2, 12, 30), at(2, 13, 30), everyone=True),
        FixedSession(4, SessionKind.TALK, "Closing", at(2, 17, 30), at(2, 18), room_id=1, everyone=True),
    )
    return ScheduleProblem(
        hackathon=hackathon,
        rooms=rooms,
        teams=tuple(teams),
        mentors=mentors,
        judges=judges,
        panels=panels,
        fixed=fixed,
        timing=Timing(pitch_minutes=5, office_hours_minutes=20),
    )


def fairness(items: tuple) -> tuple[int, list[int]]:
    """Teams first or last in every one of their pitches, and pitches per panel sitting."""
    sittings: dict[str, list] = defaultdict(list)
    for item in items:
        if item.kind == SessionKind.PITCH:
            sittings[item.block_id].append(item)
    edges: Counter[int] = Counter()
    pitches: Counter[int] = Counter()
    for run in sittings.values():
        ordered = sorted(run, key=lambda item: item.start)
        edges.update({ordered[0].team_ids[0], ordered[-1].team_ids[0]} if len(ordered) > 1 else ())
        edges.update(ordered[0].team_ids if len(ordered) == 1 else ())
        pitches.update(item.team_ids[0] for item in ordered)
    always = sum(1 for team, count in pitches.items() if count >= 2 and edges[team] == count)
    return always, sorted(len(run) for run in sittings.values())


def main() -> None:
    cores = os.cpu_count()
    print(f"machine: {platform.node()} · {platform.machine()} · {cores} cores · Python {platform.python_version()}")
    print(f"platform: {platform.platform()} · processor: {platform.processor() or 'unknown'}")
    instance = problem()
    pitches = sum(team.pitches for team in instance.teams)
    offices = sum(team.office_hours for team in instance.teams)
    print(
        f"instance: {TEAMS} teams ({pitches} pitches of 5 min, {offices} office hours of 20 min), {JUDGES} judges in"
        f" {len(instance.panels)} panels, {MENTORS} mentors, {ROOMS} rooms, 2 days across the end of summer time;"
        f" time limit {TIME_LIMIT:.0f} s, 2 workers"
    )
    for seed in (1, 2):
        found: list[Progress] = []
        started = time.perf_counter()
        result = build_schedule(
            instance, time_limit_seconds=TIME_LIMIT, workers=2, random_seed=seed, on_progress=found.append
        )
        total = time.perf_counter() - started
        started = time.perf_counter()
        violations = check_schedule(instance, result.items)
        checked = time.perf_counter() - started
        conflicts = [v for v in violations if v.severity == Severity.ERROR and v.type != ViolationType.UNPLACED]
        warnings = Counter(str(v.type) for v in violations if v.severity == Severity.WARNING)
        kinds = Counter(item.kind for item in result.items)
        always, lengths = fairness(result.items)
        print(
            f"seed {seed}: solve {total:.2f} s ({result.elapsed_seconds:.2f} s in CP-SAT, status {result.status})"
            f" · placed {kinds[SessionKind.PITCH]}/{pitches} pitches, {kinds[SessionKind.OFFICE_HOURS]}/{offices}"
            f" office hours · checker: {len(conflicts)} conflicts in {checked * 1000:.0f} ms,"
            f" warnings {dict(warnings) or 'none'}"
        )
        print(
            f"        {len(lengths)} panel sittings of {lengths[0]}-{lengths[-1]} pitches (median"
            f" {lengths[len(lengths) // 2]}) · teams first or last in all their pitches: {always}"
            f" · {len(found)} improving solutions, first after {found[0].elapsed_seconds:.2f} s,"
            f" last after {found[-1].elapsed_seconds:.2f} s"
            if lengths and found
            else "        nothing placed"
        )
        reasons = Counter(f"{entry.kind}: {entry.reason}" for entry in result.unplaced)
        if reasons:
            print("        unplaced:" + "".join(f" {k} x{v}" for k, v in sorted(reasons.items())))
        for violation in conflicts[:5]:
            print("        ", violation.type, violation.message % violation.params)
    print(f"model (last run): {', '.join(f'{key} {value}' for key, value in result.stats.items())}")


if __name__ == "__main__":
    main()
