"""The schedule builder: its output passes the independent checker, and what it cannot place has a reason."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hackathon.enums import SessionKind, Severity, SolveStatus, UnplacedReason, ViolationType
from hackathon.rules.checker import check_schedule
from hackathon.rules.schedule import (
    FixedSession,
    Hackathon,
    Judge,
    Mentor,
    Panel,
    Progress,
    Room,
    ScheduleItem,
    ScheduleProblem,
    ScheduleResult,
    Team,
    Timing,
    Window,
    build_schedule,
    daily_windows,
    form_panels,
)

ZONE = ZoneInfo("Europe/Belgrade")
R = UnplacedReason


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 1 is Saturday 24 October 2026; summer time ends in the night before day 2."""
    return datetime(2026, 10, 23 + day, hour, minute, tzinfo=ZONE)


HACKATHON = Hackathon("Smart City Hackathon", "Belgrade", at(1, 9), at(2, 18), "Europe/Belgrade")
DAY_ONE = (Window(at(1, 9), at(1, 18)),)
DAY_TWO = (Window(at(2, 9), at(2, 18)),)
NAMES = ("Vodovod", "Svetla", "Most", "Park", "Biciklo", "Kanal")


def problem(**changes: object) -> ScheduleProblem:
    """Four teams of three, two panels of two judges, two mentors, two rooms, lunch on day one."""
    base = ScheduleProblem(
        hackathon=HACKATHON,
        rooms=(Room(1, "Hall", 12), Room(2, "Lab", 8)),
        teams=tuple(Team(n + 1, NAMES[n], members=3, mentor_id=n % 2 + 1, office_hours=1) for n in range(4)),
        mentors=(Mentor(1, "Ana"), Mentor(2, "Boris")),
        judges=tuple(Judge(n, f"Judge {n}") for n in range(1, 5)),
        panels=(Panel(1, "Panel A", (1, 2)), Panel(2, "Panel B", (3, 4))),
        fixed=(FixedSession(1, SessionKind.BREAK, "Lunch", at(1, 12, 30), at(1, 13, 30), everyone=True),),
    )
    return replace(base, **changes)


def with_team(base: ScheduleProblem, team_id: int, **changes: object) -> ScheduleProblem:
    return replace(base, teams=tuple(replace(t, **changes) if t.id == team_id else t for t in base.teams))


def build(instance: ScheduleProblem, **options: object) -> ScheduleResult:
    return build_schedule(instance, time_limit_seconds=options.pop("time_limit_seconds", 2.0), workers=2, **options)


def unplaced(result: ScheduleResult, team_id: int) -> list[tuple[SessionKind, UnplacedReason, str]]:
    return [(u.kind, u.reason, u.message % u.params) for u in result.unplaced if u.team_id == team_id]


def counts(items: tuple[ScheduleItem, ...], kind: SessionKind) -> Counter[int]:
    return Counter(team for item in items if item.kind == kind for team in item.team_ids)


# --- every output passes the checker ------------------------------------------------------------


