"""Schedule items: as stored, and as pages show them (with the names of their room, teams and people)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from challenge.tables import Application
from core.i18n import gettext as _
from core.i18n import label
from core.tables import User
from hackathon.records import HackathonRow, ScheduleItemRow, to_all
from hackathon.schemas import ScheduleItemOut
from hackathon.tables import Room, ScheduleItem


def local_input(moment: datetime, timezone: str) -> str:
    """A `datetime-local` value in the hackathon's zone."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None).isoformat(timespec="minutes")


async def stored_items(hackathon_id: int) -> list[ScheduleItemRow]:
    rows = await (
        ScheduleItem.select()
        .where(ScheduleItem.hackathon == hackathon_id)
        .order_by(ScheduleItem.starts_at)
        .order_by(ScheduleItem.id)
        .output(load_json=True)
    )
    return to_all(rows, ScheduleItemRow)


class ScheduleItemView(ScheduleItemRow, frozen=True, kw_only=True):
    """An item as pages, feeds and the API show it; `role`: how a person takes part (personal schedules)."""

    room_name: str
    team_names: list[str]
    judge_names: list[str]
    mentor_names: list[str]
    local_start: datetime
    local_end: datetime
    kind_label: str
    # The move form's `datetime-local` value, in the hackathon's zone.
    start_input: str
    role: str | None = None


async def _names(
    rows: list[ScheduleItemRow], hackathon_id: int
) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """The names of the rooms, teams (application ids) and people (user ids) the items refer to."""
    rooms = {r["id"]: r["name"] for r in await Room.select(Room.id, Room.name).where(Room.hackathon == hackathon_id)}
    team_ids = sorted({t for row in rows for t in row.team_ids})
    user_ids = sorted({u for row in rows for u in (*row.judge_ids, *row.mentor_ids)})
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
    return rooms, teams, people


async def decorated_items(hackathon: HackathonRow) -> list[ScheduleItemView]:
    """The stored items with the names of their room, teams and people, and local times."""
    rows = await stored_items(hackathon.id)
    rooms, teams, people = await _names(rows, hackathon.id)
    zone = ZoneInfo(hackathon.timezone)
    return [
        ScheduleItemView(
            **msgspec.structs.asdict(row),
            room_name=rooms.get(row.room, "") if row.room else "",
            team_names=[teams.get(t, "?") for t in row.team_ids],
            judge_names=[people.get(u, "?") for u in row.judge_ids],
            mentor_names=[people.get(u, "?") for u in row.mentor_ids],
            local_start=row.starts_at.astimezone(zone),
            local_end=row.ends_at.astimezone(zone),
            kind_label=label(row.kind, "SessionKind"),
            start_input=local_input(row.starts_at, hackathon.timezone),
        )
        for row in rows
    ]


def grouped(rows: list[ScheduleItemView], view: str) -> list[tuple[str, list[ScheduleItemView]]]:
    """The items by day (local date), by room or by team, each group in time order."""
    groups: dict[str, list[ScheduleItemView]] = defaultdict(list)
    for row in rows:
        if view == "room":
            groups[row.room_name or _("No room")].append(row)
        elif view == "team":
            for name in row.team_names:
                groups[name].append(row)
        else:
            groups[row.local_start.date().isoformat()].append(row)
    return [(key, sorted(groups[key], key=lambda r: (r.starts_at, r.room_name))) for key in sorted(groups)]


def item_out(row: ScheduleItemView) -> ScheduleItemOut:
    return ScheduleItemOut(
        id=row.id,
        ref=row.ref,
        kind=row.kind,
        title=row.title,
        room_id=row.room,
        room=row.room_name,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        team_ids=row.team_ids,
        teams=row.team_names,
        judge_ids=row.judge_ids,
        mentor_ids=row.mentor_ids,
        panel_id=row.panel,
        block_ref=row.block_ref,
        version=row.version,
    )
