"""The public schedule, personal schedules, the iCal feeds, and the JSON API."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from core.calendar import events_for, feed_token
from core.enums import Role
from hackathon.queries.items import local_input
from hackathon.tables import Hackathon, ScheduleItem
from tests.factories import PASSWORD
from tests.integration.hackathon.world import ZONE, build, make_world, of_team
from tests.web import WebClient


async def _publish(hackathon_id: int) -> None:
    await Hackathon.update({Hackathon.status: "published"}).where(Hackathon.id == hackathon_id)


async def test_the_public_schedule_by_day_room_and_team_and_its_ical_feed(client: WebClient) -> None:
    world = await make_world()
    items = await build(world)
    hidden = await client.get(f"/hackathons/{world.hackathon_id}")
    hidden_ics = await client.get(f"/hackathons/{world.hackathon_id}/schedule.ics")
    await _publish(world.hackathon_id)

    by_day = (await client.get(f"/hackathons/{world.hackathon_id}")).text
    by_room = (await client.get(f"/hackathons/{world.hackathon_id}?view=room")).text
    by_team = (await client.get(f"/hackathons/{world.hackathon_id}?view=team")).text
    ics = await client.get(f"/hackathons/{world.hackathon_id}/schedule.ics")

    assert hidden.status_code == 404 and hidden_ics.status_code == 404
    assert world.starts_at.date().isoformat() in by_day and "ParkWise" in by_day
    assert "<h2>Hall A</h2>" in by_room or "<h2>Room B</h2>" in by_room
    assert "<h2>AgroSense</h2>" in by_team and "<h2>WaterLeak</h2>" in by_team
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == len(items) == 5
    pitch = of_team(items, world, "AgroSense", "pitch")
    event = next(e for e in events if str(e["UID"]).startswith(f"hackathon-item-{pitch['id']}@"))
    assert event.decoded("DTSTART") == pitch["starts_at"] and event.decoded("DTEND") == pitch["ends_at"]
    assert str(event["SUMMARY"]) == "Pitch: AgroSense"


async def test_each_participant_sees_their_own_schedule_and_feed(logged_in) -> None:
    world = await make_world()
    items = await build(world)
    await _publish(world.hackathon_id)
    member: WebClient = await logged_in()
    await member.login(world.members["AgroSense"]["email"], PASSWORD)

    mine = (await member.get(f"/hackathons/{world.hackathon_id}/mine")).text
    mentor_events = await events_for(world.mentor["id"])
    judge_events = await events_for(world.judges[0]["id"])
    feed = await member.get(f"/calendar/{await feed_token(world.members['AgroSense']['id'])}")

    assert "Pitch: AgroSense" in mine and "Office hours: AgroSense" in mine
    assert "ParkWise" not in mine
    office = of_team(items, world, "AgroSense", "office_hours")
    assert [e.uid for e in mentor_events] == [f"hackathon-item-{office['id']}"]
    sitting = next(i for i in items if i["kind"] == "judging_panel")
    assert [e.uid for e in judge_events] == [f"hackathon-item-{sitting['id']}"]
    uids = sorted(str(e["UID"]).split("@")[0] for e in Calendar.from_ical(feed.content).walk("VEVENT"))
    assert uids == sorted(f"hackathon-item-{i['id']}" for i in items if world.teams["AgroSense"] in i["team_ids"])


async def test_the_json_api_reads_the_schedule_and_refuses_a_conflicting_move(logged_in, client: WebClient) -> None:
    world = await make_world()
    items = await build(world)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=world.edition["id"])
    url = f"/api/v1/hackathons/{world.hackathon_id}"
    draft = await client.get(f"{url}/schedule")
    await _publish(world.hackathon_id)
    sitting = next(i for i in items if i["kind"] == "judging_panel")
    office = of_team(items, world, "AgroSense", "office_hours")
    headers = {"x-csrftoken": await organiser.csrf_token()}

    read = await client.get(f"{url}/schedule")
    refused = await organiser.http.put(
        f"{url}/items/{office['id']}",
        json={"room_id": sitting["room"], "starts_at": sitting["starts_at"].isoformat()},
        headers=headers,
    )
    forbidden = await judge.http.put(
        f"{url}/items/{office['id']}",
        json={"room_id": office["room"], "starts_at": office["starts_at"].isoformat()},
        headers={"x-csrftoken": await judge.csrf_token()},
    )
    later = office["starts_at"] + timedelta(minutes=60)
    moved = await organiser.http.put(
        f"{url}/items/{office['id']}",
        json={"room_id": office["room"], "starts_at": local_input(later, ZONE) + ":00"},  # wall-clock, no offset
        headers=headers,
    )

    assert draft.status_code == 404
    assert read.status_code == 200
    body = read.json()
    assert body["status"] == "published" and len(body["items"]) == 5
    assert {i["kind"] for i in body["items"]} == {"judging_panel", "pitch", "office_hours"}
    assert refused.status_code == 422
    assert {v["type"] for v in refused.json()["violations"]} == {"room_double_booked", "person_double_booked"}
    assert "is booked twice" in refused.json()["violations"][0]["text"]
    assert forbidden.status_code == 403
    assert moved.status_code == 200, moved.text
    assert moved.json()["warnings"] == []
    assert moved.json()["item"]["version"] == 1
    stored = await ScheduleItem.select(ScheduleItem.starts_at).where(ScheduleItem.id == office["id"]).first()
    assert stored["starts_at"] == later
