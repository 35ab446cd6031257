"""The independent schedule checker: every violation of a schedule, with its type, severity and link.

It shares the problem's data types with the builder and nothing else: no slot grid, no
padding, no availability arithmetic. It works on the timezone-aware datetimes themselves
(compared in UTC, so a DST change cannot fool it), which is why it can vouch for the builder's
output and also for schedules organisers edited by hand. `check_move` guards such an edit.

Severity: an error blocks publishing (a room or person booked twice, someone unavailable, a
room too small, a missing pitch); a warning is shown but allowed (too little time to change
rooms, a missing office-hours session, a team always first or last).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from core.rules import N_
from hackathon.enums import LinkKind, SessionKind, Severity, ViolationType
from hackathon.rules.schedule import Availability, ScheduleItem, ScheduleProblem

V = ViolationType


@dataclass(frozen=True)
class Violation:
    type: ViolationType
    severity: Severity
    message: str  # marked with N_; shown as `_(message) % params`
    params: Mapping[str, str | int] = field(default_factory=dict)
    target: tuple[LinkKind, int | str] = (LinkKind.ITEM, "")
    item_ids: tuple[str, ...] = ()


SEVERITY: dict[ViolationType, Severity] = {
    V.ROOM_DOUBLE_BOOKED: Severity.ERROR,
    V.PERSON_DOUBLE_BOOKED: Severity.ERROR,
    V.OUTSIDE_AVAILABILITY: Severity.ERROR,
    V.OUTSIDE_ROOM_AVAILABILITY: Severity.ERROR,
    V.OUTSIDE_HACKATHON: Severity.ERROR,
    V.OVER_CAPACITY: Severity.ERROR,
    V.UNPLACED: Severity.ERROR,  # a missing pitch; a missing office-hours session is a warning
    V.BUFFER_TOO_SHORT: Severity.WARNING,
    V.CONFLICT_OF_INTEREST: Severity.ERROR,
    V.PITCH_OUTSIDE_BLOCK: Severity.ERROR,
    V.UNFAIR_ORDER: Severity.WARNING,
    V.UNKNOWN_REFERENCE: Severity.ERROR,
    V.INVALID_TIME: Severity.ERROR,
}

Person = tuple[LinkKind, int]


@dataclass(frozen=True)
class _Timed:
    """An item with its times in UTC and its people resolved."""

    item: ScheduleItem
    start: datetime
    end: datetime
    people: frozenset[Person]

    def overlaps(self, other: _Timed) -> bool:
        return self.start < other.end and other.start < self.end


class _Checker:
    def __init__(self, problem: ScheduleProblem) -> None:
        self.problem = problem
        self.zone = ZoneInfo(problem.hackathon.timezone)
        self.opens = problem.hackathon.start.astimezone(UTC)
        self.closes = problem.hackathon.end.astimezone(UTC)
        self.rooms = {room.id: room for room in problem.rooms}
        self.teams = {team.id: team for team in problem.teams}
        self.panels = {panel.id: panel for panel in problem.panels}
        self.names: dict[Person, str] = {}
        self.available: dict[Person, list[tuple[datetime, datetime]]] = {}
        for kind, rows in (
            (LinkKind.TEAM, problem.teams),
            (LinkKind.JUDGE, problem.judges),
            (LinkKind.MENTOR, problem.mentors),
        ):
            for row in rows:
                self.names[kind, row.id] = row.name
                self.available[kind, row.id] = self._windows(row.available)
        self.room_available = {room.id: self._windows(room.available) for room in problem.rooms}
        self.out: list[Violation] = []

    def _windows(self, available: Availability) -> list[tuple[datetime, datetime]]:
        if available is None:  # no limit of its own; the hackathon's bounds are checked apart
            return [(datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))]
        merged: list[tuple[datetime, datetime]] = []
        for start, end in sorted((w.start.astimezone(UTC), w.end.astimezone(UTC)) for w in available):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def report(
        self,
        kind: ViolationType,
        message: str,
        params: Mapping[str, str | int],
        target: tuple[LinkKind, int | str],
        item_ids: Iterable[str] = (),
        severity: Severity | None = None,
    ) -> None:
        self.out.append(Violation(kind, severity or SEVERITY[kind], message, dict(params), target, tuple(item_ids)))

    def when(self, moment: datetime) -> str:
        """An exact instant (with its offset) for a message's `time`; the pages format it in the one date style."""
        return moment.astimezone(self.zone).isoformat(timespec="minutes")

    def label(self, item: ScheduleItem) -> str:
        """The item's title with its times, e.g. "Team Vodovod (10:20–10:30)"; naive times as written."""
        if item.start.tzinfo is None or item.end.tzinfo is None:
            return item.title or item.id
        start, end = item.start.astimezone(self.zone), item.end.astimezone(self.zone)
        return f"{item.title or item.id} ({start:%H:%M}–{end:%H:%M})"

    def person_names(self, people: Iterable[Person]) -> str:
        return ", ".join(sorted(self.names[person] for person in people))

    # --- one item at a time ---

    def resolve(self, items: Sequence[ScheduleItem]) -> list[_Timed]:
        timed = []
        for item in items:
            start, end = item.start, item.end
            if start.tzinfo is None or end.tzinfo is None or end.astimezone(UTC) <= start.astimezone(UTC):
                self.report(
                    V.INVALID_TIME,
                    N_("%(item)s has no valid time: it must have a timezone and start before it ends."),
                    {"item": self.label(item)},
                    (LinkKind.ITEM, item.id),
                    [item.id],
                )
                continue
            people: set[Person] = set()
            unknown = [f"room {item.room_id}"] if item.room_id is not None and item.room_id not in self.rooms else []
            for kind, ids in (
                (LinkKind.TEAM, item.team_ids),
                (LinkKind.JUDGE, item.judge_ids),
                (LinkKind.MENTOR, item.mentor_ids),
            ):
                for person_id in ids:
                    if (kind, person_id) in self.names:
                        people.add((kind, person_id))
                    else:
                        unknown.append(f"{kind} {person_id}")
            if item.panel_id is not None and item.panel_id not in self.panels:
                unknown.append(f"panel {item.panel_id}")
            if unknown:
                self.report(
                    V.UNKNOWN_REFERENCE,
                    N_("%(item)s refers to something that does not exist: %(what)s."),
                    {"item": self.label(item), "what": ", ".join(unknown)},
                    (LinkKind.ITEM, item.id),
                    [item.id],
                )
            timed.append(_Timed(item, start.astimezone(UTC), end.astimezone(UTC), frozenset(people)))
        return timed

    def check_item(self, entry: _Timed, by_id: Mapping[str, _Timed]) -> None:
        item = entry.item
        label = self.label(item)
        if entry.start < self.opens or entry.end > self.closes:
            self.report(
                V.OUTSIDE_HACKATHON,
                N_("%(item)s at %(time)s is outside the hackathon."),
                {"item": label, "time": self.when(entry.start)},
                (LinkKind.ITEM, item.id),
                [item.id],
            )
        room = self.rooms.get(item.room_id) if item.room_id is not None else None
        if room is not None:
            if not any(a <= entry.start and entry.end <= b for a, b in self.room_available[room.id]):
                self.report(
                    V.OUTSIDE_ROOM_AVAILABILITY,
                    N_("Room %(room)s is not available for %(item)s at %(time)s."),
                    {"room": room.name, "item": label, "time": self.when(entry.start)},
                    (LinkKind.ITEM, item.id),
                    [item.id],
                )
            needed = sum(self.teams[i].members for kind, i in entry.people if kind == LinkKind.TEAM) + sum(
                1 for kind, _ in entry.people if kind != LinkKind.TEAM
            )
            if not item.everyone and needed > room.capacity:
                self.report(
                    V.OVER_CAPACITY,
                    N_("%(item)s needs %(people)s places; room %(room)s holds %(capacity)s."),
                    {"item": label, "people": needed, "room": room.name, "capacity": room.capacity},
                    (LinkKind.ITEM, item.id),
                    [item.id],
                )
        for person in sorted(entry.people):
            if not any(a <= entry.start and entry.end <= b for a, b in self.available[person]):
                self.report(
                    V.OUTSIDE_AVAILABILITY,
                    N_("%(person)s is not available for %(item)s at %(time)s."),
                    {"person": self.names[person], "item": label, "time": self.when(entry.start)},
                    (LinkKind.ITEM, item.id),
                    [item.id],
                )
        if item.kind == SessionKind.PITCH:
            for team_id in item.team_ids:
                team = self.teams.get(team_id)
                if team is None:  # an unknown team is reported as an unknown reference
                    continue
                for judge_id in sorted(set(item.judge_ids) & team.conflicts):
                    self.report(
                        V.CONFLICT_OF_INTEREST,
                        N_("Judge %(judge)s has a conflict of interest with team %(team)s and must not hear it."),
                        {"judge": self.names.get((LinkKind.JUDGE, judge_id), str(judge_id)), "team": team.name},
                        (LinkKind.ITEM, item.id),
                        [item.id],
                    )
            if item.block_id is not None:
                block = by_id.get(item.block_id)
                if (
                    block is None
                    or block.item.kind != SessionKind.JUDGING_PANEL
                    or block.item.room_id != item.room_id
                    or set(block.item.judge_ids) != set(item.judge_ids)
                    or not (block.start <= entry.start and entry.end <= block.end)
                ):
                    self.report(
                        V.PITCH_OUTSIDE_BLOCK,
                        N_("%(item)s is not inside its panel sitting: the room, the time or the judges differ."),
                        {"item": label},
                        (LinkKind.ITEM, item.id),
                        [item.id, item.block_id],
                    )

    # --- pairs ---

    @staticmethod
    def nested(first: ScheduleItem, second: ScheduleItem) -> bool:
        """A pitch inside its own panel sitting shares the room and the judges by design."""
        return first.block_id == second.id or second.block_id == first.id

    @staticmethod
    def overlapping(entries: Sequence[_Timed]) -> Iterable[tuple[_Timed, _Timed]]:
        active: list[_Timed] = []
        for entry in sorted(entries, key=lambda e: (e.start, e.end, e.item.id)):
            active = [other for other in active if other.end > entry.start]
            for other in active:
                yield other, entry
            active.append(entry)

    def check_rooms(self, entries: Sequence[_Timed]) -> None:
        by_room: dict[int, list[_Timed]] = defaultdict(list)
        for entry in entries:
            if entry.item.room_id in self.rooms:
                by_room[entry.item.room_id].append(entry)
        for room_id, booked in sorted(by_room.items()):
            for first, second in self.overlapping(booked):
                if self.nested(first.item, second.item):
                    continue
                self.report(
                    V.ROOM_DOUBLE_BOOKED,
                    N_("Room %(room)s is booked twice at %(time)s: %(first)s and %(second)s."),
                    {
                        "room": self.rooms[room_id].name,
                        "time": self.when(second.start),
                        "first": self.label(first.item),
                        "second": self.label(second.item),
                    },
                    (LinkKind.ITEM, second.item.id),
                    [first.item.id, second.item.id],
                )

    def check_people(self, entries: Sequence[_Timed]) -> None:
        shared: dict[tuple[str, str], set[Person]] = defaultdict(set)
        pairs: dict[tuple[str, str], tuple[_Timed, _Timed]] = {}
        by_person: dict[Person, list[_Timed]] = defaultdict(list)
        for entry in entries:
            for person in entry.people:
                by_person[person].append(entry)
        for person, booked in by_person.items():
            for first, second in self.overlapping(booked):
                if not self.nested(first.item, second.item):
                    key = (first.item.id, second.item.id)
                    shared[key].add(person)
                    pairs[key] = (first, second)
        for key in sorted(shared):
            first, second = pairs[key]
            self.report(
                V.PERSON_DOUBLE_BOOKED,
                N_("%(people)s would be in two places at %(time)s: %(first)s and %(second)s."),
                {
                    "people": self.person_names(shared[key]),
                    "time": self.when(second.start),
                    "first": self.label(first.item),
                    "second": self.label(second.item),
                },
                (LinkKind.ITEM, second.item.id),
                [first.item.id, second.item.id],
            )
        # Everyone attends a plenary break or talk: nothing with people in it may overlap it.
        plenary = [entry for entry in entries if entry.item.everyone]
        for whole in plenary:
            for entry in entries:
                if entry is whole or not entry.overlaps(whole) or not (entry.people or entry.item.everyone):
                    continue
                if entry.item.everyone and entry.item.id < whole.item.id:
                    continue  # two plenary items: report the pair once
                self.report(
                    V.PERSON_DOUBLE_BOOKED,
                    N_("%(item)s overlaps %(plenary)s, which everyone attends, at %(time)s."),
                    {
                        "item": self.label(entry.item),
                        "plenary": self.label(whole.item),
                        "time": self.when(max(entry.start, whole.start)),
                    },
                    (LinkKind.ITEM, entry.item.id),
                    [whole.item.id, entry.item.id],
                )

    def check_buffers(self, entries: Sequence[_Timed], by_id: Mapping[str, _Timed]) -> None:
        buffer = timedelta(minutes=self.problem.timing.buffer_minutes)
        if not buffer:
            return
        by_person: dict[Person, list[_Timed]] = defaultdict(list)
        for entry in entries:
            parent = by_id.get(entry.item.block_id) if entry.item.block_id else None
            # Everyone walks out of a plenary talk held in a room.
            people = self.names if entry.item.everyone and entry.item.room_id is not None else entry.people
            for person in people:
                # A judge's pitches happen inside the sitting: the sitting is what they walk to.
                if parent is None or person not in parent.people:
                    by_person[person].append(entry)
        short: dict[tuple[str, str], set[Person]] = defaultdict(set)
        pairs: dict[tuple[str, str], tuple[_Timed, _Timed]] = {}
        for person, booked in by_person.items():
            ordered = sorted(booked, key=lambda e: (e.start, e.end))
            for first, second in pairwise(ordered):
                rooms = (first.item.room_id, second.item.room_id)
                if None in rooms or rooms[0] == rooms[1]:
                    continue
                if timedelta(0) <= second.start - first.end < buffer:
                    key = (first.item.id, second.item.id)
                    short[key].add(person)
                    pairs[key] = (first, second)
        for key in sorted(short):
            first, second = pairs[key]
            self.report(
                V.BUFFER_TOO_SHORT,
                N_(
                    "%(people)s: only %(minutes)s minutes from %(first)s in %(from_room)s to %(second)s"
                    " in %(to_room)s; %(buffer)s needed."
                ),
                {
                    "people": self.person_names(short[key]),
                    "minutes": int((second.start - first.end).total_seconds() // 60),
                    "buffer": self.problem.timing.buffer_minutes,
                    "first": self.label(first.item),
                    "second": self.label(second.item),
                    "from_room": self.rooms[first.item.room_id].name if first.item.room_id in self.rooms else "?",
                    "to_room": self.rooms[second.item.room_id].name if second.item.room_id in self.rooms else "?",
                },
                (LinkKind.ITEM, second.item.id),
                [first.item.id, second.item.id],
            )

    # --- per team ---

    def check_teams(self, entries: Sequence[_Timed]) -> None:
        pitches: dict[int, list[_Timed]] = defaultdict(list)
        offices: dict[int, int] = defaultdict(int)
        for entry in entries:
            for team_id in entry.item.team_ids:
                if entry.item.kind == SessionKind.PITCH:
                    pitches[team_id].append(entry)
                elif entry.item.kind == SessionKind.OFFICE_HOURS:
                    offices[team_id] += 1
        sittings: dict[str, list[_Timed]] = defaultdict(list)
        for entry in entries:
            if entry.item.kind == SessionKind.PITCH:
                sittings[entry.item.block_id or entry.item.id].append(entry)
        edges: set[str] = set()
        for sitting in sittings.values():
            ordered = sorted(sitting, key=lambda e: e.start)
            edges.update({ordered[0].item.id, ordered[-1].item.id})
        for team in self.problem.teams:
            if len(pitches[team.id]) < team.pitches:
                self.report(
                    V.UNPLACED,
                    N_("Team %(team)s has %(placed)s of %(wanted)s pitches scheduled."),
                    {"team": team.name, "placed": len(pitches[team.id]), "wanted": team.pitches},
                    (LinkKind.TEAM, team.id),
                )
            if offices[team.id] < team.office_hours:
                self.report(
                    V.UNPLACED,
                    N_("Team %(team)s has %(placed)s of %(wanted)s office-hours sessions scheduled."),
                    {"team": team.name, "placed": offices[team.id], "wanted": team.office_hours},
                    (LinkKind.TEAM, team.id),
                    severity=Severity.WARNING,
                )
            own = pitches[team.id]
            if len(own) >= 2 and all(entry.item.id in edges for entry in own):
                self.report(
                    V.UNFAIR_ORDER,
                    N_("Team %(team)s is first or last in every one of its %(count)s pitch sittings."),
                    {"team": team.name, "count": len(own)},
                    (LinkKind.TEAM, team.id),
                    [entry.item.id for entry in sorted(own, key=lambda e: e.start)],
                )


def check_schedule(problem: ScheduleProblem, items: Sequence[ScheduleItem]) -> list[Violation]:
    """Every violation in `items`, errors and warnings, in a stable order."""
    checker = _Checker(problem)
    entries = checker.resolve(items)
    by_id = {entry.item.id: entry for entry in entries}
    for entry in entries:
        checker.check_item(entry, by_id)
    checker.check_rooms(entries)
    checker.check_people(entries)
    checker.check_buffers(entries, by_id)
    checker.check_teams(entries)
    return checker.out


def _key(violation: Violation) -> tuple[ViolationType, tuple[LinkKind, int | str], frozenset[str]]:
    return (violation.type, violation.target, frozenset(violation.item_ids))


def check_move(
    problem: ScheduleProblem,
    items: Sequence[ScheduleItem],
    item_id: str,
    new_room: int | None,
    new_start: datetime,
) -> list[Violation]:
    """The violations that moving one item (keeping its length) would add to the schedule.

    Moving a panel sitting takes its pitches along. Violations that exist already, and still
    exist after the move, are not repeated.
    """
    if new_start.tzinfo is None:
        raise ValueError("new_start must be timezone-aware")
    moving = next((item for item in items if item.id == item_id), None)
    if moving is None:
        raise KeyError(item_id)
    shift = new_start.astimezone(UTC) - moving.start.astimezone(UTC)
    zone = new_start.tzinfo

    def moved(item: ScheduleItem) -> ScheduleItem:
        return replace(
            item,
            room_id=new_room,
            start=(item.start.astimezone(UTC) + shift).astimezone(zone),
            end=(item.end.astimezone(UTC) + shift).astimezone(zone),
        )

    after = [
        moved(item)
        if item.id == item_id or (moving.kind == SessionKind.JUDGING_PANEL and item.block_id == item_id)
        else item
        for item in items
    ]
    before = {_key(violation) for violation in check_schedule(problem, items)}
    return [violation for violation in check_schedule(problem, after) if _key(violation) not in before]
