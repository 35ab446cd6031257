"""The hackathon schedule builder: pitches before judging panels and mentors' office hours, in rooms.

The problem goes in as frozen dataclasses with timezone-aware datetimes; the schedule comes out
as `ScheduleItem`s plus what could not be placed and why. Nothing here reads the clock.

Decomposed so that 300 teams solve in seconds:

1. **Pre-analysis** (cheap, exact): times become slots of `Timing.slot_minutes` from the
   hackathon's start, computed in UTC, so a DST change mid-hackathon shifts nothing. Fixed
   talks and breaks are cut out of the availability of their room and people. Whatever has no
   possible time at all (no panel while the team is there, no common time with the mentor,
   no room large enough, ...) is reported now, with its reason, and kept out of the models.
2. **Room plan** (greedy interval colouring): panels of judges are *input* (organisers compose
   them for expertise and conflicts; `form_panels` offers a first cut). A panel's availability
   is cut into sittings of at most `panel_sitting_minutes` with pauses between, and each
   sitting gets a room of its own, in time order, rotating among panels when rooms run short.
   Panels never compete for a room afterwards, and a room keeps the time its sitting leaves.
3. **Sitting choice** (min-cost flow): team -> (team, panel), capacity 1 so a team's pitches
   reach different panels -> sitting -> sink, early sittings cheaper, each filled to `FILL`
   before it costs more. Each pitch may then use the flow's sitting or `SPARE_SITTINGS` others.
4. **CP-SAT, pitches**: a start variable per pitch, a literal per candidate sitting, and per
   sitting an interval from its first pitch that lasts exactly one pitch per team in it, so
   pitches run back to back. `NoOverlap` per panel, team (padded by the buffer) and judge
   sitting on several panels (whole sittings, padded). A greedy back-to-back fill of the
   flow's sittings is the hint, so the search starts from a nearly full schedule. Objective:
   unplaced pitches (each outweighing all sittings), then the number of sittings; the search
   stops once the pitch count is settled, since the bound on sittings is too weak to wait for.
5. **CP-SAT, office hours**, around the fixed pitches: a start per session, a literal per
   room, `NoOverlap` per room, team and mentor (padded); maximise the sessions placed. The
   hint is time-major list scheduling (rooms are the scarce resource). Office hours are soft:
   they come second and may stay unplaced, each with its reason.

Never infeasible: leaving a session out is always allowed at a price, so a partial schedule
always comes back, and the cheap analysis names the reason for what is missing. Padding every
person's items by the buffer is deliberately conservative: the checker only asks for it between
different rooms, so builder output never draws a buffer warning.

Fairness is a local search over the result: inside a sitting, a team that is first or last
at least twice more often than another swaps places with it when both are free at the other's
time, so no team with several pitches is first or last in all of them when a swap avoids it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from core.rules import N_
from hackathon.enums import SessionKind, SolveStatus, UnplacedReason

# Besides the sitting the flow chose, how many others a pitch may still move to inside the model.
SPARE_SITTINGS = 2
# The share of a sitting's places the flow fills before it prefers another sitting.
FILL = 0.8


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


# --- spans of slots: [start, end), sorted, disjoint ------------------------------------------------

Span = tuple[int, int]


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(s for s in spans if s[0] < s[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _intersect(left: Sequence[Span], right: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in spans:
        cursor = a
        for c, d in holes:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                out.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            out.append((cursor, b))
    return out


def _starts(spans: Sequence[Span], length: int) -> list[Span]:
    """The possible starts (inclusive ranges) of an item of `length` slots inside `spans`."""
    return [(a, b - length) for a, b in spans if b - a >= length]


def _sittings(spans: Sequence[Span], sitting: int, pause: int) -> list[Span]:
    out: list[Span] = []
    for a, b in spans:
        cursor = a
        while cursor < b:
            out.append((cursor, min(cursor + sitting, b)))
            cursor += sitting + pause
    return out


class _Grid:
    """Slots from the hackathon's start, computed in UTC so DST changes do not shift anything."""

    def __init__(self, hackathon: Hackathon, slot_minutes: int) -> None:
        self.origin = hackathon.start.astimezone(UTC)
        self.zone = ZoneInfo(hackathon.timezone)
        self.slot = slot_minutes
        self.horizon = self.floor(hackathon.end)

    def _minutes(self, moment: datetime) -> float:
        return (moment.astimezone(UTC) - self.origin).total_seconds() / 60

    def floor(self, moment: datetime) -> int:
        return math.floor(self._minutes(moment) / self.slot)

    def ceil(self, moment: datetime) -> int:
        return math.ceil(self._minutes(moment) / self.slot)

    def moment(self, slot: int) -> datetime:
        return (self.origin + timedelta(minutes=slot * self.slot)).astimezone(self.zone)

    def spans(self, available: Availability) -> list[Span]:
        if available is None:
            return [(0, self.horizon)]
        return _merge((max(0, self.ceil(w.start)), min(self.horizon, self.floor(w.end))) for w in available)


