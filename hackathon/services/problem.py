"""The schedule problem of a hackathon, read from the data the other domains already hold.

Teams are the edition's accepted and finalist applications (team size: its startup's members
in the edition), each with the mentor of its published match; judges are the edition's
judge memberships; a judge who declared a conflict with a team, or mentors it, never hears it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.tables import Application, StartupMember
from core.i18n import format_datetime
from core.i18n import gettext as _
from hackathon.enums import FixedKind, SessionKind
from hackathon.queries.items import stored_items
from hackathon.queries.setup import judges_of, panels_of, rooms_of, sessions_of
from hackathon.queries.teams import TEAM_STATUSES
from hackathon.records import (
    FixedSessionRow,
    HackathonRow,
    PanelRow,
    ScheduleItemRow,
    StoredUnplaced,
    StoredViolation,
)
from hackathon.rules import checker
from hackathon.rules import schedule as rules
from judging.tables import DeclaredConflict
from mentoring.enums import MatchStatus
from mentoring.tables import Match, MentorProfile


@dataclass(frozen=True)
class Loaded:
    """The problem plus what the web layer needs to name its parts."""

    hackathon: HackathonRow
    problem: rules.ScheduleProblem
    startup_of: dict[int, int] = field(default_factory=dict)  # application id -> startup id
    team_names: dict[int, str] = field(default_factory=dict)
    room_names: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)  # user id -> name (judges and mentors)


def _windows(stored: list[list[str]] | None, zone: ZoneInfo) -> rules.Availability:
    if stored is None:
        return None
    return tuple(
        rules.Window(datetime.fromisoformat(a).astimezone(zone), datetime.fromisoformat(b).astimezone(zone))
        for a, b in stored
    )


def _wall(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The wall-clock minute of a day in a zone (1440: the next midnight), as an instant."""
    extra, minute = divmod(minute, 24 * 60)
    return datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60), zone)


