"""The solved phases as schedule items, and each session left unplaced with its reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from core.rules import N_
from hackathon.enums import SessionKind, UnplacedReason
from hackathon.rules.schedule.cpsat import _Placed
from hackathon.rules.schedule.model import ScheduleItem, ScheduleProblem, Unplaced
from hackathon.rules.schedule.prepare import Reason, _fully_booked, _Prepared


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
