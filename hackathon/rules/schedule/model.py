"""What the schedule builder takes and gives: the problem as frozen dataclasses, the schedule as items.

Times are timezone-aware datetimes throughout. `daily_windows` and `form_panels` help to write
a problem: the same opening hours each day, and a first cut of judging panels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hackathon.enums import SessionKind, SolveStatus, UnplacedReason


@dataclass(frozen=True)
class Window:
    """A span of time someone or something is available; both ends timezone-aware, end excluded."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("availability windows must be timezone-aware")
        if self.end.astimezone(UTC) <= self.start.astimezone(UTC):
            raise ValueError(f"window ends before it starts: {self.start} .. {self.end}")


# None: available during the whole hackathon; (): never available.
Availability = tuple[Window, ...] | None


@dataclass(frozen=True)
class Hackathon:
    name: str
    venue: str
    start: datetime
    end: datetime
    timezone: str  # IANA name; days and the times shown are in it

    def __post_init__(self) -> None:
        Window(self.start, self.end)  # the same checks
        ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Room:
    id: int
    name: str
    capacity: int  # people, team members and judges / mentor together
    available: Availability = None


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    members: int
    available: Availability = None
    pitches: int = 1  # each one before a different panel
    mentor_id: int | None = None  # the mentor the team was matched with
    office_hours: int = 0  # sessions wanted with that mentor
    conflicts: frozenset[int] = frozenset()  # ids of judges who must not hear the team


@dataclass(frozen=True)
class Mentor:
    id: int
    name: str
    available: Availability = None


@dataclass(frozen=True)
class Judge:
    id: int
    name: str
    available: Availability = None


@dataclass(frozen=True)
class Panel:
    """Judges who hear pitches together; the panel is available when all of them are."""

    id: int
    name: str
    judge_ids: tuple[int, ...]


@dataclass(frozen=True)
class FixedSession:
    """A talk, workshop or break the organisers placed themselves; the builder works around it."""

    id: int
    kind: SessionKind
    title: str
    start: datetime
    end: datetime
    room_id: int | None = None
    team_ids: tuple[int, ...] = ()
    judge_ids: tuple[int, ...] = ()
    mentor_ids: tuple[int, ...] = ()
    everyone: bool = False  # e.g. lunch: nobody is scheduled during it


@dataclass(frozen=True)
class Timing:
    """Durations, in minutes; each a multiple of `slot_minutes`, the grid items start on."""

    slot_minutes: int = 5
    pitch_minutes: int = 10
    office_hours_minutes: int = 20
    # The longest a panel hears pitches without a pause, and the pause.
    panel_sitting_minutes: int = 90
    panel_pause_minutes: int = 15
    # Between one person's consecutive items in different rooms.
    buffer_minutes: int = 5


@dataclass(frozen=True)
class ScheduleProblem:
    hackathon: Hackathon
    rooms: tuple[Room, ...]
    teams: tuple[Team, ...]
    mentors: tuple[Mentor, ...] = ()
    judges: tuple[Judge, ...] = ()
    panels: tuple[Panel, ...] = ()
    fixed: tuple[FixedSession, ...] = ()
    timing: Timing = Timing()

    def __post_init__(self) -> None:
        for label, rows in (
            ("room", self.rooms),
            ("team", self.teams),
            ("mentor", self.mentors),
            ("judge", self.judges),
            ("panel", self.panels),
            ("fixed session", self.fixed),
        ):
            ids = [row.id for row in rows]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{label} ids are not unique")
        judges = {judge.id for judge in self.judges}
        mentors = {mentor.id for mentor in self.mentors}
        rooms = {room.id for room in self.rooms}
        teams = {team.id for team in self.teams}
        for panel in self.panels:
            if not panel.judge_ids or not set(panel.judge_ids) <= judges:
                raise ValueError(f"panel {panel.id} names no judges or unknown ones")
        for team in self.teams:
            if team.members < 1 or team.pitches < 0 or team.office_hours < 0:
                raise ValueError(f"team {team.id}: members, pitches or office hours out of range")
            if team.mentor_id is not None and team.mentor_id not in mentors:
                raise ValueError(f"team {team.id}: unknown mentor {team.mentor_id}")
        for session in self.fixed:
            Window(session.start, session.end)
            if (
                (session.room_id is not None and session.room_id not in rooms)
                or not set(session.team_ids) <= teams
                or not set(session.judge_ids) <= judges
                or not set(session.mentor_ids) <= mentors
            ):
                raise ValueError(f"fixed session {session.id} refers to unknown rooms or people")
        timing = self.timing
        durations = (
            timing.pitch_minutes,
            timing.office_hours_minutes,
            timing.panel_sitting_minutes,
            timing.panel_pause_minutes,
            timing.buffer_minutes,
        )
        if timing.slot_minutes < 1 or any(d < 0 or d % timing.slot_minutes for d in durations):
            raise ValueError("durations must be non-negative multiples of slot_minutes")
        if timing.pitch_minutes < 1 or timing.office_hours_minutes < 1:
            raise ValueError("pitches and office hours must last at least a minute")
        if timing.panel_sitting_minutes < timing.pitch_minutes:
            raise ValueError("a panel sitting must hold at least one pitch")