def weekly_windows(
    event: rules.Hackathon, weekly: Sequence[Sequence[int]], timezone: str, blackout_dates: Sequence[str] = ()
) -> rules.Availability:
    """A mentor's weekly hours ([[weekday 0=Mon, start minute, end minute], ...] in their own zone),
    less their blackout dates, as windows on the hackathon's days in its zone.

    No hours and no blackout dates: None, the whole event. Hours that miss the event: (), never.
    """
    try:
        zone = ZoneInfo(timezone or event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(event.timezone)
    spans = [
        (int(w[0]), int(w[1]), int(w[2]))
        for w in weekly
        if len(w) == 3 and 0 <= int(w[0]) <= 6 and 0 <= int(w[1]) < int(w[2]) <= 24 * 60
    ]
    blackout = set()
    for text in blackout_dates:
        try:
            blackout.add(date.fromisoformat(str(text)))
        except ValueError:
            continue
    if not spans:
        if not blackout:
            return None
        spans = [(weekday, 0, 24 * 60) for weekday in range(7)]
    start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    pieces: list[tuple[datetime, datetime]] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        if day in blackout:
            continue
        for weekday, a, b in spans:
            if weekday != day.weekday():
                continue
            lo = max(_wall(day, a, zone).astimezone(UTC), start)
            hi = min(_wall(day, b, zone).astimezone(UTC), end)
            if lo < hi:
                pieces.append((lo, hi))
    merged: list[list[datetime]] = []
    for lo, hi in sorted(pieces):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    shown = ZoneInfo(event.timezone)
    return tuple(rules.Window(lo.astimezone(shown), hi.astimezone(shown)) for lo, hi in merged)


def timing_of(hackathon: HackathonRow) -> rules.Timing:
    return rules.Timing(
        slot_minutes=hackathon.slot_minutes,
        pitch_minutes=hackathon.pitch_minutes,
        office_hours_minutes=hackathon.office_hours_minutes,
        panel_sitting_minutes=hackathon.panel_sitting_minutes,
        panel_pause_minutes=hackathon.panel_pause_minutes,
        buffer_minutes=hackathon.buffer_minutes,
    )


def event_of(hackathon: HackathonRow) -> rules.Hackathon:
    zone = ZoneInfo(hackathon.timezone)
    return rules.Hackathon(
        name=hackathon.name,
        venue=hackathon.venue,
        start=hackathon.starts_at.astimezone(zone),
        end=hackathon.ends_at.astimezone(zone),
        timezone=hackathon.timezone,
    )


@dataclass(frozen=True)
class _Applications:
    """The edition's teams as the other domains hold them: startups, sizes, mentors, conflicts."""

    rows: list[dict[str, Any]]
    members: dict[int, int]  # startup id -> members in the edition
    mentor_of: dict[int, int]  # application id -> the mentor of its first published match
    mentors_of: dict[int, set[int]]  # application id -> every mentor of its published matches
    conflicts: dict[int, set[int]]  # application id -> judges who declared a conflict
    mentor_names: dict[int, str]


async def _applications(edition_id: int) -> _Applications:
    applications = await (
        Application.select(Application.id, Application.startup, Application.startup.name.as_alias("startup_name"))
        .where(Application.edition == edition_id, Application.status.is_in(list(TEAM_STATUSES)))
        .order_by(Application.id)
    )
    ids = [a["id"] for a in applications]
    members: dict[int, int] = defaultdict(int)
    matches: list[dict[str, Any]] = []
    declared: list[dict[str, Any]] = []
    if ids:
        for row in await StartupMember.select(StartupMember.startup).where(
            StartupMember.edition == edition_id, StartupMember.startup.is_in([a["startup"] for a in applications])
        ):
            members[row["startup"]] += 1
        matches = await (
            Match.select(Match.application, Match.mentor, Match.mentor.name.as_alias("mentor_name"))
            .where(Match.edition == edition_id, Match.status == MatchStatus.PUBLISHED, Match.application.is_in(ids))
            .order_by(Match.id)
        )
        declared = await DeclaredConflict.select(DeclaredConflict.judge, DeclaredConflict.application).where(
            DeclaredConflict.application.is_in(ids)
        )
    found = _Applications(applications, members, {}, defaultdict(set), defaultdict(set), {})
    for match in matches:
        found.mentor_of.setdefault(match["application"], match["mentor"])
        found.mentors_of[match["application"]].add(match["mentor"])
        found.mentor_names[match["mentor"]] = match["mentor_name"]
    for row in declared:
        found.conflicts[row["application"]].add(row["judge"])
    return found


def _teams(hackathon: HackathonRow, found: _Applications, judge_ids: set[int]) -> tuple[rules.Team, ...]:
    """Each team's pitches and office hours; judges who conflict with it or mentor it never hear it."""
    return tuple(
        rules.Team(
            id=a["id"],
            name=a["startup_name"],
            members=max(1, found.members[a["startup"]]),
            pitches=hackathon.pitches_per_team,
            mentor_id=found.mentor_of.get(a["id"]),
            office_hours=hackathon.office_hours_per_team if a["id"] in found.mentor_of else 0,
            conflicts=frozenset((found.conflicts[a["id"]] | found.mentors_of[a["id"]]) & judge_ids),
        )
        for a in found.rows
    )


async def _mentors(
    event: rules.Hackathon, edition_id: int, mentor_ids: list[int], names: dict[int, str]
) -> tuple[rules.Mentor, ...]:
    """The teams' mentors with the hours of their profiles, as windows on the hackathon's days."""
    profiles = {
        p["user"]: p
        for p in await MentorProfile.select(
            MentorProfile.user, MentorProfile.timezone, MentorProfile.availability, MentorProfile.blackout_dates
        )
        .where(MentorProfile.edition == edition_id, MentorProfile.user.is_in(mentor_ids or [0]))
        .output(load_json=True)
    }
    return tuple(
        rules.Mentor(
            id=m,
            name=names[m],
            available=weekly_windows(
                event,
                profiles[m]["availability"] or [],
                profiles[m]["timezone"],
                profiles[m]["blackout_dates"] or [],
            )
            if m in profiles
            else None,
        )
        for m in mentor_ids
    )


def _panels(panels: list[PanelRow], judge_ids: set[int]) -> tuple[rules.Panel, ...]:
    """The panels with the judges still judging in the edition; a panel left without any is dropped."""
    kept = []
    for panel in panels:
        sitting = tuple(j for j in panel.judge_ids if j in judge_ids)
        if sitting:
            kept.append(rules.Panel(id=panel.id, name=panel.name, judge_ids=sitting))
    return tuple(kept)


def _fixed(sessions: list[FixedSessionRow], zone: ZoneInfo) -> tuple[rules.FixedSession, ...]:
    return tuple(
        rules.FixedSession(
            id=row.id,
            kind=FixedKind(row.kind).session_kind,
            title=row.title,
            start=row.starts_at.astimezone(zone),
            end=row.ends_at.astimezone(zone),
            room_id=row.room,
            everyone=row.everyone,
        )
        for row in sessions
    )


async def load_problem(hackathon: HackathonRow) -> Loaded:
    """The schedule problem of the hackathon, with the names the web layer shows its parts by."""
    edition_id = hackathon.edition
    zone = ZoneInfo(hackathon.timezone)
    event = event_of(hackathon)
    found = await _applications(edition_id)
    judges = await judges_of(edition_id)
    people = {**found.mentor_names, **{j.id: j.name for j in judges}}
    judge_ids = {j.id for j in judges}
    rooms = await rooms_of(hackathon.id)
    problem = rules.ScheduleProblem(
        hackathon=event,
        rooms=tuple(
            rules.Room(id=r.id, name=r.name, capacity=r.capacity, available=_windows(r.availability, zone))
            for r in rooms
        ),
        teams=_teams(hackathon, found, judge_ids),
        mentors=await _mentors(event, edition_id, sorted(set(found.mentor_of.values())), people),
        judges=tuple(rules.Judge(id=j.id, name=j.name) for j in judges),
        panels=_panels(await panels_of(hackathon.id), judge_ids),
        fixed=_fixed(await sessions_of(hackathon.id), zone),
        timing=timing_of(hackathon),
    )
    return Loaded(
        hackathon=hackathon,
        problem=problem,
        startup_of={a["id"]: a["startup"] for a in found.rows},
        team_names={a["id"]: a["startup_name"] for a in found.rows},
        room_names={r.id: r.name for r in rooms},
        people=people,
    )


def as_rule_item(row: ScheduleItemRow, zone: ZoneInfo) -> rules.ScheduleItem:
    return rules.ScheduleItem(
        id=row.ref,
        kind=SessionKind(row.kind),
        start=row.starts_at.astimezone(zone),
        end=row.ends_at.astimezone(zone),
        room_id=row.room,
        team_ids=tuple(row.team_ids),
        judge_ids=tuple(row.judge_ids),
        mentor_ids=tuple(row.mentor_ids),
        panel_id=row.panel,
        block_id=row.block_ref,
        everyone=row.everyone,
        title=row.title,
    )


def stored_violation(violation: checker.Violation) -> StoredViolation:
    return StoredViolation(
        type=violation.type.value,
        severity=violation.severity.value,
        message=violation.message,
        params={k: str(v) if not isinstance(v, int) else v for k, v in violation.params.items()},
        target=(violation.target[0].value, violation.target[1]),
        item_ids=list(violation.item_ids),
    )


def message(stored: StoredViolation | StoredUnplaced, timezone: str | None = None) -> str:
    """A stored violation or unplaced note in the reader's language, its `time` in the one date style."""
    params = dict(stored.params)
    if isinstance(params.get("time"), str):
        # Written before times were stored as instants: shown as it was written.
        with suppress(ValueError):
            params["time"] = format_datetime(datetime.fromisoformat(params["time"]), timezone)
    return _(stored.message) % params


async def check_current(loaded: Loaded) -> list[StoredViolation]:
    """The checker on the schedule as it stands (after hand edits), as a run stores its findings."""
    zone = ZoneInfo(loaded.hackathon.timezone)
    items = [as_rule_item(row, zone) for row in await stored_items(loaded.hackathon.id)]
    return [stored_violation(v) for v in checker.check_schedule(loaded.problem, items)]