@st.composite
def small_problems(draw: st.DrawFn) -> ScheduleProblem:
    def availability() -> tuple[Window, ...] | None:
        if draw(st.booleans()):
            return None
        windows = []
        for _ in range(draw(st.integers(0, 3))):
            day = draw(st.sampled_from([1, 2]))
            start = at(day, 8) + timedelta(minutes=draw(st.integers(0, 120)) * 5 + draw(st.sampled_from([0, 0, 3])))
            windows.append(Window(start, start + timedelta(minutes=draw(st.integers(1, 48)) * 5)))
        return tuple(windows)

    # Room 1 is the hall, open throughout: the keynote below is held there.
    rooms = tuple(
        Room(n, f"Room {n}", draw(st.integers(3, 12)), availability() if n > 1 else None)
        for n in range(1, draw(st.integers(1, 3)) + 1)
    )
    judges = tuple(Judge(n, f"Judge {n}", availability()) for n in range(1, draw(st.integers(1, 5)) + 1))
    mentors = tuple(Mentor(n, f"Mentor {n}", availability()) for n in range(1, draw(st.integers(0, 2)) + 1))
    judge_ids = [judge.id for judge in judges]
    panels = tuple(
        Panel(n, f"Panel {n}", tuple(draw(st.lists(st.sampled_from(judge_ids), min_size=1, max_size=3, unique=True))))
        for n in range(1, draw(st.integers(0, 3)) + 1)
    )
    teams = tuple(
        Team(
            n,
            NAMES[n - 1],
            members=draw(st.integers(1, 6)),
            available=availability(),
            pitches=draw(st.integers(0, 2)),
            mentor_id=draw(st.sampled_from([None, *[mentor.id for mentor in mentors]])),
            office_hours=draw(st.integers(0, 2)),
            conflicts=frozenset(draw(st.lists(st.sampled_from(judge_ids), max_size=1))),
        )
        for n in range(1, draw(st.integers(1, 6)) + 1)
    )
    fixed = []
    if draw(st.booleans()):
        fixed.append(FixedSession(1, SessionKind.BREAK, "Lunch", at(1, 12, 30), at(1, 13, 30), everyone=True))
    if draw(st.booleans()):
        fixed.append(FixedSession(2, SessionKind.TALK, "Keynote", at(1, 9), at(1, 9, 30), room_id=1, everyone=True))
    timing = draw(
        st.sampled_from(
            [
                Timing(),
                Timing(pitch_minutes=5, panel_sitting_minutes=30, panel_pause_minutes=0, buffer_minutes=10),
                Timing(10, 10, 30, panel_sitting_minutes=60, panel_pause_minutes=10, buffer_minutes=10),
            ]
        )
    )
    return ScheduleProblem(HACKATHON, rooms, teams, mentors, judges, panels, tuple(fixed), timing)


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_schedule_passes_the_checker(instance: ScheduleProblem) -> None:
    result = build(instance, time_limit_seconds=1.0)

    violations = check_schedule(instance, result.items)

    assert [v for v in violations if v.severity == Severity.ERROR and v.type != ViolationType.UNPLACED] == []
    # People's items are padded by the buffer, so the builder never leaves too little time.
    assert [v for v in violations if v.type == ViolationType.BUFFER_TOO_SHORT] == []
    missing = Counter()
    for v in violations:
        if v.type == ViolationType.UNPLACED:
            kind = SessionKind.PITCH if v.severity == Severity.ERROR else SessionKind.OFFICE_HOURS
            missing[kind, v.target[1]] = int(v.params["wanted"]) - int(v.params["placed"])
    assert missing == Counter((u.kind, u.team_id) for u in result.unplaced)
    for entry in result.unplaced:
        assert NAMES[entry.team_id - 1] in entry.message % entry.params


# --- what cannot be placed, and why ---------------------------------------------------------------


def test_a_generous_problem_is_placed_completely() -> None:
    instance = problem()

    result = build(instance)

    assert result.unplaced == ()
    assert result.status == SolveStatus.OPTIMAL
    assert counts(result.items, SessionKind.PITCH) == Counter({1: 1, 2: 1, 3: 1, 4: 1})
    assert check_schedule(instance, result.items) == []


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        pytest.param(
            with_team(problem(), 1, available=()),
            [
                (SessionKind.PITCH, R.TEAM_UNAVAILABLE, "Team Vodovod has no available time during the hackathon."),
                (
                    SessionKind.OFFICE_HOURS,
                    R.NO_COMMON_TIME_WITH_MENTOR,
                    "Mentor Ana: no common free time with team Vodovod.",
                ),
            ],
            id="team unavailable",
        ),
        pytest.param(
            problem(panels=()),
            [(SessionKind.PITCH, R.NO_PANEL, "Team Vodovod: there is no judging panel to pitch to.")],
            id="no panel",
        ),
        pytest.param(
            with_team(problem(), 1, conflicts=frozenset({1, 3})),
            [
                (
                    SessionKind.PITCH,
                    R.ALL_PANELS_CONFLICTED,
                    "Team Vodovod: every judging panel includes a judge with a conflict of interest.",
                )
            ],
            id="every panel conflicted",
        ),
        pytest.param(
            with_team(problem(), 1, members=11),
            [
                (
                    SessionKind.PITCH,
                    R.NO_ROOM_LARGE_ENOUGH,
                    "Team Vodovod: no room holds the team (11 people) and a judging panel.",
                )
            ],
            id="team too big to pitch",
        ),
        pytest.param(
            with_team(
                problem(judges=tuple(Judge(n, f"Judge {n}", DAY_ONE) for n in range(1, 5))), 1, available=DAY_TWO
            ),
            [
                (
                    SessionKind.PITCH,
                    R.NO_COMMON_TIME_WITH_PANEL,
                    "Team Vodovod: no judging panel available while the team is available.",
                )
            ],
            id="no panel while the team is there",
        ),
        pytest.param(
            with_team(problem(rooms=(Room(1, "Hall", 12, DAY_ONE), Room(2, "Lab", 8, DAY_ONE))), 1, available=DAY_TWO),
            [
                (
                    SessionKind.PITCH,
                    R.NO_ROOM_WHILE_FREE,
                    "Team Vodovod: no large enough room is open while the team and a judging panel are both available.",
                ),
                (
                    SessionKind.OFFICE_HOURS,
                    R.NO_ROOM_WHILE_FREE,
                    "Team Vodovod: no room is free while the team and mentor Ana are both available.",
                ),
            ],
            id="no room while the team is there",
        ),
        pytest.param(
            with_team(problem(), 1, pitches=3),
            [
                (
                    SessionKind.PITCH,
                    R.TOO_FEW_PANELS,
                    "Team Vodovod needs 3 pitches before different panels; only 2 can hear it.",
                )
            ],
            id="more pitches than panels",
        ),
        pytest.param(
            with_team(problem(), 1, mentor_id=None),
            [(SessionKind.OFFICE_HOURS, R.NO_MENTOR, "Team Vodovod has no matched mentor for office hours.")],
            id="no mentor",
        ),
        pytest.param(
            with_team(problem(mentors=(Mentor(1, "Ana", DAY_TWO), Mentor(2, "Boris"))), 1, available=DAY_ONE),
            [
                (
                    SessionKind.OFFICE_HOURS,
                    R.NO_COMMON_TIME_WITH_MENTOR,
                    "Mentor Ana: no common free time with team Vodovod.",
                )
            ],
            id="no common time with the mentor",
        ),
        pytest.param(
            with_team(problem(), 1, members=12),
            [
                (
                    SessionKind.PITCH,
                    R.NO_ROOM_LARGE_ENOUGH,
                    "Team Vodovod: no room holds the team (12 people) and a judging panel.",
                ),
                (
                    SessionKind.OFFICE_HOURS,
                    R.NO_ROOM_LARGE_ENOUGH,
                    "Team Vodovod: no room holds the team (12 people) and mentor Ana.",
                ),
            ],
            id="team too big for anything",
        ),
    ],
)
def test_what_cannot_be_placed_names_its_reason(instance: ScheduleProblem, expected: list[tuple]) -> None:
    result = build(instance)

    assert unplaced(result, 1) == expected
    # The other teams are placed all the same: a partial schedule always comes back.
    assert [u for u in result.unplaced if u.team_id != 1 and u.reason != R.NO_PANEL] == []
    errors = [v for v in check_schedule(instance, result.items) if v.severity == Severity.ERROR]
    assert [v for v in errors if v.type != ViolationType.UNPLACED] == []


