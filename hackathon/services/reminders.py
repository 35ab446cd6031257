""" "Your pitch is in 30 minutes": mailed to each team member once, even after downtime.

The job looks back as well as ahead: a pitch that started less than `LOOK_BACK` ago and was
not reminded yet (the server was down when its reminder fell due) still gets its mail, once,
because each mail carries a `once_key` per pitch and person.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core import db
from core.i18n import format_datetime
from core.i18n import gettext as _
from core.mail import queue_mail
from hackathon.enums import SessionKind
from hackathon.queries.hackathons import load_hackathon
from hackathon.records import ScheduleItemRow, to_all
from hackathon.services.editing import people_of
from hackathon.services.problem import Loaded, load_problem
from hackathon.tables import HackathonStatus, Room, ScheduleItem

LEAD = timedelta(minutes=30)
LOOK_BACK = timedelta(minutes=10)


async def send_pitch_reminders(*, now: datetime) -> int:
    """Queue the reminders of pitches starting within `LEAD`, or started within `LOOK_BACK`."""
    due = await (
        ScheduleItem.select(*ScheduleItem.all_columns())
        .where(
            ScheduleItem.kind == SessionKind.PITCH,
            ScheduleItem.hackathon.status == HackathonStatus.PUBLISHED,
            ScheduleItem.starts_at > now - LOOK_BACK,
            ScheduleItem.starts_at <= now + LEAD,
        )
        .order_by(ScheduleItem.starts_at)
        .output(load_json=True)
    )
    queued = 0
    loaded_by_hackathon: dict[int, Loaded] = {}
    for item in to_all(due, ScheduleItemRow):
        hackathon_id = item.hackathon
        if hackathon_id not in loaded_by_hackathon:
            loaded_by_hackathon[hackathon_id] = await load_problem(await load_hackathon(hackathon_id))
        loaded = loaded_by_hackathon[hackathon_id]
        hackathon = loaded.hackathon
        zone = hackathon.timezone
        room = await Room.select(Room.name).where(Room.id == item.room).first() if item.room else None
        async with db.transaction():
            for person in await people_of(item, loaded, with_judges=False):
                queued += await queue_mail(
                    to=person.email,
                    subject=_("Your pitch starts at %(time)s")
                    % {"time": format_datetime(item.starts_at, zone, "time")},
                    template="hackathon_pitch_reminder",
                    once_key=f"hackathon-pitch-reminder:{item.id}:{person.id}",
                    name=person.name,
                    hackathon=hackathon,
                    when=f"{format_datetime(item.starts_at, zone)} ({ZoneInfo(zone).key})",
                    room=room["name"] if room else "",
                    link=f"/hackathons/{hackathon_id}/mine",
                )
    return queued