# --- pre-analysis ---------------------------------------------------------------------------------

Person = tuple[str, int]
Reason = tuple[UnplacedReason, str, dict[str, str | int]]


@dataclass(frozen=True)
class _Sitting:
    """A window in which a panel may hear pitches, in the room planned for it."""

    panel: int
    room: int
    start: int
    end: int


@dataclass
class _Prepared:
    grid: _Grid
    pitch: int
    office: int
    buffer: int
    sittings: list[_Sitting]
    # team -> sitting index -> possible pitch starts there
    pitch_starts: dict[int, dict[int, list[Span]]]
    # team -> room -> possible office-hours starts with its mentor
    office_starts: dict[int, dict[int, list[Span]]]
    pitch_reason: dict[int, Reason]
    office_reason: dict[int, Reason]


def _prepare(problem: ScheduleProblem) -> _Prepared:
    timing = problem.timing
    grid = _Grid(problem.hackathon, timing.slot_minutes)
    pitch = timing.pitch_minutes // timing.slot_minutes
    office = timing.office_hours_minutes // timing.slot_minutes
    buffer = timing.buffer_minutes // timing.slot_minutes

    people: dict[Person, list[Span]] = {}
    for team in problem.teams:
        people["team", team.id] = grid.spans(team.available)
    for mentor in problem.mentors:
        people["mentor", mentor.id] = grid.spans(mentor.available)
    for judge in problem.judges:
        people["judge", judge.id] = grid.spans(judge.available)
    rooms = {room.id: grid.spans(room.available) for room in problem.rooms}

    # Fixed sessions take their time from the room and from the people in them; with a room,
    # people also need the buffer to get there and away.
    for session in problem.fixed:
        exact = [(grid.floor(session.start), grid.ceil(session.end))]
        padded = [(exact[0][0] - buffer, exact[0][1] + buffer)] if session.room_id is not None else exact
        if session.room_id is not None:
            rooms[session.room_id] = _subtract(rooms[session.room_id], exact)
        involved: Iterable[Person] = (
            list(people)
            if session.everyone
            else [("team", i) for i in session.team_ids]
            + [("judge", i) for i in session.judge_ids]
            + [("mentor", i) for i in session.mentor_ids]
        )
        for person in involved:
            people[person] = _subtract(people[person], padded)

    capacity = {room.id: room.capacity for room in problem.rooms}
    panel_spans: dict[int, list[Span]] = {}
    for panel in problem.panels:
        spans = [(0, grid.horizon)]
        for judge_id in panel.judge_ids:
            spans = _intersect(spans, people["judge", judge_id])
        panel_spans[panel.id] = _sittings(
            spans,
            timing.panel_sitting_minutes // timing.slot_minutes,
            timing.panel_pause_minutes // timing.slot_minutes,
        )
    sizes = [team.members for team in problem.teams] or [1]
    sittings = _room_plan(problem, panel_spans, rooms, capacity, (min(sizes), max(sizes)), pitch, buffer)

    pitch_starts: dict[int, dict[int, list[Span]]] = {}
    pitch_reason: dict[int, Reason] = {}
    office_starts: dict[int, dict[int, list[Span]]] = {}
    office_reason: dict[int, Reason] = {}
    mentors = {mentor.id: mentor for mentor in problem.mentors}
    panels = {panel.id: panel for panel in problem.panels}
    for team in problem.teams:
        team_spans = people["team", team.id]
        options: dict[int, list[Span]] = {}
        for index, sitting in enumerate(sittings):
            panel = panels[sitting.panel]
            if set(panel.judge_ids) & team.conflicts:
                continue
            if capacity[sitting.room] < team.members + len(panel.judge_ids):
                continue
            starts = _starts(_intersect(team_spans, [(sitting.start, sitting.end)]), pitch)
            if starts:
                options[index] = starts
        pitch_starts[team.id] = options
        params: dict[str, str | int] = {"team": team.name, "members": team.members}
        if team.pitches and len({sittings[index].panel for index in options}) < team.pitches:
            pitch_reason[team.id] = _pitch_reason(problem, team, team_spans, panel_spans, rooms, pitch)

        if not team.office_hours:
            continue
        mentor = mentors.get(team.mentor_id) if team.mentor_id is not None else None
        if mentor is None:
            office_reason[team.id] = (
                UnplacedReason.NO_MENTOR,
                N_("Team %(team)s has no matched mentor for office hours."),
                params,
            )
            continue
        params = params | {"mentor": mentor.name}
        common = _intersect(team_spans, people["mentor", mentor.id])
        if not _starts(common, office):
            office_reason[team.id] = (
                UnplacedReason.NO_COMMON_TIME_WITH_MENTOR,
                N_("Mentor %(mentor)s: no common free time with team %(team)s."),
                params,
            )
            continue
        fitting = [room for room in problem.rooms if room.capacity >= team.members + 1]
        if not fitting:
            office_reason[team.id] = (
                UnplacedReason.NO_ROOM_LARGE_ENOUGH,
                N_("Team %(team)s: no room holds the team (%(members)s people) and mentor %(mentor)s."),
                params,
            )
            continue
        by_room = {}
        for room in fitting:
            starts = _starts(_intersect(common, rooms[room.id]), office)
            if starts:
                by_room[room.id] = starts
        if not by_room:
            office_reason[team.id] = (
                UnplacedReason.NO_ROOM_WHILE_FREE,
                N_("Team %(team)s: no room is free while the team and mentor %(mentor)s are both available."),
                params,
            )
            continue
        office_starts[team.id] = by_room

    return _Prepared(
        grid=grid,
        pitch=pitch,
        office=office,
        buffer=buffer,
        sittings=sittings,
        pitch_starts=pitch_starts,
        office_starts=office_starts,
        pitch_reason=pitch_reason,
        office_reason=office_reason,
    )


