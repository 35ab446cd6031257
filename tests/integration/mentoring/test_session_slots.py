"""Mentors offer slots inside their weekly hours; startups book them, in both time zones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mentoring.enums import SessionStatus, SlotStatus
from mentoring.services import sessions
from mentoring.tables import MentoringSlot, MentorProfile
from tests.factories import make_edition, set_timeline
from tests.integration.mentoring.sessions_world import (
    EDITION_ZONE,
    MENTOR_ZONE,
    booked_session,
    day_ahead,
    instant,
    local_time,
    make_mentor,
    make_world,
    offer_slot,
    offered_slot,
    queued_mails,
)
from tests.web import field_error


async def test_a_mentor_offers_a_slot_and_the_startup_books_it_in_both_time_zones(logged_in) -> None:
    world = await make_world(logged_in)
    day = day_ahead()

    slot_id = await offered_slot(world.mentor, world.edition, day, 10, 11)
    page = (await world.member.get("/startup/mentoring")).text
    session = await booked_session(world, slot_id)

    start, end = instant(day, 10), instant(day, 11)
    slot = await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()
    assert (slot["starts_at"], slot["ends_at"], slot["status"]) == (start, end, SlotStatus.BOOKED)
    assert sessions.when(start, end, EDITION_ZONE) in page and sessions.when(start, end, MENTOR_ZONE) in page
    assert (session["status"], session["startup"], session["booked_by"]) == (
        SessionStatus.BOOKED,
        world.startup["id"],
        world.member.user["id"],
    )
    mails = {m["to_address"]: m for m in await queued_mails("Mentoring session booked")}
    assert set(mails) == {world.mentor.user["email"], world.member.user["email"]}
    assert sessions.when(start, end, MENTOR_ZONE) in mails[world.mentor.user["email"]]["body_text"]
    assert sessions.when(start, end, EDITION_ZONE) in mails[world.member.user["email"]]["body_text"]
    assert "Science Park, room 4" in mails[world.member.user["email"]]["body_text"]
    mentor_page = (await world.mentor.get("/mentor/sessions")).text
    assert "AgroSense" in mentor_page and sessions.when(start, end, MENTOR_ZONE) in mentor_page


async def test_the_mentor_sees_their_weekly_hours_and_the_mentoring_period_before_offering(logged_in) -> None:
    world = await make_world(logged_in)
    opens = datetime(2027, 3, 1, 9, tzinfo=ZoneInfo(EDITION_ZONE))
    await set_timeline(world.edition["id"], mentoring=opens, hackathon=opens + timedelta(days=30))
    without = await make_mentor(logged_in, await make_edition(), name="Nina Newcomer")
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
    day = day_ahead()
    world = await make_world(logged_in, blackout=[day_ahead(9).isoformat()])
    await offered_slot(world.mentor, world.edition, day, 10, 11)

    late = await offer_slot(world.mentor, world.edition, day, 16, 18)
    day_off = await offer_slot(world.mentor, world.edition, day_ahead(9), 10, 11)
    short = await world.mentor.post_form(
        "/mentor/sessions/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": local_time(day, 12),
            "ends_at": local_time(day, 12, 10),
            "location": "",
        },
    )
    overlapping = await offer_slot(world.mentor, world.edition, day, 10, 12)
    past = await offer_slot(world.mentor, world.edition, day_ahead(-2), 10, 11)

    assert [r.status_code for r in (late, day_off, short, overlapping, past)] == [422] * 5
    weekday = instant(day, 10).strftime("%A")
    assert (
        field_error(late.text, "starts_at") == f"This is outside your hours on {weekday} (09:00-17:00, {MENTOR_ZONE})."
    )
    assert (
        field_error(day_off.text, "starts_at") == f"You marked {day_ahead(9).isoformat()} as a day off in your profile."
    )
    assert field_error(short.text, "ends_at") == "A slot lasts from 15 minutes to 4 hours."
    assert field_error(short.text, "location") == "Say where you meet: an address or a video-call link."
    assert field_error(overlapping.text, "starts_at").startswith("You already offer a slot that overlaps this time")
    assert field_error(past.text, "starts_at") == "Choose a time in the future."
    assert f'value="{local_time(day, 16)}"' in late.text  # the input is kept
    assert await MentoringSlot.count() == 1
