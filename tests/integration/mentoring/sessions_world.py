"""The world the mentoring-session tests share: a mentor in New York, a team in Belgrade, their match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from httpx import Response

from challenge.tables import Application, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.tables import OutboxMessage
from mentoring.enums import MatchStatus
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile
from tests.factories import make_edition, make_startup
from tests.web import WebClient

MENTOR_ZONE = "America/New_York"
EDITION_ZONE = "Europe/Belgrade"
# 09:00-17:00 every day, in the mentor's zone.
HOURS = [[day, 9 * 60, 17 * 60] for day in range(7)]


@dataclass
class World:
    edition: dict
    mentor: WebClient
    member: WebClient
    startup: dict
    match_id: int


def day_ahead(days_ahead: int = 8) -> date:
    return (utc_now().astimezone(ZoneInfo(MENTOR_ZONE)) + timedelta(days=days_ahead)).date()


def local_time(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def instant(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(MENTOR_ZONE))


async def make_mentor(
    logged_in, edition: dict, *, name: str = "Mira Mentor", capacity: int = 2, blackout=()
) -> WebClient:
    client: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"], name=name)
    await MentorProfile.insert(
        MentorProfile(
            user=client.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{client.user['id']}",
            timezone=MENTOR_ZONE,
            availability=HOURS,
            blackout_dates=list(blackout),
            capacity=capacity,
            expertise=["iot"],
            languages=["en"],
        )
    )
    return client


async def make_team(logged_in, edition: dict, name: str = "AgroSense") -> tuple[WebClient, dict]:
    startup = await make_startup(name=name)
    member: WebClient = await logged_in(
        Role.STARTUP, edition_id=edition["id"], organisation_id=startup["id"], name=f"{name} founder"
    )
    await StartupMember.insert(
        StartupMember(
            startup=startup["id"],
            user=member.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{member.user['id']}",
            is_contact=True,
        )
    )
    return member, startup


async def make_match(edition: dict, mentor: WebClient, startup: dict, status: str = MatchStatus.PUBLISHED) -> int:
    existing = await Application.select(Application.id).where(Application.startup == startup["id"]).first()
    application = (
        existing["id"]
        if existing
        else (
            await Application.insert(
                Application(
                    edition=edition["id"],
                    startup=startup["id"],
                    track="smart_rural",
                    status="accepted",
                    active_key=f"{edition['id']}:{startup['id']}:smart_rural",
                )
            ).returning(Application.id)
        )[0]["id"]
    )
    return (
        await Match.insert(
            Match(
                edition=edition["id"],
                mentor=mentor.user["id"],
                application=application,
                startup=startup["id"],
                status=status,
                key=f"{mentor.user['id']}:{application}",
                published_at=utc_now(),
            )
        ).returning(Match.id)
    )[0]["id"]


async def make_world(logged_in, **mentor_fields) -> World:
    edition = await make_edition()
    mentor = await make_mentor(logged_in, edition, **mentor_fields)
    member, startup = await make_team(logged_in, edition)
    return World(edition, mentor, member, startup, await make_match(edition, mentor, startup))


async def offer_slot(mentor: WebClient, edition: dict, day: date, start: int, end: int, **extra) -> Response:
    form = {
        "edition_id": edition["id"],
        "starts_at": local_time(day, start),
        "ends_at": local_time(day, end),
        "location": "Science Park, room 4",
        **extra,
    }
    return await mentor.post_form("/mentor/sessions/slots", form)


async def offered_slot(mentor: WebClient, edition: dict, day: date, start: int, end: int) -> int:
    response = await offer_slot(mentor, edition, day, start, end)
    assert response.status_code == 302, response.text[:500]
    row = await MentoringSlot.select(MentoringSlot.id).order_by(MentoringSlot.id, ascending=False).first()
    return row["id"]


async def book_slot(member: WebClient, match_id: int, slot_id: int) -> Response:
    return await member.post_form("/startup/mentoring/book", {"match_id": match_id, "slot_id": slot_id})


async def booked_session(world: World, slot_id: int) -> dict:
    response = await book_slot(world.member, world.match_id, slot_id)
    assert response.status_code == 302, response.text[:500]
    return await MentoringSession.select().where(MentoringSession.active_key == str(slot_id)).first()


async def move_session_to(session: dict, starts_at: datetime) -> None:
    """Put a booked session (and its slot) at another time, as if the clock had moved on."""
    ends_at = starts_at + timedelta(hours=1)
    await MentoringSession.update({MentoringSession.starts_at: starts_at, MentoringSession.ends_at: ends_at}).where(
        MentoringSession.id == session["id"]
    )
    await MentoringSlot.update({MentoringSlot.starts_at: starts_at, MentoringSlot.ends_at: ends_at}).where(
        MentoringSlot.id == session["slot"]
    )


async def queued_mails(subject_start: str) -> list[dict]:
    rows = await OutboxMessage.select().order_by(OutboxMessage.id)
    return [row for row in rows if row["subject"].startswith(subject_start)]
