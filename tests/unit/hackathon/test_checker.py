"""The independent schedule checker finds each kind of violation on hand-made schedules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hackathon.enums import LinkKind, SessionKind, Severity, ViolationType
from hackathon.rules.checker import Violation, check_move, check_schedule
from hackathon.rules.schedule import (
    FixedSession,
    Hackathon,
    Judge,
    Mentor,
    Panel,
    Room,
    ScheduleItem,
    ScheduleProblem,
    Team,
    Timing,
    Window,
)

ZONE = ZoneInfo("Europe/Belgrade")
V = ViolationType


def at(day: int, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """Day 1 is Saturday 24 October 2026; summer time ends in the night before day 2."""
    return datetime(2026, 10, 23 + day, hour, minute, tzinfo=ZONE, fold=fold)


DAY_ONE = Window(at(1, 9), at(1, 18))
HALL = Room(1, "Hall", capacity=20)
LAB = Room(2, "Lab", capacity=8, available=(DAY_ONE,))
BOOTH = Room(3, "Booth", capacity=4)
VODOVOD = Team(1, "Vodovod", members=4, mentor_id=1, office_hours=1, conflicts=frozenset({3}))
SVETLA = Team(2, "Svetla", members=3, pitches=2, available=(DAY_ONE,))
MOST = Team(3, "Most", members=2)
ANA = Mentor(1, "Ana", available=(Window(at(1, 13), at(1, 18)),))
JUDGES = (Judge(1, "Jovan"), Judge(2, "Jelena"), Judge(3, "Marko", available=(Window(at(1, 9), at(2, 12)),)))
PANELS = (Panel(1, "Panel A", (1, 2)), Panel(2, "Panel B", (3,)))
LUNCH = FixedSession(1, SessionKind.BREAK, "Lunch", at(1, 12, 30), at(1, 13, 30), everyone=True)
PROBLEM = ScheduleProblem(
    hackathon=Hackathon("Smart City Hackathon", "Belgrade", at(1, 9), at(2, 18), "Europe/Belgrade"),
    rooms=(HALL, LAB, BOOTH),
    teams=(VODOVOD, SVETLA, MOST),
    mentors=(ANA,),
    judges=JUDGES,
    panels=PANELS,
    fixed=(LUNCH,),
    timing=Timing(buffer_minutes=5),
)


def pitch(team: Team, number: int, block: str, start: datetime, end: datetime, room: Room = HALL) -> ScheduleItem:
    panel = PANELS[0] if block.startswith("panel-1") else PANELS[1]
    return ScheduleItem(
        id=f"pitch-{team.id}-{number}",
        kind=SessionKind.PITCH,
        start=start,
        end=end,
        room_id=room.id,
        team_ids=(team.id,),
        judge_ids=panel.judge_ids,
        panel_id=panel.id,
        block_id=block,
        title=team.name,
    )


PANEL_A = ScheduleItem(
    "panel-1-1", SessionKind.JUDGING_PANEL, at(1, 10), at(1, 10, 30), HALL.id, judge_ids=(1, 2), panel_id=1,
    title="Panel A",
)  # fmt: skip
PANEL_B = ScheduleItem(
    "panel-2-1", SessionKind.JUDGING_PANEL, at(1, 11), at(1, 11, 10), LAB.id, judge_ids=(3,), panel_id=2,
    title="Panel B",
)  # fmt: skip
OFFICE = ScheduleItem(
    "office-1-1", SessionKind.OFFICE_HOURS, at(1, 14), at(1, 14, 20), LAB.id, team_ids=(1,), mentor_ids=(1,),
    title="Vodovod",
)  # fmt: skip
LUNCH_ITEM = ScheduleItem("fixed-1", SessionKind.BREAK, at(1, 12, 30), at(1, 13, 30), everyone=True, title="Lunch")
SCHEDULE = (
    PANEL_A,
    pitch(VODOVOD, 1, "panel-1-1", at(1, 10), at(1, 10, 10)),
    pitch(SVETLA, 1, "panel-1-1", at(1, 10, 10), at(1, 10, 20)),
    pitch(MOST, 1, "panel-1-1", at(1, 10, 20), at(1, 10, 30)),
    PANEL_B,
    pitch(SVETLA, 2, "panel-2-1", at(1, 11), at(1, 11, 10), LAB),
    OFFICE,
    LUNCH_ITEM,
)


def with_items(*items: ScheduleItem, without: tuple[str, ...] = ()) -> list[ScheduleItem]:
    """The valid schedule with items replaced (same id), added (new id) or removed."""
    changed = {item.id: item for item in items}
    kept = [changed.pop(item.id, item) for item in SCHEDULE if item.id not in without]
    return kept + list(changed.values())


def talk(item_id: str, start: datetime, end: datetime, room: Room | None, **people: tuple[int, ...]) -> ScheduleItem:
    return ScheduleItem(item_id, SessionKind.TALK, start, end, room.id if room else None, title="Talk", **people)


def summary(violations: list[Violation]) -> list[tuple[ViolationType, Severity, tuple[LinkKind, int | str], str]]:
    return [(v.type, v.severity, v.target, v.message % v.params) for v in violations]


def test_the_hand_made_schedule_is_valid() -> None:
    assert check_schedule(PROBLEM, SCHEDULE) == []


def test_a_room_booked_twice() -> None:
    workshop = talk("talk-1", at(1, 11, 5), at(1, 11, 30), LAB)

    violations = check_schedule(PROBLEM, with_items(workshop))

    assert summary(violations) == [
        (
            V.ROOM_DOUBLE_BOOKED,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-1"),
            "Room Lab is booked twice at 2026-10-24T11:05+02:00: Panel B (11:00–11:10) and Talk (11:05–11:30).",
        ),
        (
            V.ROOM_DOUBLE_BOOKED,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-1"),
            "Room Lab is booked twice at 2026-10-24T11:05+02:00: Svetla (11:00–11:10) and Talk (11:05–11:30).",
        ),
    ]
    assert [v.item_ids for v in violations] == [("panel-2-1", "talk-1"), ("pitch-2-2", "talk-1")]


def test_a_pitch_inside_its_own_sitting_is_not_a_double_booking() -> None:
    # The sitting holds Hall and its judges while the pitches inside it happen: by design.
    assert [v for v in check_schedule(PROBLEM, SCHEDULE) if v.type == V.ROOM_DOUBLE_BOOKED] == []


def test_a_person_in_two_places() -> None:
    mentor_talk = talk("talk-1", at(1, 14, 10), at(1, 14, 30), BOOTH, mentor_ids=(1,))

    violations = check_schedule(PROBLEM, with_items(mentor_talk))

    assert violations == [
        Violation(
            type=V.PERSON_DOUBLE_BOOKED,
            severity=Severity.ERROR,
            message="%(people)s would be in two places at %(time)s: %(first)s and %(second)s.",
            params={
                "people": "Ana",
                "time": "2026-10-24T14:10+02:00",
                "first": "Vodovod (14:00–14:20)",
                "second": "Talk (14:10–14:30)",
            },
            target=(LinkKind.ITEM, "talk-1"),
            item_ids=("office-1-1", "talk-1"),
        )
    ]


def test_anything_with_people_during_a_plenary_break() -> None:
    judge_talk = talk("talk-1", at(1, 12, 40), at(1, 13), BOOTH, judge_ids=(1,))

    assert summary(check_schedule(PROBLEM, with_items(judge_talk))) == [
        (
            V.PERSON_DOUBLE_BOOKED,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-1"),
            "Talk (12:40–13:00) overlaps Lunch (12:30–13:30), which everyone attends, at 2026-10-24T12:40+02:00.",
        )
    ]


def test_a_person_outside_their_availability() -> None:
    early = replace(OFFICE, start=at(1, 11, 30), end=at(1, 11, 50))

    assert summary(check_schedule(PROBLEM, with_items(early))) == [
        (
            V.OUTSIDE_AVAILABILITY,
            Severity.ERROR,
            (LinkKind.ITEM, "office-1-1"),
            "Ana is not available for Vodovod (11:30–11:50) at 2026-10-24T11:30+02:00.",
        )
    ]


def test_a_room_outside_its_availability() -> None:
    second_day = talk("talk-1", at(2, 10), at(2, 10, 30), LAB)

    assert summary(check_schedule(PROBLEM, with_items(second_day))) == [
        (
            V.OUTSIDE_ROOM_AVAILABILITY,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-1"),
            "Room Lab is not available for Talk (10:00–10:30) at 2026-10-25T10:00+01:00.",
        )
    ]


def test_an_item_outside_the_hackathon() -> None:
    late = talk("talk-1", at(2, 18), at(2, 18, 30), HALL)

    assert summary(check_schedule(PROBLEM, with_items(late))) == [
        (
            V.OUTSIDE_HACKATHON,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-1"),
            "Talk (18:00–18:30) at 2026-10-25T18:00+01:00 is outside the hackathon.",
        )
    ]


def test_a_room_too_small() -> None:
    cramped = replace(OFFICE, room_id=BOOTH.id)

    assert summary(check_schedule(PROBLEM, with_items(cramped))) == [
        (
            V.OVER_CAPACITY,
            Severity.ERROR,
            (LinkKind.ITEM, "office-1-1"),
            "Vodovod (14:00–14:20) needs 5 places; room Booth holds 4.",
        )
    ]


def test_a_missing_pitch_is_an_error_and_missing_office_hours_a_warning() -> None:
    violations = check_schedule(PROBLEM, with_items(without=("pitch-2-2", "office-1-1")))

    assert summary(violations) == [
        (V.UNPLACED, Severity.WARNING, (LinkKind.TEAM, 1), "Team Vodovod has 0 of 1 office-hours sessions scheduled."),
        (V.UNPLACED, Severity.ERROR, (LinkKind.TEAM, 2), "Team Svetla has 1 of 2 pitches scheduled."),
    ]


def test_too_little_time_to_change_rooms_is_a_warning() -> None:
    rushed = [
        replace(PANEL_B, start=at(1, 10, 20), end=at(1, 10, 30)),
        pitch(SVETLA, 2, "panel-2-1", at(1, 10, 20), at(1, 10, 30), LAB),
    ]

    assert summary(check_schedule(PROBLEM, with_items(*rushed))) == [
        (
            V.BUFFER_TOO_SHORT,
            Severity.WARNING,
            (LinkKind.ITEM, "pitch-2-2"),
            "Svetla: only 0 minutes from Svetla (10:10–10:20) in Hall to Svetla (10:20–10:30) in Lab; 5 needed.",
        )
    ]


def test_consecutive_items_in_the_same_room_need_no_buffer() -> None:
    # Vodovod pitches in Hall until 10:10 and meets its mentor in Hall right after.
    problem = replace(PROBLEM, mentors=(Mentor(1, "Ana"),))
    office = replace(OFFICE, room_id=HALL.id, start=at(1, 10, 30), end=at(1, 10, 50))

    assert check_schedule(problem, with_items(office)) == []


def test_a_judge_with_a_conflict_of_interest() -> None:
    problem = replace(PROBLEM, teams=(replace(VODOVOD, conflicts=frozenset({1})), SVETLA, MOST))

    assert summary(check_schedule(problem, SCHEDULE)) == [
        (
            V.CONFLICT_OF_INTEREST,
            Severity.ERROR,
            (LinkKind.ITEM, "pitch-1-1"),
            "Judge Jovan has a conflict of interest with team Vodovod and must not hear it.",
        )
    ]


def test_a_pitch_outside_its_panel_sitting() -> None:
    overrun = pitch(MOST, 1, "panel-1-1", at(1, 10, 30), at(1, 10, 40))

    violations = check_schedule(PROBLEM, with_items(overrun))

    assert summary(violations) == [
        (
            V.PITCH_OUTSIDE_BLOCK,
            Severity.ERROR,
            (LinkKind.ITEM, "pitch-3-1"),
            "Most (10:30–10:40) is not inside its panel sitting: the room, the time or the judges differ.",
        )
    ]
    assert violations[0].item_ids == ("pitch-3-1", "panel-1-1")


def test_a_team_always_first_or_last() -> None:
    swapped = [
        pitch(MOST, 1, "panel-1-1", at(1, 10, 10), at(1, 10, 20)),
        pitch(SVETLA, 1, "panel-1-1", at(1, 10, 20), at(1, 10, 30)),
    ]

    violations = check_schedule(PROBLEM, with_items(*swapped))

    assert summary(violations) == [
        (
            V.UNFAIR_ORDER,
            Severity.WARNING,
            (LinkKind.TEAM, 2),
            "Team Svetla is first or last in every one of its 2 pitch sittings.",
        )
    ]
    assert violations[0].item_ids == ("pitch-2-1", "pitch-2-2")


def test_a_reference_to_something_that_does_not_exist() -> None:
    lost = replace(OFFICE, room_id=99, mentor_ids=(7,))

    assert summary(check_schedule(PROBLEM, with_items(lost))) == [
        (
            V.UNKNOWN_REFERENCE,
            Severity.ERROR,
            (LinkKind.ITEM, "office-1-1"),
            "Vodovod (14:00–14:20) refers to something that does not exist: room 99, mentor 7.",
        )
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 10, 24, 15), datetime(2026, 10, 24, 15, 30)),  # no timezone
        (at(1, 15, 30), at(1, 15)),  # ends before it starts
    ],
)
def test_an_item_without_a_valid_time(start: datetime, end: datetime) -> None:
    broken = talk("talk-1", start, end, HALL)

    assert [(v.type, v.target) for v in check_schedule(PROBLEM, with_items(broken))] == [
        (V.INVALID_TIME, (LinkKind.ITEM, "talk-1"))
    ]


def test_times_are_compared_as_instants_across_the_end_of_summer_time() -> None:
    # An overnight hackathon: 02:00-03:00 happens twice in Belgrade on 25 October 2026.
    problem = replace(
        PROBLEM,
        hackathon=Hackathon("Night hack", "Belgrade", at(1, 20), at(2, 12), "Europe/Belgrade"),
        fixed=(),
        teams=(replace(MOST, pitches=0, available=(Window(datetime(2026, 10, 25, 0, tzinfo=UTC), at(2, 2, fold=1)),)),),
    )
    summer = talk("talk-1", at(2, 2, 10, fold=0), at(2, 2, 40, fold=0), HALL, team_ids=(3,))  # 00:10-00:40 UTC
    winter = talk("talk-2", at(2, 2, 20, fold=1), at(2, 2, 50, fold=1), HALL)  # 01:20-01:50 UTC, after Most leaves

    assert check_schedule(problem, [summer, winter]) == []
    assert summary(check_schedule(problem, [replace(winter, team_ids=(3,))])) == [
        (
            V.OUTSIDE_AVAILABILITY,
            Severity.ERROR,
            (LinkKind.ITEM, "talk-2"),
            "Most is not available for Talk (02:20–02:50) at 2026-10-25T02:20+01:00.",
        )
    ]


def test_moving_an_item_reports_what_the_move_breaks() -> None:
    violations = check_move(PROBLEM, SCHEDULE, "office-1-1", HALL.id, at(1, 10))

    assert [(v.type, v.item_ids) for v in violations] == [
        (V.OUTSIDE_AVAILABILITY, ("office-1-1",)),
        (V.ROOM_DOUBLE_BOOKED, ("pitch-1-1", "office-1-1")),
        (V.ROOM_DOUBLE_BOOKED, ("office-1-1", "panel-1-1")),
        (V.ROOM_DOUBLE_BOOKED, ("office-1-1", "pitch-2-1")),
        (V.PERSON_DOUBLE_BOOKED, ("pitch-1-1", "office-1-1")),
    ]


def test_moving_an_item_to_a_free_time_breaks_nothing() -> None:
    assert check_move(PROBLEM, SCHEDULE, "office-1-1", LAB.id, at(1, 15)) == []


def test_moving_a_panel_sitting_takes_its_pitches_along() -> None:
    assert check_move(PROBLEM, SCHEDULE, "panel-1-1", LAB.id, at(1, 15)) == []
    assert [v.type for v in check_move(PROBLEM, SCHEDULE, "panel-1-1", BOOTH.id, at(1, 15))] == [
        V.OVER_CAPACITY,
        V.OVER_CAPACITY,
    ]


def test_a_move_does_not_repeat_what_was_wrong_before() -> None:
    cramped = with_items(replace(OFFICE, room_id=BOOTH.id))

    assert [v.type for v in check_schedule(PROBLEM, cramped)] == [V.OVER_CAPACITY]
    assert check_move(PROBLEM, cramped, "office-1-1", BOOTH.id, at(1, 15)) == []


def test_a_move_needs_a_known_item_and_an_aware_time() -> None:
    with pytest.raises(KeyError):
        check_move(PROBLEM, SCHEDULE, "pitch-9-9", HALL.id, at(1, 15))
    with pytest.raises(ValueError, match="timezone-aware"):
        check_move(PROBLEM, SCHEDULE, "office-1-1", HALL.id, datetime(2026, 10, 24, 15))
