"""Published schedules: the public one (by day, room or team), a person's own, and the JSON API's."""

from __future__ import annotations

from typing import Any

import msgspec

from core.auth import CurrentUser
from hackathon.queries.hackathons import visible_hackathon
from hackathon.queries.items import ScheduleItemView, decorated_items, grouped, item_out
from hackathon.queries.teams import applications_of_user
from hackathon.records import HackathonRow
from hackathon.schemas import ScheduleOut
from judging.queries import blind

VIEWS = ("day", "room", "team")


async def public_schedule(hackathon_id: int, *, viewer: CurrentUser | None, view: str) -> dict[str, Any]:
    hackathon = await visible_hackathon(hackathon_id, viewer)
    view = view if view in VIEWS else "day"
    rows = await decorated_items(hackathon)
    return {"hackathon": hackathon, "view": view, "views": VIEWS, "groups": grouped(rows, view)}


def _role_in(row: ScheduleItemView, user_id: int, applications: list[int]) -> str | None:
    if set(row.team_ids) & set(applications):
        return "team"
    if user_id in row.mentor_ids:
        return "mentor"
    if user_id in row.judge_ids:
        return "judge"
    if row.everyone:
        return "everyone"
    return None


async def personal_items(hackathon: HackathonRow, user_id: int) -> list[ScheduleItemView]:
    """The items a person takes part in: as a team member, a mentor or a judge (plenary items too)."""
    applications = await applications_of_user(user_id, hackathon.edition)
    mine = []
    for row in await decorated_items(hackathon):
        role = _role_in(row, user_id, applications)
        if role is not None:
            mine.append(await _as_judge_sees(msgspec.structs.replace(row, role=role), user_id))
    return mine


async def _as_judge_sees(row: ScheduleItemView, user_id: int) -> ScheduleItemView:
    """A judge's item names no team the judge has in a blind round (judging.queries.blind)."""
    if row.role != "judge" or not row.team_ids:
        return row
    return msgspec.structs.replace(
        row,
        team_names=await blind.names_for_judge(user_id, row.team_ids, row.team_names),
        title=await blind.text_for_judge(user_id, row.team_ids, row.title),
    )


async def personal_schedule(hackathon_id: int, *, user: CurrentUser) -> dict[str, Any]:
    hackathon = await visible_hackathon(hackathon_id, user)
    return {"hackathon": hackathon, "items": await personal_items(hackathon, user.id)}


async def api_schedule(hackathon_id: int, *, viewer: CurrentUser | None) -> ScheduleOut:
    hackathon = await visible_hackathon(hackathon_id, viewer)
    return ScheduleOut(
        id=hackathon.id,
        name=hackathon.name,
        venue=hackathon.venue,
        timezone=hackathon.timezone,
        starts_at=hackathon.starts_at,
        ends_at=hackathon.ends_at,
        status=hackathon.status,
        items=[item_out(row) for row in await decorated_items(hackathon)],
    )