def _pitch_reason(
    problem: ScheduleProblem,
    team: Team,
    team_spans: list[Span],
    panel_spans: Mapping[int, list[Span]],
    rooms: Mapping[int, list[Span]],
    pitch: int,
) -> Reason:
    """Why a team has fewer panels than pitches, most basic cause first."""
    params: dict[str, str | int] = {"team": team.name, "members": team.members}
    largest_room = max((room.capacity for room in problem.rooms), default=0)
    unconflicted = [panel for panel in problem.panels if not set(panel.judge_ids) & team.conflicts]
    fitting = [panel for panel in unconflicted if team.members + len(panel.judge_ids) <= largest_room]
    meeting = [panel for panel in fitting if _starts(_intersect(team_spans, panel_spans[panel.id]), pitch)]
    housed = [
        panel
        for panel in meeting
        if any(
            room.capacity >= team.members + len(panel.judge_ids)
            and _starts(_intersect(_intersect(team_spans, panel_spans[panel.id]), rooms[room.id]), pitch)
            for room in problem.rooms
        )
    ]
    if not team_spans:
        return (
            UnplacedReason.TEAM_UNAVAILABLE,
            N_("Team %(team)s has no available time during the hackathon."),
            params,
        )
    if not problem.panels:
        return (UnplacedReason.NO_PANEL, N_("Team %(team)s: there is no judging panel to pitch to."), params)
    if not unconflicted:
        return (
            UnplacedReason.ALL_PANELS_CONFLICTED,
            N_("Team %(team)s: every judging panel includes a judge with a conflict of interest."),
            params,
        )
    if not fitting:
        return (
            UnplacedReason.NO_ROOM_LARGE_ENOUGH,
            N_("Team %(team)s: no room holds the team (%(members)s people) and a judging panel."),
            params,
        )
    if not meeting:
        return (
            UnplacedReason.NO_COMMON_TIME_WITH_PANEL,
            N_("Team %(team)s: no judging panel available while the team is available."),
            params,
        )
    if not housed:
        return (
            UnplacedReason.NO_ROOM_WHILE_FREE,
            N_("Team %(team)s: no large enough room is open while the team and a judging panel are both available."),
            params,
        )
    if len(housed) < team.pitches:
        return (
            UnplacedReason.TOO_FEW_PANELS,
            N_("Team %(team)s needs %(needed)s pitches before different panels; only %(possible)s can hear it."),
            params | {"needed": team.pitches, "possible": len(housed)},
        )
    return _fully_booked(params)


