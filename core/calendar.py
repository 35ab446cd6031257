"""Personal calendar feeds: each domain contributes events; one secret URL per person (RFC 5545).

The URL's token is an HMAC of the user id and a version, so no secret is stored: rotating the
feed bumps the version and every old URL stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

from core import db
from core.clock import utc_now
from core.settings import get_settings
from core.tables import CalendarFeed


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    # Bumped whenever the event changes, so calendar clients take the new version (RFC 5545 SEQUENCE).
    sequence: int = 0


CalendarSource = Callable[[int], Awaitable[list[CalendarEvent]]]
_sources: list[CalendarSource] = []


def register_calendar_source(source: CalendarSource) -> None:
    """Domains add what belongs in a person's calendar (mentoring sessions, pitches...)."""
    if source not in _sources:
        _sources.append(source)


async def _version(user_id: int) -> int:
    row = await CalendarFeed.select(CalendarFeed.version).where(CalendarFeed.user == user_id).first()
    return row["version"] if row else 0


def _sign(user_id: int, version: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"calendar:{user_id}:{version}".encode(), hashlib.sha256).hexdigest()[:32]


async def feed_token(user_id: int) -> str:
    return f"{user_id}-{_sign(user_id, await _version(user_id))}"


async def rotate_feed(user_id: int) -> str:
    async with db.transaction():
        version = await _version(user_id) + 1
        if await CalendarFeed.exists().where(CalendarFeed.user == user_id):
            await CalendarFeed.update({CalendarFeed.version: version}).where(CalendarFeed.user == user_id)
        else:
            await CalendarFeed.insert(CalendarFeed(user=user_id, version=version))
    return await feed_token(user_id)


async def user_for_token(token: str) -> int | None:
    user_part, _, signature = token.removesuffix(".ics").partition("-")
    if not user_part.isdigit():
        return None
    user_id = int(user_part)
    expected = _sign(user_id, await _version(user_id))
    return user_id if hmac.compare_digest(expected, signature) else None


async def events_for(user_id: int) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    for source in _sources:
        events.extend(await source(user_id))
    return sorted(events, key=lambda e: (e.starts_at, e.uid))


def to_ics(events: list[CalendarEvent], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Smart Challenge platform//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = utc_now()
    host = get_settings().base_url.split("://")[-1].split("/")[0] or "localhost"
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
