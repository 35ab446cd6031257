"""The JSON API of slots and sessions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.integration.mentoring.sessions_world import day_ahead, instant, local_time, make_world


async def test_the_api_offers_books_lists_and_refuses_with_field_errors(logged_in) -> None:
    world = await make_world(logged_in)
    day = day_ahead()
    api = "/api/v1/mentoring"

    offered = await world.mentor.post_json(
        f"{api}/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": f"{local_time(day, 10)}:00",
            "ends_at": f"{local_time(day, 11)}:00",
            "location": "https://meet.example/abc",
        },
    )
    outside = await world.mentor.post_json(
        f"{api}/slots",
        {
            "edition_id": world.edition["id"],
            "starts_at": f"{local_time(day, 20)}:00",
            "ends_at": f"{local_time(day, 21)}:00",
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
        offered.json()["starts_at"].replace("Z", "+00:00") == instant(day, 10).astimezone(ZoneInfo("UTC")).isoformat()
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