def _fully_booked(params: dict[str, str | int]) -> Reason:
    return (
        UnplacedReason.FULLY_BOOKED,
        N_("Team %(team)s: the judging panels or their rooms are fully booked while the team is available."),
        params,
    )


def _room_plan(
    problem: ScheduleProblem,
    panel_spans: Mapping[int, list[Span]],
    rooms: Mapping[int, list[Span]],
    capacity: Mapping[int, int],
    team_sizes: tuple[int, int],
    pitch: int,
    buffer: int,
) -> list[_Sitting]:
    """Give each panel sitting a room of its own, in time order, rotating when rooms run short.

    Sittings that start together go to the panels that have sat least so far; each panel stays
    in the room it had if it can. Rooms must hold the panel and the largest team, if any room
    can, else the smallest. A sitting with no free room is dropped: the panel rests.
    """
    claimed: dict[int, list[Span]] = {room.id: [] for room in problem.rooms}
    sat: dict[int, int] = defaultdict(int)
    last_room: dict[int, int] = {}
    last_end: dict[int, int] = {}
    plan: list[_Sitting] = []
    by_start: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    for panel in problem.panels:
        for span in panel_spans[panel.id]:
            by_start[span[0]].append((panel.id, span))
    largest_room = max(capacity.values(), default=0)
    needed = {}
    for panel in problem.panels:
        judges = len(panel.judge_ids)
        needed[panel.id] = judges + (team_sizes[1] if judges + team_sizes[1] <= largest_room else team_sizes[0])
    for start in sorted(by_start):
        for panel_id, span in sorted(by_start[start], key=lambda entry: (sat[entry[0]], entry[0])):
            best: tuple[tuple[bool, int, int, int], int, Span] | None = None
            for room in problem.rooms:
                if capacity[room.id] < needed[panel_id]:
                    continue
                usable = span
                if last_room.get(panel_id, room.id) != room.id:  # time for the judges to change rooms
                    usable = (max(span[0], last_end[panel_id] + buffer), span[1])
                free = _subtract(_intersect([usable], rooms[room.id]), claimed[room.id])
                if not free:
                    continue
                piece = max(free, key=lambda s: (s[1] - s[0], -s[0]))
                if piece[1] - piece[0] < pitch:
                    continue
                key = (last_room.get(panel_id) == room.id, piece[1] - piece[0], -capacity[room.id], -room.id)
                if best is None or key > best[0]:
                    best = (key, room.id, piece)
            if best is None:
                continue
            _, room_id, piece = best
            plan.append(_Sitting(panel_id, room_id, piece[0], piece[1]))
            claimed[room_id] = _merge([*claimed[room_id], piece])
            sat[panel_id] += piece[1] - piece[0]
            last_room[panel_id] = room_id
            last_end[panel_id] = piece[1]
    return plan


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


