"""Cancelling and moving sessions with notice, and whose notes are whose."""

from __future__ import annotations

from datetime import timedelta

from core.clock import utc_now
from core.enums import Role
from mentoring.enums import SessionStatus, SlotStatus
from mentoring.services import sessions
from mentoring.tables import MentoringSession, MentoringSlot
from tests.integration.mentoring.sessions_world import (
    MENTOR_ZONE,
    book_slot,
    booked_session,
    day_ahead,
    instant,
    make_mentor,
    make_world,
    move_session_to,
    offered_slot,
    queued_mails,
)
from tests.web import WebClient, field_error


async def test_cancelling_within_24_hours_is_refused_with_409(logged_in) -> None:
    world = await make_world(logged_in)
    session = await booked_session(world, await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11))
    await move_session_to(session, utc_now() + timedelta(hours=3))

    by_team = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/cancel", {"reason": "ill"})
    by_mentor = await world.mentor.post_form(f"/mentor/sessions/{session['id']}/cancel", {"reason": "ill"})

    assert (by_team.status_code, by_mentor.status_code) == (409, 409)
    assert "up to 24 hours before they start" in by_team.text
    row = await MentoringSession.select().where(MentoringSession.id == session["id"]).first()
    assert (row["status"], row["active_key"]) == (SessionStatus.BOOKED, str(session["slot"]))


async def test_cancelling_with_notice_frees_the_slot_and_tells_the_other_side(logged_in) -> None:
    world = await make_world(logged_in)
    slot_id = await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11)
    session = await booked_session(world, slot_id)

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
    cancelled = await queued_mails("Mentoring session cancelled")
    assert [m["to_address"] for m in cancelled] == [world.mentor.user["email"]]
    assert "Our pilot moved" in cancelled[0]["body_text"]
    again = await book_slot(world.member, world.match_id, slot_id)
    assert again.status_code == 302 and await MentoringSession.count() == 2


async def test_rescheduling_moves_the_session_to_another_slot_in_one_go(logged_in) -> None:
    world = await make_world(logged_in)
    day = day_ahead()
    old_slot = await offered_slot(world.mentor, world.edition, day, 10, 11)
    new_slot = await offered_slot(world.mentor, world.edition, day, 14, 15)
    session = await booked_session(world, old_slot)

    response = await world.member.post_form(
        f"/startup/mentoring/sessions/{session['id']}/reschedule", {"new_slot_id": new_slot}
    )

    assert response.status_code == 302, response.text[:500]
    rows = {r["slot"]: r for r in await MentoringSession.select()}
    assert (rows[old_slot]["status"], rows[new_slot]["status"]) == (SessionStatus.CANCELLED, SessionStatus.BOOKED)
    assert rows[new_slot]["starts_at"] == instant(day, 14)
    slots = {s["id"]: s["status"] for s in await MentoringSlot.select()}
    assert slots == {old_slot: SlotStatus.OPEN, new_slot: SlotStatus.BOOKED}
    moved = await queued_mails("Mentoring session moved")
    assert sorted(m["to_address"] for m in moved) == sorted([world.mentor.user["email"], world.member.user["email"]])
    assert sessions.when(instant(day, 10), instant(day, 11), MENTOR_ZONE) in next(
        m["body_text"] for m in moved if m["to_address"] == world.mentor.user["email"]
    )


async def test_a_mentor_reading_another_mentors_notes_gets_403(logged_in) -> None:
    world = await make_world(logged_in)
    session = await booked_session(world, await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11))
    other_mentor = await make_mentor(logged_in, world.edition, name="Other Mentor")
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
