"""Read side of hackathon schedules: the public views, a person's own schedule, iCal and the JSON API."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from challenge.tables import Application, StartupMember
from core.auth import CurrentUser
from core.calendar import CalendarEvent, to_ics
from core.errors import NotFound
from core.i18n import gettext as _
from core.i18n import label
from core.rules import N_
from core.settings import get_settings
from core.tables import User
from hackathon.enums import SessionKind
from hackathon.services.problem import TEAM_STATUSES, stored_items
from hackathon.services.setup import is_published, load_hackathon
from hackathon.tables import Hackathon, HackathonStatus, Room

VIEWS = ("day", "room", "team")


async def visible_hackathon(hackathon_id: int, viewer: CurrentUser | None) -> dict[str, Any]:
    """A published hackathon, or a draft for organisers (a preview); others get 404."""
    hackathon = await load_hackathon(hackathon_id)
    if not is_published(hackathon) and not (viewer and viewer.is_organiser):
        raise NotFound(N_("This hackathon's schedule is not published yet."))
    return hackathon


async def decorated_items(hackathon: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored items with the names of their room, teams and people, and local times."""
    rows = await stored_items(hackathon["id"])
    rooms = {r["id"]: r["name"] for r in await Room.select(Room.id, Room.name).where(Room.hackathon == hackathon["id"])}
    team_ids = sorted({t for row in rows for t in row["team_ids"]})
    user_ids = sorted({u for row in rows for u in (*row["judge_ids"], *row["mentor_ids"])})
    teams = (
        {
            a["id"]: a["name"]
            for a in await Application.select(Application.id, Application.startup.name.as_alias("name")).where(
                Application.id.is_in(team_ids)
            )
        }
        if team_ids
        else {}
    )
    people = (
        {u["id"]: u["name"] for u in await User.select(User.id, User.name).where(User.id.is_in(user_ids))}
        if user_ids
        else {}
    )
    zone = ZoneInfo(hackathon["timezone"])
    for row in rows:
        row["room_name"] = rooms.get(row["room"], "") if row["room"] else ""
        row["team_names"] = [teams.get(t, "?") for t in row["team_ids"]]
        row["judge_names"] = [people.get(u, "?") for u in row["judge_ids"]]
        row["mentor_names"] = [people.get(u, "?") for u in row["mentor_ids"]]
        row["local_start"] = row["starts_at"].astimezone(zone)
        row["local_end"] = row["ends_at"].astimezone(zone)
        row["kind_label"] = label(row["kind"], "SessionKind")
    return rows


def grouped(rows: list[dict[str, Any]], view: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """The items by day (local date), by room or by team, each group in time order."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if view == "room":
            groups[row["room_name"] or _("No room")].append(row)
        elif view == "team":
            for name in row["team_names"]:
                groups[name].append(row)
        else:
            groups[row["local_start"].date().isoformat()].append(row)
    return [(key, sorted(groups[key], key=lambda r: (r["starts_at"], r["room_name"]))) for key in sorted(groups)]


async def public_schedule(hackathon_id: int, *, viewer: CurrentUser | None, view: str) -> dict[str, Any]:
    hackathon = await visible_hackathon(hackathon_id, viewer)
    view = view if view in VIEWS else "day"
    rows = await decorated_items(hackathon)
    return {"hackathon": hackathon, "view": view, "views": VIEWS, "groups": grouped(rows, view)}


async def applications_of_user(user_id: int, edition_id: int) -> list[int]:
    """The person's team(s) in the edition that take part in hackathons."""
    startups = [
        r["startup"]
        for r in await StartupMember.select(StartupMember.startup).where(
            StartupMember.user == user_id, StartupMember.edition == edition_id
        )
    ]
    if not startups:
        return []
    return [
        r["id"]
        for r in await Application.select(Application.id).where(
            Application.edition == edition_id,
            Application.startup.is_in(startups),
            Application.status.is_in(list(TEAM_STATUSES)),
        )
    ]


def _role_in(row: dict[str, Any], user_id: int, applications: list[int]) -> str | None:
    if set(row["team_ids"]) & set(applications):
        return "team"
    if user_id in row["mentor_ids"]:
        return "mentor"
    if user_id in row["judge_ids"]:
        return "judge"
    if row["everyone"]:
        return "everyone"
    return None


async def personal_items(hackathon: dict[str, Any], user_id: int) -> list[dict[str, Any]]:
    """The items a person takes part in: as a team member, a mentor or a judge (plenary items too)."""
    applications = await applications_of_user(user_id, hackathon["edition"])
    mine = []
    for row in await decorated_items(hackathon):
        role = _role_in(row, user_id, applications)
        if role is not None:
            row["role"] = role
            mine.append(row)
    return mine


async def personal_schedule(hackathon_id: int, *, user: CurrentUser) -> dict[str, Any]:
    hackathon = await visible_hackathon(hackathon_id, user)
    return {"hackathon": hackathon, "items": await personal_items(hackathon, user.id)}


def _event(row: dict[str, Any], hackathon: dict[str, Any], url: str) -> CalendarEvent:
    people = ", ".join(row["team_names"] + row["judge_names"] + row["mentor_names"])
    return CalendarEvent(
        uid=f"hackathon-item-{row['id']}",
        summary=f"{row['kind_label']}: {row['title']}" if row["title"] else row["kind_label"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        description=people,
        location=", ".join(part for part in (row["room_name"], hackathon["venue"]) if part),
        url=url,
        sequence=row["version"],
    )


async def hackathon_ics(hackathon_id: int, *, viewer: CurrentUser | None) -> bytes:
    """The whole schedule as an RFC 5545 calendar."""
    hackathon = await visible_hackathon(hackathon_id, viewer)
    url = f"{get_settings().base_url}/hackathons/{hackathon_id}"
    events = [_event(row, hackathon, url) for row in await decorated_items(hackathon)]
    return to_ics(events, name=hackathon["name"])


async def calendar_events(user_id: int) -> list[CalendarEvent]:
    """A person's items of every published hackathon, for the personal feed (a judge's pitches
    are left out: the panel sitting covers them)."""
    base = get_settings().base_url
    events: list[CalendarEvent] = []
    for hackathon in await Hackathon.select().where(Hackathon.status == HackathonStatus.PUBLISHED):
        for row in await personal_items(hackathon, user_id):
            if row["role"] == "judge" and row["kind"] == SessionKind.PITCH:
                continue
            events.append(_event(row, hackathon, f"{base}/hackathons/{hackathon['id']}/mine"))
    return events


def item_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ref": row["ref"],
        "kind": row["kind"],
        "title": row["title"],
        "room_id": row["room"],
        "room": row["room_name"],
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "team_ids": row["team_ids"],
        "teams": row["team_names"],
        "judge_ids": row["judge_ids"],
        "mentor_ids": row["mentor_ids"],
        "panel_id": row["panel"],
        "block_ref": row["block_ref"],
        "version": row["version"],
    }


async def api_schedule(hackathon_id: int, *, viewer: CurrentUser | None) -> dict[str, Any]:
    hackathon = await visible_hackathon(hackathon_id, viewer)
    return {
        "id": hackathon["id"],
        "name": hackathon["name"],
        "venue": hackathon["venue"],
        "timezone": hackathon["timezone"],
        "starts_at": hackathon["starts_at"],
        "ends_at": hackathon["ends_at"],
        "status": hackathon["status"],
        "items": [item_out(row) for row in await decorated_items(hackathon)],
    }


def local_input(moment: datetime, timezone: str) -> str:
    """A `datetime-local` value in the hackathon's zone."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None).isoformat(timespec="minutes")