# --- the CP-SAT model ----------------------------------------------------------------------------


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


def _without(starts: Sequence[Span], forbidden: Iterable[Span]) -> list[Span]:
    """Inclusive start ranges minus inclusive forbidden ranges."""
    holes = _merge((a, b + 1) for a, b in forbidden)
    return [(a, b - 1) for a, b in _subtract([(a, b + 1) for a, b in starts], holes)]


def _allows(starts: Sequence[Span], start: int) -> bool:
    return any(a <= start <= b for a, b in starts)


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

    code: int
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
) -> tuple[cp_model.CpSolver, int]:
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
            model.clear_hints()
        try:
            code = solver.solve(model, callback)
            break
        except IndexError as error:
            if "btree_map" not in str(error) or attempt == "no hint":
                raise
    if code == cp_model.MODEL_INVALID:  # a bug here, never the organisers' data
        raise RuntimeError(model.validate())
    return solver, code


def build_schedule(
    problem: ScheduleProblem,
    *,
    time_limit_seconds: float,
    workers: int = 2,
    random_seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
) -> ScheduleResult:
    """Place every team's pitches and office hours; report the rest with reasons.

    `time_limit_seconds` bounds the two CP-SAT searches together: pitches may use up to 60%,
    office hours what is left (building the models adds a fraction of a second at 300 teams).
    Each search stops early once it has proven its result; otherwise the best schedule found
    by then is returned (`status` FEASIBLE). `on_progress` hears of every improvement, on the
    solver's thread. `random_seed` is passed to CP-SAT; with several workers and a time limit
    the result may still vary between runs, never its validity.
    """
    prepared = _prepare(problem)
    choices = _assign_sittings(problem, prepared)
    has_offices = bool(prepared.office_starts)
    runs, pitches = _sequence_pitches(
        problem,
        prepared,
        choices,
        seconds=time_limit_seconds * (0.6 if has_offices else 1.0),
        workers=workers,
        random_seed=random_seed,
        report=on_progress,
    )
    _balance_edges(runs, prepared)
    offices, placed_offices = _place_office_hours(
        problem,
        prepared,
        runs,
        seconds=time_limit_seconds - pitches.wall,
        workers=workers,
        random_seed=random_seed,
        report=on_progress,
        offset=pitches.wall,
    )
    codes = {pitches.code, offices.code}
    status = (
        SolveStatus.NO_SOLUTION
        if codes - {cp_model.OPTIMAL, cp_model.FEASIBLE}
        else SolveStatus.FEASIBLE
        if cp_model.FEASIBLE in codes
        else SolveStatus.OPTIMAL
    )
    placed_pitches = [placed for run in runs for placed in run]
    return ScheduleResult(
        items=_items(problem, prepared, runs, placed_offices),
        unplaced=_unplaced(
            problem,
            prepared,
            placed_pitches,
            placed_offices,
            pitches_solved=pitches.code in (cp_model.OPTIMAL, cp_model.FEASIBLE),
            offices_solved=offices.code in (cp_model.OPTIMAL, cp_model.FEASIBLE),
        ),
        status=status,
        elapsed_seconds=pitches.wall + offices.wall,
        stats={
            **{f"pitch_{k}": v for k, v in pitches.stats.items()},
            **{f"office_{k}": v for k, v in offices.stats.items()},
        },
    )


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
    panels = {panel.id: panel for panel in problem.panels}
    sittings = prepared.sittings
    pitch, buffer = prepared.pitch, prepared.buffer
    hint = _greedy_pitches(problem, prepared, choices)

    model = cp_model.CpModel()
    by_panel: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
    by_person: dict[Person, list[cp_model.IntervalVar]] = defaultdict(list)
    # sitting -> the pitches that may happen in it: team, start, "it happens here"
    members: dict[int, list[tuple[int, cp_model.IntVar, cp_model.IntVar]]] = defaultdict(list)
    unplaced: list[cp_model.LinearExprT] = []
    multi = {judge for judge, count in Counter(j for p in problem.panels for j in p.judge_ids).items() if count > 1}

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
                by_panel[panel_id].append(model.new_optional_fixed_size_interval_var(start, pitch, lit, ""))
                members[index].append((team_id, start, lit))
                same_panel[panel_id].append(lit)
                here.append(lit)
            placed = model.new_bool_var(f"p{team_id}.{number}.placed")
            model.add_hint(placed, hinted is not None)
            model.add(sum(here) == placed)
            by_person["team", team_id].append(
                model.new_optional_fixed_size_interval_var(start, pitch + buffer, placed, "")
            )
            unplaced.append(1 - placed)
        for lits in same_panel.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)

    # A sitting lasts exactly one pitch per team in it and every pitch lies inside it, so its
    # pitches are back to back. Its room is its own (see _room_plan), so rooms need no constraint.
    hinted_runs: dict[int, list[int]] = defaultdict(list)
    for index, start in hint.values():
        hinted_runs[index].append(start)
    used_sittings: list[cp_model.IntVar] = []
    for index, entries in members.items():
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
                by_person["judge", judge_id].append(
                    model.new_optional_interval_var(first, pitch * count + buffer, last + buffer, used, "")
                )
        used_sittings.append(used)

    for intervals in (*by_panel.values(), *by_person.values()):
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    # A pitch outweighs all sittings; fewer sittings means longer runs for the judges. The bound on
    # sittings is weak, so the search stops once the number of pitches placed is settled (the gap
    # is all sittings): packing comes from the flow and the back-to-back hint, the rest is a bonus.
    model.minimize((len(used_sittings) + 1) * sum(unplaced) + sum(used_sittings))
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
        for index, entries in members.items():
            for team_id, start, lit in entries:
                if solver.boolean_value(lit):
                    by_sitting[index].append(_Placed(team_id, solver.value(start), pitch, sitting=index))
    runs = [sorted(by_sitting[index], key=lambda p: p.start) for index in sorted(by_sitting)]
    stats = {
        "sessions": len(unplaced),
        "hinted": len(hint),
        "variables": len(model.proto.variables),
        "constraints": len(model.proto.constraints),
    }
    return runs, _Phase(code, solver.wall_time, stats)


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
    mentor = {team.id: team.mentor_id for team in problem.teams}
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
            assert team_mentor is not None
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
    unplaced: list[cp_model.LinearExprT] = []
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


