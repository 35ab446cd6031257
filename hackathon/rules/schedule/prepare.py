"""Pre-analysis (cheap, exact): free time per person and room, the sittings, and every option.

Fixed talks and breaks are cut out of the availability of their room and people. Whatever has
no possible time at all (no panel while the team is there, no common time with the mentor, no
room large enough, ...) is reported now, with its reason, and kept out of the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.rules import N_
from hackathon.enums import UnplacedReason
from hackathon.rules.schedule.model import Mentor, Panel, ScheduleProblem, Team
from hackathon.rules.schedule.room_plan import _room_plan, _Sitting
from hackathon.rules.schedule.slots import Span, _Grid, _intersect, _sittings, _starts, _subtract

Person = tuple[str, int]


Reason = tuple[UnplacedReason, str, dict[str, str | int]]


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
    people, rooms = _free_time(problem, grid, buffer)
    panel_spans = {
        panel.id: _sittings(
            _panel_time(panel, people, grid),
            timing.panel_sitting_minutes // timing.slot_minutes,
            timing.panel_pause_minutes // timing.slot_minutes,
        )
        for panel in problem.panels
    }
    capacity = {room.id: room.capacity for room in problem.rooms}
    sizes = [team.members for team in problem.teams] or [1]
    sittings = _room_plan(problem, panel_spans, rooms, capacity, (min(sizes), max(sizes)), pitch, buffer)

    pitch_starts: dict[int, dict[int, list[Span]]] = {}
    pitch_reason: dict[int, Reason] = {}
    office_starts: dict[int, dict[int, list[Span]]] = {}
    office_reason: dict[int, Reason] = {}
    panels = {panel.id: panel for panel in problem.panels}
    mentors = {mentor.id: mentor for mentor in problem.mentors}
    for team in problem.teams:
        team_spans = people["team", team.id]
        options = _pitch_options(team, team_spans, sittings, panels, capacity, pitch)
        pitch_starts[team.id] = options
        if team.pitches and len({sittings[index].panel for index in options}) < team.pitches:
            pitch_reason[team.id] = _pitch_reason(problem, team, team_spans, panel_spans, rooms, pitch)
        if not team.office_hours:
            continue
        by_room = _office_hours_starts(problem, team, mentors, people, rooms, office)
        if isinstance(by_room, tuple):
            office_reason[team.id] = by_room
        else:
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


def _free_time(
    problem: ScheduleProblem, grid: _Grid, buffer: int
) -> tuple[dict[Person, list[Span]], dict[int, list[Span]]]:
    """Each person's and each room's available slots, less what the fixed sessions take."""
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
    return people, rooms


def _panel_time(panel: Panel, people: Mapping[Person, list[Span]], grid: _Grid) -> list[Span]:
    """When every judge of the panel is free."""
    spans = [(0, grid.horizon)]
    for judge_id in panel.judge_ids:
        spans = _intersect(spans, people["judge", judge_id])
    return spans


def _pitch_options(
    team: Team,
    team_spans: list[Span],
    sittings: Sequence[_Sitting],
    panels: Mapping[int, Panel],
    capacity: Mapping[int, int],
    pitch: int,
) -> dict[int, list[Span]]:
    """Sitting index -> possible pitch starts there, for the sittings the team may pitch in."""
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
    return options


def _office_hours_starts(
    problem: ScheduleProblem,
    team: Team,
    mentors: Mapping[int, Mentor],
    people: Mapping[Person, list[Span]],
    rooms: Mapping[int, list[Span]],
    office: int,
) -> dict[int, list[Span]] | Reason:
    """Room -> possible office-hours starts of the team with its mentor, or why there are none."""
    params: dict[str, str | int] = {"team": team.name, "members": team.members}
    mentor = mentors.get(team.mentor_id) if team.mentor_id is not None else None
    if mentor is None:
        return (UnplacedReason.NO_MENTOR, N_("Team %(team)s has no matched mentor for office hours."), params)
    params = params | {"mentor": mentor.name}
    common = _intersect(people["team", team.id], people["mentor", mentor.id])
    if not _starts(common, office):
        return (
            UnplacedReason.NO_COMMON_TIME_WITH_MENTOR,
            N_("Mentor %(mentor)s: no common free time with team %(team)s."),
            params,
        )
    fitting = [room for room in problem.rooms if room.capacity >= team.members + 1]
    if not fitting:
        return (
            UnplacedReason.NO_ROOM_LARGE_ENOUGH,
            N_("Team %(team)s: no room holds the team (%(members)s people) and mentor %(mentor)s."),
            params,
        )
    by_room = {}
    for room in fitting:
        starts = _starts(_intersect(common, rooms[room.id]), office)
        if starts:
            by_room[room.id] = starts
    if not by_room:
        return (
            UnplacedReason.NO_ROOM_WHILE_FREE,
            N_("Team %(team)s: no room is free while the team and mentor %(mentor)s are both available."),
            params,
        )
    return by_room


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