def test_a_fully_booked_panel_leaves_the_last_pitch_out() -> None:
    # One panel sitting for half an hour: three ten-minute pitches fit, the fourth does not.
    judges = (Judge(1, "Judge 1", (Window(at(1, 9), at(1, 9, 30)),)),)
    teams = tuple(Team(n + 1, NAMES[n], members=3) for n in range(4))
    instance = problem(judges=judges, panels=(Panel(1, "Panel A", (1,)),), teams=teams, mentors=(), fixed=())

    result = build(instance)

    assert [(u.kind, u.reason) for u in result.unplaced] == [(SessionKind.PITCH, R.FULLY_BOOKED)]
    assert result.unplaced[0].message % result.unplaced[0].params == (
        f"Team {NAMES[result.unplaced[0].team_id - 1]}: the judging panels or their rooms are fully booked"
        " while the team is available."
    )


# --- office hours, fairness, time -----------------------------------------------------------------


def test_each_team_meets_its_matched_mentor() -> None:
    instance = replace(problem(), teams=tuple(replace(t, office_hours=2) for t in problem().teams))

    result = build(instance)

    offices = [item for item in result.items if item.kind == SessionKind.OFFICE_HOURS]
    assert result.unplaced == ()
    assert Counter(item.team_ids for item in offices) == Counter({(1,): 2, (2,): 2, (3,): 2, (4,): 2})
    matched = {team.id: team.mentor_id for team in instance.teams}
    assert all(item.mentor_ids == (matched[item.team_ids[0]],) for item in offices)
    assert all(item.end - item.start == timedelta(minutes=20) for item in offices)
    assert check_schedule(instance, result.items) == []


def test_office_hours_are_soft_and_pitches_come_first() -> None:
    # Ana has one twenty-minute window and two teams (Vodovod, Most): one meets her, the other is told why.
    ana = Mentor(1, "Ana", (Window(at(1, 15), at(1, 15, 20)),))
    instance = problem(mentors=(ana, Mentor(2, "Boris")))

    result = build(instance)

    assert counts(result.items, SessionKind.PITCH) == Counter({1: 1, 2: 1, 3: 1, 4: 1})
    assert counts(result.items, SessionKind.OFFICE_HOURS) + Counter(u.team_id for u in result.unplaced) == Counter(
        {1: 1, 2: 1, 3: 1, 4: 1}
    )
    assert [(u.kind, u.reason, u.mentor_id) for u in result.unplaced] == [(SessionKind.OFFICE_HOURS, R.FULLY_BOOKED, 1)]