# --- after the solve: fairness, items, reasons ------------------------------------------------------


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


def _items(
    problem: ScheduleProblem, prepared: _Prepared, runs: list[list[_Placed]], offices: Sequence[_Placed]
) -> tuple[ScheduleItem, ...]:
    grid = prepared.grid
    panels = {panel.id: panel for panel in problem.panels}
    teams = {team.id: team for team in problem.teams}
    items: list[ScheduleItem] = []
    sittings: dict[int, int] = defaultdict(int)
    pitches: list[tuple[int, int, ScheduleItem]] = []
    for run in runs:
        assert run[0].sitting is not None
        sitting = prepared.sittings[run[0].sitting]
        panel_id = sitting.panel
        panel = panels[panel_id]
        sittings[panel_id] += 1
        block = ScheduleItem(
            id=f"panel-{panel_id}-{sittings[panel_id]}",
            kind=SessionKind.JUDGING_PANEL,
            start=grid.moment(run[0].start),
            end=grid.moment(run[-1].start + run[-1].length),
            room_id=sitting.room,
            judge_ids=panel.judge_ids,
            panel_id=panel_id,
            title=panel.name,
        )
        items.append(block)
        for placed in run:
            item = ScheduleItem(
                id="",
                kind=SessionKind.PITCH,
                start=grid.moment(placed.start),
                end=grid.moment(placed.start + placed.length),
                room_id=block.room_id,
                team_ids=(placed.team,),
                judge_ids=panel.judge_ids,
                panel_id=panel_id,
                block_id=block.id,
                title=teams[placed.team].name,
            )
            pitches.append((placed.team, placed.start, item))
    numbers: dict[tuple[str, int], int] = defaultdict(int)
    for team_id, _, item in sorted(pitches, key=lambda entry: entry[:2]):
        numbers["pitch", team_id] += 1
        items.append(replace(item, id=f"pitch-{team_id}-{numbers['pitch', team_id]}"))
    for placed in sorted(offices, key=lambda p: (p.team, p.start)):
        team = teams[placed.team]
        assert team.mentor_id is not None
        numbers["office", team.id] += 1
        items.append(
            ScheduleItem(
                id=f"office-{team.id}-{numbers['office', team.id]}",
                kind=SessionKind.OFFICE_HOURS,
                start=grid.moment(placed.start),
                end=grid.moment(placed.start + placed.length),
                room_id=placed.room,
                team_ids=(team.id,),
                mentor_ids=(team.mentor_id,),
                title=team.name,
            )
        )
    zone = grid.zone
    for session in problem.fixed:
        items.append(
            ScheduleItem(
                id=f"fixed-{session.id}",
                kind=session.kind,
                start=session.start.astimezone(zone),
                end=session.end.astimezone(zone),
                room_id=session.room_id,
                team_ids=session.team_ids,
                judge_ids=session.judge_ids,
                mentor_ids=session.mentor_ids,
                everyone=session.everyone,
                title=session.title,
            )
        )
    return tuple(sorted(items, key=lambda item: (item.start, item.room_id or 0, item.id)))