@dataclass(frozen=True)
class ScheduleItem:
    """One entry of the schedule. Pitches point at the panel sitting (`block_id`) they belong to.

    Deliberately unvalidated: the checker must be able to report a broken item (e.g. one edited
    by hand) rather than fail to build it.
    """

    id: str
    kind: SessionKind
    start: datetime
    end: datetime
    room_id: int | None = None
    team_ids: tuple[int, ...] = ()
    judge_ids: tuple[int, ...] = ()
    mentor_ids: tuple[int, ...] = ()
    panel_id: int | None = None
    block_id: str | None = None
    everyone: bool = False
    title: str = ""


@dataclass(frozen=True)
class Unplaced:
    """One pitch or office-hours session the builder could not place; `message % params` explains it."""

    kind: SessionKind
    team_id: int
    number: int  # which of the team's sessions of this kind, from 1
    reason: UnplacedReason
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    mentor_id: int | None = None


@dataclass(frozen=True)
class Progress:
    """Reported for every better schedule the solver finds (on the solver's thread)."""

    phase: SessionKind  # PITCH first, then OFFICE_HOURS
    objective: float
    best_bound: float
    elapsed_seconds: float
    solutions: int


@dataclass(frozen=True)
class ScheduleResult:
    items: tuple[ScheduleItem, ...]
    unplaced: tuple[Unplaced, ...]
    status: SolveStatus
    elapsed_seconds: float  # the solver's own wall time, both phases
    stats: Mapping[str, int] = field(default_factory=dict)


def daily_windows(
    hackathon: Hackathon, opens: time, closes: time, *, days: Iterable[date] | None = None
) -> tuple[Window, ...]:
    """The same opening hours on each day of the hackathon (or the days given), in its timezone.

    Wall-clock times are kept across a DST change; windows are clipped to the hackathon.
    """
    zone = ZoneInfo(hackathon.timezone)
    first = hackathon.start.astimezone(zone).date()
    last = hackathon.end.astimezone(zone).date()
    chosen = (
        sorted(set(days)) if days is not None else [first + timedelta(days=n) for n in range((last - first).days + 1)]
    )
    start, end = hackathon.start.astimezone(UTC), hackathon.end.astimezone(UTC)
    windows = []
    for day in chosen:
        a = max(datetime.combine(day, opens, zone).astimezone(UTC), start)
        b = min(datetime.combine(day, closes, zone).astimezone(UTC), end)
        if a < b:
            windows.append(Window(a.astimezone(zone), b.astimezone(zone)))
    return tuple(windows)


def form_panels(judges: Sequence[Judge], *, size: int, hackathon: Hackathon) -> tuple[Panel, ...]:
    """A first cut of panels: judges with similar availability sit together.

    Judges are ordered by when their availability starts and how long it lasts, then cut into
    consecutive groups of `size` or `size + 1` judges. Organisers adjust the result; the builder
    takes panels as given.
    """
    if size < 1:
        raise ValueError("a panel needs at least one judge")
    if not judges:
        return ()
    origin = hackathon.start.astimezone(UTC)

    def profile(judge: Judge) -> tuple[float, float, int]:
        windows = judge.available if judge.available is not None else (Window(hackathon.start, hackathon.end),)
        if not windows:
            return (math.inf, 0.0, judge.id)
        first = min((w.start.astimezone(UTC) - origin).total_seconds() for w in windows)
        total = sum((w.end.astimezone(UTC) - w.start.astimezone(UTC)).total_seconds() for w in windows)
        return (first, -total, judge.id)

    ordered = [judge.id for judge in sorted(judges, key=profile)]
    count = max(1, len(ordered) // size)
    # Contiguous runs of the order, the first ones a judge longer, so neighbours stay together.
    longer, cursor, panels = len(ordered) - count * size if len(ordered) >= size else 0, 0, []
    for n in range(count):
        length = min(len(ordered), size) + (n < longer)
        panels.append(Panel(id=n + 1, name=f"Panel {n + 1}", judge_ids=tuple(ordered[cursor : cursor + length])))
        cursor += length
    return tuple(panels)
