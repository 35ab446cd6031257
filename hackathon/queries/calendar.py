"""Hackathon schedules as calendars: the whole schedule's iCal file and a person's items for their feed."""

from __future__ import annotations

from core.auth import CurrentUser
from core.calendar import CalendarEvent, to_ics
from core.settings import get_settings
from hackathon.enums import SessionKind
from hackathon.queries.hackathons import published_hackathons, visible_hackathon
from hackathon.queries.items import ScheduleItemView, decorated_items
from hackathon.queries.schedules import personal_items
from hackathon.records import HackathonRow


def _event(row: ScheduleItemView, hackathon: HackathonRow, url: str) -> CalendarEvent:
    people = ", ".join(row.team_names + row.judge_names + row.mentor_names)
    return CalendarEvent(
        uid=f"hackathon-item-{row.id}",
        summary=f"{row.kind_label}: {row.title}" if row.title else row.kind_label,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        description=people,
        location=", ".join(part for part in (row.room_name, hackathon.venue) if part),
        url=url,
        sequence=row.version,
    )


async def hackathon_ics(hackathon_id: int, *, viewer: CurrentUser | None) -> bytes:
    """The whole schedule as an RFC 5545 calendar."""
    hackathon = await visible_hackathon(hackathon_id, viewer)
    url = f"{get_settings().base_url}/hackathons/{hackathon_id}"
    events = [_event(row, hackathon, url) for row in await decorated_items(hackathon)]
    return to_ics(events, name=hackathon.name)


async def calendar_events(user_id: int) -> list[CalendarEvent]:
    """A person's items of every published hackathon, for the personal feed (a judge's pitches
    are left out: the panel sitting covers them)."""
    base = get_settings().base_url
    events: list[CalendarEvent] = []
    for hackathon in await published_hackathons():
        for row in await personal_items(hackathon, user_id):
            if row.role == "judge" and row.kind == SessionKind.PITCH:
                continue
            events.append(_event(row, hackathon, f"{base}/hackathons/{hackathon.id}/mine"))
    return events
