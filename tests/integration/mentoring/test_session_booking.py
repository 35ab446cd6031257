"""Booking: refused when the slot no longer fits, is taken, or the match is not theirs; never twice."""

from __future__ import annotations

import asyncio

from mentoring.enums import MatchStatus, SlotStatus
from mentoring.tables import MentoringSession, MentoringSlot, MentorProfile
from tests.integration.mentoring.sessions_world import (
    book_slot,
    booked_session,
    day_ahead,
    make_match,
    make_mentor,
    make_team,
    make_world,
    offered_slot,
)


async def test_booking_a_slot_no_longer_within_the_mentors_hours_is_refused_with_422(logged_in) -> None:
    world = await make_world(logged_in)
    slot_id = await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11)
    await MentorProfile.update({MentorProfile.availability: [[d, 13 * 60, 17 * 60] for d in range(7)]}).where(
        MentorProfile.user == world.mentor.user["id"]
    )

    response = await book_slot(world.member, world.match_id, slot_id)

    assert response.status_code == 422
    assert "This time is no longer within the mentor" in response.text
    assert await MentoringSession.count() == 0


async def test_booking_a_taken_slot_is_refused_with_409(logged_in) -> None:
    world = await make_world(logged_in)
    rival, rival_startup = await make_team(logged_in, world.edition, "ParkPulse")
    rival_match = await make_match(world.edition, world.mentor, rival_startup)
    slot_id = await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11)

    first = await book_slot(world.member, world.match_id, slot_id)
    second = await book_slot(rival, rival_match, slot_id)

    assert (first.status_code, second.status_code) == (302, 409)
    assert "Someone booked this slot a moment ago" in second.text
    assert [s["startup"] for s in await MentoringSession.select()] == [world.startup["id"]]


async def test_a_proposed_match_or_another_teams_match_cannot_book(logged_in) -> None:
    world = await make_world(logged_in)
    stranger, stranger_startup = await make_team(logged_in, world.edition, "Stranger")
    proposed = await make_match(world.edition, world.mentor, stranger_startup, status=MatchStatus.PROPOSED)
    slot_id = await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11)

    unpublished = await book_slot(stranger, proposed, slot_id)
    not_theirs = await book_slot(stranger, world.match_id, slot_id)

    assert (unpublished.status_code, not_theirs.status_code) == (404, 404)
    assert await MentoringSession.count() == 0


async def test_double_booking_of_either_side_is_refused(logged_in) -> None:
    world = await make_world(logged_in)
    other_mentor = await make_mentor(logged_in, world.edition, name="Other Mentor")
    other_match = await make_match(world.edition, other_mentor, world.startup)
    rival, rival_startup = await make_team(logged_in, world.edition, "ParkPulse")
    rival_match = await make_match(world.edition, world.mentor, rival_startup)
    day = day_ahead()
    slot_id = await offered_slot(world.mentor, world.edition, day, 10, 11)
    overlapping = await offered_slot(other_mentor, world.edition, day, 10, 12)
    await booked_session(world, slot_id)

    team_twice = await book_slot(world.member, other_match, overlapping)
    same_again = await book_slot(world.member, world.match_id, slot_id)
    mentor_twice = await book_slot(rival, rival_match, slot_id)

    assert [r.status_code for r in (team_twice, same_again, mentor_twice)] == [409, 409, 409]
    assert "Your team already has a mentoring session at that time." in team_twice.text
    assert await MentoringSession.count() == 1
    # The refused booking left the other mentor's slot open.
    assert (await MentoringSlot.select().where(MentoringSlot.id == overlapping).first())["status"] == SlotStatus.OPEN


async def test_two_concurrent_bookings_of_one_slot_make_exactly_one_session(logged_in) -> None:
    world = await make_world(logged_in)
    rival, rival_startup = await make_team(logged_in, world.edition, "ParkPulse")
    rival_match = await make_match(world.edition, world.mentor, rival_startup)
    slot_id = await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11)

    responses = await asyncio.gather(
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": slot_id, "match_id": world.match_id}),
        rival.post_json("/api/v1/mentoring/sessions", {"slot_id": slot_id, "match_id": rival_match}),
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await MentoringSession.count() == 1
    assert (await MentoringSlot.select().first())["status"] == SlotStatus.BOOKED


async def test_two_concurrent_bookings_of_one_team_at_the_same_time_make_exactly_one_session(logged_in) -> None:
    world = await make_world(logged_in)
    other_mentor = await make_mentor(logged_in, world.edition, name="Other Mentor")
    other_match = await make_match(world.edition, other_mentor, world.startup)
    day = day_ahead()
    first = await offered_slot(world.mentor, world.edition, day, 10, 11)
    second = await offered_slot(other_mentor, world.edition, day, 10, 11)

    responses = await asyncio.gather(
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": first, "match_id": world.match_id}),
        world.member.post_json("/api/v1/mentoring/sessions", {"slot_id": second, "match_id": other_match}),
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await MentoringSession.count() == 1
    assert sorted(s["status"] for s in await MentoringSlot.select()) == [SlotStatus.BOOKED, SlotStatus.OPEN]