def test_no_team_is_always_first_or_last() -> None:
    teams = tuple(Team(n + 1, NAMES[n], members=3, pitches=2) for n in range(6))
    instance = problem(teams=teams, mentors=(), fixed=())

    result = build(instance)

    sittings: dict[str | None, list[ScheduleItem]] = defaultdict(list)
    for item in result.items:
        if item.kind == SessionKind.PITCH:
            sittings[item.block_id].append(item)
    edges: Counter[int] = Counter()
    for pitches in sittings.values():
        ordered = sorted(pitches, key=lambda item: item.start)
        edges.update({ordered[0].team_ids[0], ordered[-1].team_ids[0]})
    assert result.unplaced == ()
    assert max(edges.values()) == 1
    assert [v for v in check_schedule(instance, result.items) if v.type == ViolationType.UNFAIR_ORDER] == []


def test_pitches_before_one_panel_run_back_to_back_in_one_room() -> None:
    teams = tuple(Team(n + 1, NAMES[n], members=3) for n in range(6))
    instance = problem(teams=teams, mentors=(), fixed=(), panels=(Panel(1, "Panel A", (1, 2)),))

    result = build(instance)

    sittings = [item for item in result.items if item.kind == SessionKind.JUDGING_PANEL]
    pitches = sorted((item for item in result.items if item.kind == SessionKind.PITCH), key=lambda i: i.start)
    assert len(sittings) == 1
    assert [item.block_id for item in pitches] == [sittings[0].id] * 6
    assert [(b.start - a.end) for a, b in pairwise(pitches)] == [timedelta(0)] * 5
    assert (sittings[0].start, sittings[0].end) == (pitches[0].start, pitches[-1].end)


def test_times_hold_across_the_end_of_summer_time() -> None:
    # Vodovod is there only from 09:00 to 09:30 on day two, an hour longer after midnight than the clock says.
    instance = with_team(problem(), 1, available=(Window(at(2, 9), at(2, 9, 30)),), office_hours=0)

    result = build(instance)

    pitch = next(item for item in result.items if item.kind == SessionKind.PITCH and item.team_ids == (1,))
    assert at(2, 9) <= pitch.start and pitch.end <= at(2, 9, 30)
    assert pitch.start.utcoffset() == timedelta(hours=1)
    assert check_schedule(instance, result.items) == []


def test_progress_is_reported_phase_by_phase() -> None:
    reports: list[Progress] = []

    result = build(problem(), on_progress=reports.append)

    assert [phase for phase in dict.fromkeys(report.phase for report in reports)] == [
        SessionKind.PITCH,
        SessionKind.OFFICE_HOURS,
    ]
    assert all(report.elapsed_seconds <= result.elapsed_seconds + 0.5 for report in reports)


def test_the_time_limit_bounds_the_search() -> None:
    teams = tuple(Team(n, f"Team {n}", members=3, pitches=2, mentor_id=n % 2 + 1, office_hours=1) for n in range(1, 41))
    instance = problem(teams=teams)

    result = build(instance, time_limit_seconds=0.5)

    assert result.elapsed_seconds < 1.5
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


# --- the helpers around the builder -----------------------------------------------------------------


def test_daily_windows_keep_the_wall_clock_across_a_dst_change() -> None:
    windows = daily_windows(HACKATHON, time(9), time(18))

    assert windows == (Window(at(1, 9), at(1, 18)), Window(at(2, 9), at(2, 18)))
    assert [w.start.astimezone(UTC).hour for w in windows] == [7, 8]


def test_form_panels_groups_judges_with_similar_availability() -> None:
    judges = (
        Judge(1, "A", DAY_TWO),
        Judge(2, "B", DAY_ONE),
        Judge(3, "C", DAY_TWO),
        Judge(4, "D", DAY_ONE),
        Judge(5, "E", DAY_ONE),
        Judge(6, "F", DAY_TWO),
        Judge(7, "G"),
    )

    panels = form_panels(judges, size=3, hackathon=HACKATHON)

    assert panels == (Panel(1, "Panel 1", (7, 2, 4, 5)), Panel(2, "Panel 2", (1, 3, 6)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timing": Timing(pitch_minutes=7)}, "multiples of slot_minutes"),
        ({"panels": (Panel(1, "Ghosts", (99,)),)}, "panel 1 names no judges or unknown ones"),
        ({"teams": (Team(1, "Vodovod", 3), Team(1, "Svetla", 3))}, "team ids are not unique"),
    ],
)
def test_a_malformed_problem_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        problem(**change)


def test_windows_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Window(datetime(2026, 10, 24, 9), datetime(2026, 10, 24, 18))
