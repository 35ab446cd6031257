"""Reminders to both sides once, and the personal calendar feed."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from core.calendar import feed_token
from mentoring.enums import SlotStatus
from mentoring.services import sessions
from mentoring.tables import MentoringSlot
from tests.integration.mentoring.sessions_world import (
    booked_session,
    day_ahead,
    instant,
    make_world,
    offered_slot,
    queued_mails,
)
from tests.web import WebClient


async def test_reminders_go_to_both_sides_once(logged_in) -> None:
    world = await make_world(logged_in)
    session = await booked_session(world, await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11))
    starts = session["starts_at"]

    too_early = await sessions.send_session_reminders(now=starts - timedelta(hours=25))
    first = await sessions.send_session_reminders(now=starts - timedelta(hours=23))
    second = await sessions.send_session_reminders(now=starts - timedelta(hours=22))

    assert (too_early, first, second) == (0, 2, 0)
    reminders = await queued_mails("Reminder: mentoring session")
    assert sorted(m["to_address"] for m in reminders) == sorted(
        [world.mentor.user["email"], world.member.user["email"]]
    )


async def _feed(client: WebClient, user_id: int) -> list:
    response = await client.get(f"/calendar/{await feed_token(user_id)}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


async def test_the_calendar_feed_holds_the_session_for_the_mentor_and_the_team(logged_in, client) -> None:
    world = await make_world(logged_in)
    day = day_ahead()
    session = await booked_session(world, await offered_slot(world.mentor, world.edition, day, 10, 11))

    mentor_events = await _feed(client, world.mentor.user["id"])
    team_events = await _feed(client, world.member.user["id"])
    await world.mentor.post_form(f"/mentor/sessions/{session['id']}/cancel", {"reason": "Conference"})
    after_cancel = await _feed(client, world.member.user["id"])

    assert [str(e["SUMMARY"]) for e in mentor_events] == ["Mentoring: AgroSense"]
    assert [str(e["SUMMARY"]) for e in team_events] == ["Mentoring with Mira Mentor"]
    for event in (mentor_events[0], team_events[0]):
        assert event.decoded("DTSTART") == instant(day, 10)
        assert event.decoded("DTEND") == instant(day, 11)
        assert (str(event["STATUS"]), str(event["LOCATION"])) == ("CONFIRMED", "Science Park, room 4")
        assert str(event["UID"]).startswith(f"mentoring-session-{session['id']}@")
    assert str(team_events[0]["URL"]) == "http://testserver/startup/mentoring"
    assert [(str(e["STATUS"]), int(e["SEQUENCE"])) for e in after_cancel] == [("CANCELLED", 1)]
    # The mentor could not make it: the slot is not offered to anyone else.
    assert (await MentoringSlot.select().first())["status"] == SlotStatus.WITHDRAWN
