"""Moving items by hand under the checker, publishing, and mailing what changed."""

from __future__ import annotations

import re
from datetime import timedelta

from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from hackathon.queries.items import local_input
from hackathon.tables import Hackathon, Room, ScheduleChange, ScheduleItem
from tests.integration.hackathon.world import ZONE, World, build, make_world, of_team
from tests.web import WebClient


def _url(world: World, tail: str) -> str:
    return f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}{tail}"


async def _move(client: WebClient, world: World, item: dict, room: int, starts_at) -> object:
    return await client.post_form(
        _url(world, f"/items/{item['id']}/move"), {"room_id": str(room), "starts_at": local_input(starts_at, ZONE)}
    )


async def test_a_move_into_a_double_booked_room_is_refused_with_the_checkers_message(logged_in) -> None:
    world = await make_world()
    items = await build(world)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    sitting = next(i for i in items if i["kind"] == "judging_panel")
    office = of_team(items, world, "AgroSense", "office_hours")

    refused = await _move(organiser, world, office, sitting["room"], sitting["starts_at"])

    assert refused.status_code == 422
    assert "This move would break the schedule; nothing was changed." in refused.text
    assert "is booked twice" in refused.text
    # One list item per violation, each time in the one date style with its zone.
    listed = re.search(r'<ul class="form-error" role="alert" id="move-errors">(.*?)</ul>', refused.text, re.S)
    assert listed and listed[1].count("<li>") >= 2
    found = re.findall(r"<li>(.*?)</li>", listed[1], re.S)
    assert all("; " not in text for text in found)
    assert any(re.search(r" at \w{3} \d+ \w{3} \d{4}, \d\d:\d\d CES?T", text) for text in found)
    again = await ScheduleItem.select().where(ScheduleItem.id == office["id"]).first()
    assert (again["room"], again["starts_at"], again["version"]) == (office["room"], office["starts_at"], 0)


async def test_a_move_that_only_warns_is_saved_and_the_warning_shown(logged_in) -> None:
    world = await make_world()
    items = await build(world)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    pitch = of_team(items, world, "AgroSense", "pitch")
    office = of_team(items, world, "AgroSense", "office_hours")
    other_room = next(r for r in world.rooms if r != pitch["room"])

    # Straight from the pitch into another room: no time to walk over (the buffer is 5 minutes).
    saved = await _move(organiser, world, office, other_room, pitch["ends_at"])
    page = (await organiser.get(saved.headers["location"])).text

    assert saved.status_code == 302
    assert "Warning:" in page and "only 0 minutes from" in page
    moved = await ScheduleItem.select().where(ScheduleItem.id == office["id"]).first()
    assert (moved["room"], moved["starts_at"], moved["version"]) == (other_room, pitch["ends_at"], 1)
    assert await ScheduleChange.count() == 0  # not published: no changelog, no mail
    assert await AuditEvent.count().where(AuditEvent.action == "hackathon.item_moved") == 1


async def test_after_publishing_a_change_is_logged_and_mailed_to_its_people_once(logged_in) -> None:
    world = await make_world()
    items = await build(world)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    office = of_team(items, world, "AgroSense", "office_hours")

    published = await organiser.post_form(_url(world, "/publish"), {})
    twice = await organiser.post_form(_url(world, "/publish"), {})
    later = office["starts_at"] + timedelta(minutes=90)
    moved = await _move(organiser, world, office, office["room"], later)
    page = (await organiser.get(_url(world, "/schedule"))).text

    assert published.status_code == 302 and twice.status_code == 409
    assert (await Hackathon.select(Hackathon.status).first())["status"] == "published"
    assert moved.status_code == 302
    changes = await ScheduleChange.select().output(load_json=True)
    assert [(c["item"], c["notified"]) for c in changes] == [(office["id"], 2)]
    mails = await OutboxMessage.select().where(OutboxMessage.subject.like("Schedule change:%"))
    assert sorted(m["to_address"] for m in mails) == sorted(
        [world.members["AgroSense"]["email"], world.mentor["email"]]
    )
    people = (world.members["AgroSense"]["id"], world.mentor["id"])
    assert {m["once_key"] for m in mails} == {f"hackathon-change:{changes[0]['id']}:{uid}" for uid in people}
    assert "Before:" in mails[0]["body_text"] and "Now:" in mails[0]["body_text"]
    assert "Changes since publishing" in page and "2 people mailed" in page
    # Rebuilding would throw the published schedule away: refused.
    assert (await organiser.post_form(_url(world, "/schedule/build"), {"time_limit": "1"})).status_code == 409


async def test_publishing_is_refused_while_the_checker_finds_errors(logged_in) -> None:
    world = await make_world()
    items = await build(world)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    pitch = of_team(items, world, "ParkWise", "pitch")
    # An error the checker reports but nobody moved into: the room shrank after the build.
    await Room.update({Room.capacity: 1}).where(Room.id == pitch["room"])

    refused = await organiser.post_form(_url(world, "/publish"), {})

    assert refused.status_code == 409 and "fix them before publishing" in refused.text
    assert (await Hackathon.select(Hackathon.status).first())["status"] == "draft"