def _unplaced(
    problem: ScheduleProblem,
    prepared: _Prepared,
    pitches: Sequence[_Placed],
    offices: Sequence[_Placed],
    *,
    pitches_solved: bool,
    offices_solved: bool,
) -> tuple[Unplaced, ...]:
    placed: dict[tuple[SessionKind, int], int] = defaultdict(int)
    for entry in pitches:
        placed[SessionKind.PITCH, entry.team] += 1
    for entry in offices:
        placed[SessionKind.OFFICE_HOURS, entry.team] += 1
    sittings = prepared.sittings
    mentors = {mentor.id: mentor.name for mentor in problem.mentors}
    out: list[Unplaced] = []
    for team in problem.teams:
        params: dict[str, str | int] = {"team": team.name, "members": team.members}
        possible = min(team.pitches, len({sittings[index].panel for index in prepared.pitch_starts[team.id]}))
        for number in range(placed[SessionKind.PITCH, team.id] + 1, team.pitches + 1):
            if number > possible:
                reason = prepared.pitch_reason[team.id]
            elif not pitches_solved:
                reason = _time_limit(params)
            else:
                reason = _fully_booked(params)
            out.append(Unplaced(SessionKind.PITCH, team.id, number, *reason))
        if team.mentor_id is not None:
            params = params | {"mentor": mentors[team.mentor_id]}
        for number in range(placed[SessionKind.OFFICE_HOURS, team.id] + 1, team.office_hours + 1):
            if team.id in prepared.office_reason:
                reason = prepared.office_reason[team.id]
            elif not offices_solved:
                reason = _time_limit(params)
            else:
                reason = (
                    UnplacedReason.FULLY_BOOKED,
                    N_(
                        "Team %(team)s: at every time the team and mentor %(mentor)s are both free, one of them"
                        " or every suitable room is taken."
                    ),
                    params,
                )
            out.append(Unplaced(SessionKind.OFFICE_HOURS, team.id, number, *reason, mentor_id=team.mentor_id))
    return tuple(out)


def _time_limit(params: dict[str, str | int]) -> Reason:
    return (
        UnplacedReason.SOLVER_TIME_LIMIT,
        N_("Team %(team)s: the solver found no schedule within its time limit; try a longer limit."),
        params,
    )
