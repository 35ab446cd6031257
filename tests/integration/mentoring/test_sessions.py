"""Mentoring slots and sessions over HTTP and through the services, on a real database."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from httpx import Response
from icalendar import Calendar

from challenge.tables import Application, StartupMember
from core.calendar import feed_token
from core.clock import utc_now
from core.enums import Role
from core.tables import OutboxMessage
from mentoring.enums import MatchStatus, SessionStatus, SlotStatus
from mentoring.services import sessions
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile
from tests.factories import make_edition, make_startup, set_timeline
from tests.web import WebClient, field_error

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


def _day(days_ahead: int = 8) -> date:
    return (utc_now().astimezone(ZoneInfo(MENTOR_ZONE)) + timedelta(days=days_ahead)).date()


def _local(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _instant(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(MENTOR_ZONE))


async def _mentor(logged_in, edition: dict, *, name: str = "Mira Mentor", capacity: int = 2, blackout=()) -> WebClient:
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


async def _team(logged_in, edition: dict, name: str = "AgroSense") -> tuple[WebClient, dict]:
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


async def _match(edition: dict, mentor: WebClient, startup: dict, status: str = MatchStatus.PUBLISHED) -> int:
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


async def _world(logged_in, **mentor_fields) -> World:
    edition = await make_edition()
    mentor = await _mentor(logged_in, edition, **mentor_fields)
    member, startup = await _team(logged_in, edition)
    return World(edition, mentor, member, startup, await _match(edition, mentor, startup))


async def _offer(mentor: WebClient, edition: dict, day: date, start: int, end: int, **extra) -> Response:
    form = {
        "edition_id": edition["id"],
        "starts_at": _local(day, start),
        "ends_at": _local(day, end),
        "location": "Science Park, room 4",
        **extra,
    }
    return await mentor.post_form("/mentor/sessions/slots", form)


async def _offered(mentor: WebClient, edition: dict, day: date, start: int, end: int) -> int:
    response = await _offer(mentor, edition, day, start, end)
    assert response.status_code == 302, response.text[:500]
    row = await MentoringSlot.select(MentoringSlot.id).order_by(MentoringSlot.id, ascending=False).first()
    return row["id"]


async def _book(member: WebClient, match_id: int, slot_id: int) -> Response:
    return await member.post_form("/startup/mentoring/book", {"match_id": match_id, "slot_id": slot_id})


async def _booked(world: World, slot_id: int) -> dict:
    response = await _book(world.member, world.match_id, slot_id)
    assert response.status_code == 302, response.text[:500]
    return await MentoringSession.select().where(MentoringSession.active_key == str(slot_id)).first()


async def _move_to(session: dict, starts_at: datetime) -> None:
    """Put a booked session (and its slot) at another time, as if the clock had moved on."""
    ends_at = starts_at + timedelta(hours=1)
    await MentoringSession.update({MentoringSession.starts_at: starts_at, MentoringSession.ends_at: ends_at}).where(
        MentoringSession.id == session["id"]
    )
    await MentoringSlot.update({MentoringSlot.starts_at: starts_at, MentoringSlot.ends_at: ends_at}).where(
        MentoringSlot.id == session["slot"]
    )


async def _mails(subject_start: str) -> list[dict]:
    rows = await OutboxMessage.select().order_by(OutboxMessage.id)
    return [row for row in rows if row["subject"].startswith(subject_start)]


async def test_a_mentor_offers_a_slot_and_the_startup_books_it_in_both_time_zones(logged_in) -> None:
    world = await _world(logged_in)
    day = _day()

    slot_id = await _offered(world.mentor, world.edition, day, 10, 11)
    page = (await world.member.get("/startup/mentoring")).text
    session = await _booked(world, slot_id)

    start, end = _instant(day, 10), _instant(day, 11)
    slot = await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()
    assert (slot["starts_at"], slot["ends_at"], slot["status"]) == (start, end, SlotStatus.BOOKED)
    assert sessions.when(start, end, EDITION_ZONE) in page and sessions.when(start, end, MENTOR_ZONE) in page
    assert (session["status"], session["startup"], session["booked_by"]) == (
        SessionStatus.BOOKED,
        world.startup["id"],
        world.member.user["id"],
    )
    mails = {m["to_address"]: m for m in await _mails("Mentoring session booked")}
    assert set(mails) == {world.mentor.user["email"], world.member.user["email"]}
    assert sessions.when(start, end, MENTOR_ZONE) in mails[world.mentor.user["email"]]["body_text"]
    assert sessions.when(start, end, EDITION_ZONE) in mails[world.member.user["email"]]["body_text"]
    assert "Science Park, room 4" in mails[world.member.user["email"]]["body_text"]
    mentor_page = (await world.mentor.get("/mentor/sessions")).text
    assert "AgroSense" in mentor_page and sessions.when(start, end, MENTOR_ZONE) in mentor_page


async def test_the_mentor_sees_their_weekly_hours_and_the_mentoring_period_before_offering(logged_in) -> None:
    world = await _world(logged_in)
    opens = datetime(2027, 3, 1, 9, tzinfo=ZoneInfo(EDITION_ZONE))
    await set_timeline(world.edition["id"], mentoring=opens, hackathon=opens + timedelta(days=30))
    without = await _mentor(logged_in, await make_edition(), name="Nina Newcomer")
    await MentorProfile.update({MentorProfile.availability: []}).where(MentorProfile.user == without.user["id"])

    page = (await world.mentor.get("/mentor/sessions")).text
    empty = (await without.get("/mentor/sessions")).text

    assert "Your weekly hours:" in page
    assert "<li>Monday: 09:00-17:00</li>" in page and "<li>Sunday: 09:00-17:00</li>" in page
    period = "Mon 1 Mar 2027, 09:00 CET to Wed 31 Mar 2027, 09:00 CEST (Europe/Belgrade)"
    assert f"Mentoring in this edition runs from {period}." in page
    assert "Your profile offers no weekly hours yet" in empty and "Your weekly hours:" not in empty
    profile = await MentorProfile.select(MentorProfile.edition).where(MentorProfile.user == without.user["id"]).first()
    assert f'href="/mentor/editions/{profile["edition"]}/profile"' in empty


async def test_a_slot_outside_the_mentors_hours_or_on_a_day_off_is_refused(logged_in) -> None:
    day = _day()
    world = await _world(logged_in, blackout=[_day(9).isoformat()])
    await _offered(world.mentor, world.edition, day, 10, 11)

    late = await _offer(world.mentor, world.edition, day, 16, 18)
    day_off = await _offer(world.mentor, world.edition, _day(9), 10, 11)
    short = await world.mentor.post_form(
        "/mentor/sessions/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": _local(day, 12),
            "ends_at": _local(day, 12, 10),
            "location": "",
        },
    )
    overlapping = await _offer(world.mentor, world.edition, day, 10, 12)
    past = await _offer(world.mentor, world.edition, _day(-2), 10, 11)

    assert [r.status_code for r in (late, day_off, short, overlapping, past)] == [422] * 5
    weekday = _instant(day, 10).strftime("%A")
    assert (
        field_error(late.text, "starts_at") == f"This is outside your hours on {weekday} (09:00-17:00, {MENTOR_ZONE})."
    )
    assert field_error(day_off.text, "starts_at") == f"You marked {_day(9).isoformat()} as a day off in your profile."
    assert field_error(short.text, "ends_at") == "A slot lasts from 15 minutes to 4 hours."
    assert field_error(short.text, "location") == "Say where you meet: an address or a video-call link."
    assert field_error(overlapping.text, "starts_at").startswith("You already offer a slot that overlaps this time")
    assert field_error(past.text, "starts_at") == "Choose a time in the future."
    assert f'value="{_local(day, 16)}"' in late.text  # the input is kept
    assert await MentoringSlot.count() == 1


async def test_booking_a_slot_no_longer_within_the_mentors_hours_is_refused_with_422(logged_in) -> None:
    world = await _world(logged_in)
    slot_id = await _offered(world.mentor, world.edition, _day(), 10, 11)
    await MentorProfile.update({MentorProfile.availability: [[d, 13 * 60, 17 * 60] for d in range(7)]}).where(
        MentorProfile.user == world.mentor.user["id"]
    )

    response = await _book(world.member, world.match_id, slot_id)

    assert response.status_code == 422
    assert "This time is no longer within the mentor" in response.text
    assert await MentoringSession.count() == 0


async def test_booking_a_taken_slot_is_refused_with_409(logged_in) -> None:
    world = await _world(logged_in)
    rival, rival_startup = await _team(logged_in, world.edition, "ParkPulse")
    rival_match = await _match(world.edition, world.mentor, rival_startup)
    slot_id = await _offered(world.mentor, world.edition, _day(), 10, 11)

    first = await _book(world.member, world.match_id, slot_id)
    second = await _book(rival, rival_match, slot_id)

    assert (first.status_code, second.status_code) == (302, 409)
    assert "Someone booked this slot a moment ago" in second.text
    assert [s["startup"] for s in await MentoringSession.select()] == [world.startup["id"]]


async def test_a_proposed_match_or_another_teams_match_cannot_book(logged_in) -> None:
    world = await _world(logged_in)
    stranger, stranger_startup = await _team(logged_in, world.edition, "Stranger")
    proposed = await _match(world.edition, world.mentor, stranger_startup, status=MatchStatus.PROPOSED)
    slot_id = await _offered(world.mentor, world.edition, _day(), 10, 11)

    unpublished = await _book(stranger, proposed, slot_id)
    not_theirs = await _book(stranger, world.match_id, slot_id)

    assert (unpublished.status_code, not_theirs.status_code) == (404, 404)
    assert await MentoringSession.count() == 0


async def test_double_booking_of_either_side_is_refused(logged_in) -> None:
    world = await _world(logged_in)
    other_mentor = await _mentor(logged_in, world.edition, name="Other Mentor")
    other_match = await _match(world.edition, other_mentor, world.startup)
    rival, rival_startup = await _team(logged_in, world.edition, "ParkPulse")
    rival_match = await _match(world.edition, world.mentor, rival_startup)
    day = _day()
    slot_id = await _offered(world.mentor, world.edition, day, 10, 11)
    overlapping = await _offered(other_mentor, world.edition, day, 10, 12)
    await _booked(world, slot_id)

    team_twice = await _book(world.member, other_match, overlapping)
    same_again = await _book(world.member, world.match_id, slot_id)
    mentor_twice = await _book(rival, rival_match, slot_id)

    assert [r.status_code for r in (team_twice, same_again, mentor_twice)] == [409, 409, 409]
    assert "Your team already has a mentoring session at that time." in team_twice.text
    assert await MentoringSession.count() == 1
    # The refused booking left the other mentor's slot open.
    assert (await MentoringSlot.select().where(MentoringSlot.id == overlapping).first())["status"] == SlotStatus.OPEN


async def test_two_concurrent_bookings_of_one_slot_make_exactly_one_session(logged_in) -> None:
    world = await _world(logged_in)
    rival, rival_startup = await _team(logged_in, world.edition, "ParkPulse")
    rival_match = await _match(world.edition, world.mentor, rival_startup)
    slot_id = await _offered(world.mentor, world.edition, _day(), 10, 11)

    responses = await asyncio.gather(
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": slot_id, "match_id": world.match_id}),
        rival.post_json("/api/v1/mentoring/sessions", {"slot_id": slot_id, "match_id": rival_match}),
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await MentoringSession.count() == 1
    assert (await MentoringSlot.select().first())["status"] == SlotStatus.BOOKED


async def test_two_concurrent_bookings_of_one_team_at_the_same_time_make_exactly_one_session(logged_in) -> None:
    world = await _world(logged_in)
    other_mentor = await _mentor(logged_in, world.edition, name="Other Mentor")
    other_match = await _match(world.edition, other_mentor, world.startup)
    day = _day()
    first = await _offered(world.mentor, world.edition, day, 10, 11)
    second = await _offered(other_mentor, world.edition, day, 10, 11)

    responses = await asyncio.gather(
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": first, "match_id": world.match_id}),
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": second, "match_id": other_match}),
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await MentoringSession.count() == 1
    assert sorted(s["status"] for s in await MentoringSlot.select()) == [SlotStatus.BOOKED, SlotStatus.OPEN]


async def test_cancelling_within_24_hours_is_refused_with_409(logged_in) -> None:
    world = await _world(logged_in)
    session = await _booked(world, await _offered(world.mentor, world.edition, _day(), 10, 11))
    await _move_to(session, utc_now() + timedelta(hours=3))

    by_team = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/cancel", {"reason": "ill"})
    by_mentor = await world.mentor.post_form(f"/mentor/sessions/{session['id']}/cancel", {"reason": "ill"})

    assert (by_team.status_code, by_mentor.status_code) == (409, 409)
    assert "up to 24 hours before they start" in by_team.text
    row = await MentoringSession.select().where(MentoringSession.id == session["id"]).first()
    assert (row["status"], row["active_key"]) == (SessionStatus.BOOKED, str(session["slot"]))


async def test_cancelling_with_notice_frees_the_slot_and_tells_the_other_side(logged_in) -> None:
    world = await _world(logged_in)
    slot_id = await _offered(world.mentor, world.edition, _day(), 10, 11)
    session = await _booked(world, slot_id)

    response = await world.member.post_form(
        f"/startup/mentoring/sessions/{session['id']}/cancel", {"reason": "Our pilot moved"}
    )

    assert response.status_code == 302
    row = await MentoringSession.select().where(MentoringSession.id == session["id"]).first()
    assert (row["status"], row["active_key"], row["cancel_reason"], row["cancelled_by"]) == (
        SessionStatus.CANCELLED,
        None,
        "Our pilot moved",
        world.member.user["id"],
    )
    assert (await MentoringSlot.select().where(MentoringSlot.id == slot_id).first())["status"] == SlotStatus.OPEN
    cancelled = await _mails("Mentoring session cancelled")
    assert [m["to_address"] for m in cancelled] == [world.mentor.user["email"]]
    assert "Our pilot moved" in cancelled[0]["body_text"]
    again = await _book(world.member, world.match_id, slot_id)
    assert again.status_code == 302 and await MentoringSession.count() == 2


async def test_rescheduling_moves_the_session_to_another_slot_in_one_go(logged_in) -> None:
    world = await _world(logged_in)
    day = _day()
    old_slot = await _offered(world.mentor, world.edition, day, 10, 11)
    new_slot = await _offered(world.mentor, world.edition, day, 14, 15)
    session = await _booked(world, old_slot)

    response = await world.member.post_form(
        f"/startup/mentoring/sessions/{session['id']}/reschedule", {"new_slot_id": new_slot}
    )

    assert response.status_code == 302, response.text[:500]
    rows = {r["slot"]: r for r in await MentoringSession.select()}
    assert (rows[old_slot]["status"], rows[new_slot]["status"]) == (SessionStatus.CANCELLED, SessionStatus.BOOKED)
    assert rows[new_slot]["starts_at"] == _instant(day, 14)
    slots = {s["id"]: s["status"] for s in await MentoringSlot.select()}
    assert slots == {old_slot: SlotStatus.OPEN, new_slot: SlotStatus.BOOKED}
    moved = await _mails("Mentoring session moved")
    assert sorted(m["to_address"] for m in moved) == sorted([world.mentor.user["email"], world.member.user["email"]])
    assert sessions.when(_instant(day, 10), _instant(day, 11), MENTOR_ZONE) in next(
        m["body_text"] for m in moved if m["to_address"] == world.mentor.user["email"]
    )


async def test_a_mentor_reading_another_mentors_notes_gets_403(logged_in) -> None:
    world = await _world(logged_in)
    session = await _booked(world, await _offered(world.mentor, world.edition, _day(), 10, 11))
    other_mentor = await _mentor(logged_in, world.edition, name="Other Mentor")
    organiser: WebClient = await logged_in(Role.ORGANISER)

    early = await world.mentor.post_form(
        f"/mentor/sessions/{session['id']}/notes", {"notes": "Ask about LoRa", "attendance": "attended"}
    )
    saved = await world.mentor.post_form(f"/mentor/sessions/{session['id']}/notes", {"notes": "Ask about LoRa"})
    own = await world.mentor.get(f"/mentor/sessions/{session['id']}/notes")
    other_page = await other_mentor.get(f"/mentor/sessions/{session['id']}/notes")
    other_api = await other_mentor.get(f"/api/v1/mentoring/sessions/{session['id']}/notes")
    team_api = await world.member.get(f"/api/v1/mentoring/sessions/{session['id']}/notes")
    organiser_api = await organiser.get(f"/api/v1/mentoring/sessions/{session['id']}/notes")
    other_write = await other_mentor.post_form(f"/mentor/sessions/{session['id']}/notes", {"notes": "mine now"})

    assert early.status_code == 422
    assert field_error(early.text, "attendance") == "You can record attendance once the session has started."
    assert saved.status_code == 302 and "Ask about LoRa" in own.text
    assert [r.status_code for r in (other_page, other_api, team_api, other_write)] == [403, 403, 403, 403]
    assert "Ask about LoRa" not in other_page.text
    assert organiser_api.json() == {"session_id": session["id"], "notes": "Ask about LoRa", "attendance": None}
    assert (await MentoringSession.select().first())["notes"] == "Ask about LoRa"


async def test_reminders_go_to_both_sides_once(logged_in) -> None:
    world = await _world(logged_in)
    session = await _booked(world, await _offered(world.mentor, world.edition, _day(), 10, 11))
    starts = session["starts_at"]

    too_early = await sessions.send_session_reminders(now=starts - timedelta(hours=25))
    first = await sessions.send_session_reminders(now=starts - timedelta(hours=23))
    second = await sessions.send_session_reminders(now=starts - timedelta(hours=22))

    assert (too_early, first, second) == (0, 2, 0)
    reminders = await _mails("Reminder: mentoring session")
    assert sorted(m["to_address"] for m in reminders) == sorted(
        [world.mentor.user["email"], world.member.user["email"]]
    )


async def _feed(client: WebClient, user_id: int) -> list:
    response = await client.get(f"/calendar/{await feed_token(user_id)}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


async def test_the_calendar_feed_holds_the_session_for_the_mentor_and_the_team(logged_in, client) -> None:
    world = await _world(logged_in)
    day = _day()
    session = await _booked(world, await _offered(world.mentor, world.edition, day, 10, 11))

    mentor_events = await _feed(client, world.mentor.user["id"])
    team_events = await _feed(client, world.member.user["id"])
    await world.mentor.post_form(f"/mentor/sessions/{session['id']}/cancel", {"reason": "Conference"})
    after_cancel = await _feed(client, world.member.user["id"])

    assert [str(e["SUMMARY"]) for e in mentor_events] == ["Mentoring: AgroSense"]
    assert [str(e["SUMMARY"]) for e in team_events] == ["Mentoring with Mira Mentor"]
    for event in (mentor_events[0], team_events[0]):
        assert event.decoded("DTSTART") == _instant(day, 10)
        assert event.decoded("DTEND") == _instant(day, 11)
        assert (str(event["STATUS"]), str(event["LOCATION"])) == ("CONFIRMED", "Science Park, room 4")
        assert str(event["UID"]).startswith(f"mentoring-session-{session['id']}@")
    assert str(team_events[0]["URL"]) == "http://testserver/startup/mentoring"
    assert [(str(e["STATUS"]), int(e["SEQUENCE"])) for e in after_cancel] == [("CANCELLED", 1)]
    # The mentor could not make it: the slot is not offered to anyone else.
    assert (await MentoringSlot.select().first())["status"] == SlotStatus.WITHDRAWN


async def test_the_overview_shows_quiet_startups_capacity_and_ratings_and_exports_csv(logged_in) -> None:
    world = await _world(logged_in, capacity=1)
    quiet_member, quiet_startup = await _team(logged_in, world.edition, "ParkPulse")
    quiet_match = await _match(world.edition, world.mentor, quiet_startup)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    session = await _booked(world, await _offered(world.mentor, world.edition, _day(), 10, 11))
    early = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "4"})
    held_at = (utc_now() - timedelta(days=3)).replace(microsecond=0)
    await _move_to(session, held_at)
    rated = await world.member.post_form(
        f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "4", "feedback": "Very practical"}
    )
    bad = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "9"})
    base = f"/organiser/editions/{world.edition['id']}/mentoring"

    page = await organiser.get(f"{base}/overview")
    export = await organiser.get(f"{base}/overview.csv?weeks=2")
    forbidden = await world.mentor.get(f"{base}/overview")

    assert (early.status_code, rated.status_code, bad.status_code) == (409, 302, 422)
    assert "You can rate the session once it has started." in early.text
    assert "Choose from 1 (poor) to 5 (excellent)." in bad.text
    assert page.status_code == 200 and forbidden.status_code == 403
    quiet_section = page.text.split('id="quiet"')[1].split("</section>")[0]
    assert "ParkPulse" in quiet_section and "AgroSense" not in quiet_section
    assert "Mira Mentor: 2 startups for a capacity of 1" in page.text
    assert "Very practical" in page.text
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    by_startup = {row["startup"]: row for row in rows}
    assert by_startup["AgroSense"] == {
        "match_id": str(world.match_id),
        "mentor": "Mira Mentor",
        "startup": "AgroSense",
        "sessions_held": "1",
        "sessions_upcoming": "0",
        "sessions_cancelled": "0",
        "no_shows": "0",
        "last_session_at": held_at.isoformat(),
        "next_session_at": "",
        "match_rating": "4.00",
        "no_session_in_last_2_weeks": "no",
        "mentor_matches": "2",
        "mentor_capacity": "1",
        "mentor_over_capacity": "yes",
        "mentor_rating": "4.00",
        "mentor_ratings": "1",
    }
    assert (by_startup["ParkPulse"]["match_id"], by_startup["ParkPulse"]["no_session_in_last_2_weeks"]) == (
        str(quiet_match),
        "yes",
    )
    assert quiet_member is not None


async def test_the_api_offers_books_lists_and_refuses_with_field_errors(logged_in) -> None:
    world = await _world(logged_in)
    day = _day()
    api = "/api/v1/mentoring"

    offered = await world.mentor.post_json(
        f"{api}/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": f"{_local(day, 10)}:00",
            "ends_at": f"{_local(day, 11)}:00",
            "location": "https://meet.example/abc",
        },
    )
    outside = await world.mentor.post_json(
        f"{api}/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": f"{_local(day, 20)}:00",
            "ends_at": f"{_local(day, 21)}:00",
            "location": "https://meet.example/abc",
        },
    )
    bookable = await world.member.get(f"{api}/slots/bookable")
    slot_id = offered.json()["id"]
    booked = await world.member.post_json(f"{api}/sessions", {"slot_id": slot_id, "match_id": world.match_id})
    session_id = booked.json()["id"]
    mine_as_mentor = await world.mentor.get(f"{api}/sessions")
    mine_as_team = await world.member.get(f"{api}/sessions")
    too_soon = await world.member.http.put(
        f"{api}/sessions/{session_id}/rating",
        json={"rating": 5},
        headers={"x-csrftoken": await world.member.csrf_token()},
    )
    team_notes = await world.member.http.put(
        f"{api}/sessions/{session_id}/notes",
        json={"notes": "sneaky"},
        headers={"x-csrftoken": await world.member.csrf_token()},
    )

    assert offered.status_code == 201
    assert (
        offered.json()["starts_at"].replace("Z", "+00:00") == _instant(day, 10).astimezone(ZoneInfo("UTC")).isoformat()
    )
    assert outside.status_code == 422 and outside.json()["errors"]["starts_at"].startswith("This is outside your hours")
    assert [(s["id"], s["match_id"], s["mentor_name"]) for s in bookable.json()] == [
        (slot_id, world.match_id, "Mira Mentor")
    ]
    assert booked.status_code == 201 and booked.json()["status"] == "booked"
    assert [s["id"] for s in mine_as_mentor.json()] == [s["id"] for s in mine_as_team.json()] == [session_id]
    assert "notes" not in mine_as_team.json()[0]
    assert too_soon.status_code == 409
    assert team_notes.status_code == 403
