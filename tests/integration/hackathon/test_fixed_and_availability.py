"""Talks and breaks placed by organisers, and mentors' availability from their mentoring profile."""

from __future__ import annotations

from datetime import timedelta

from core.enums import Role
from hackathon.queries import runs
from hackathon.tables import FixedSession, Hackathon, ScheduleItem
from mentoring.tables import MentorProfile
from tests.integration.hackathon.world import build, make_world
from tests.web import WebClient, field_error


def _local(moment) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


async def test_a_break_for_everyone_is_planned_around_and_shown_publicly(logged_in, client: WebClient) -> None:
    world = await make_world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    page = f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}"
    start, end = world.starts_at, world.starts_at + timedelta(hours=1)
    form = {
        "session_kind": "break",
        "session_title": "Breakfast",
        "session_starts_at": _local(start),
        "session_ends_at": _local(end),
        "session_room": "",
    }

    backwards = await organiser.post_form(f"{page}/sessions", {**form, "session_ends_at": _local(start)})
    outside = await organiser.post_form(
        f"{page}/sessions", {**form, "session_starts_at": _local(start - timedelta(hours=1))}
    )
    bad_room = await organiser.post_form(f"{page}/sessions", {**form, "session_room": "999999"})
    added = await organiser.post_form(f"{page}/sessions", form)
    settings = (await organiser.get(page)).text
    items = await build(world)
    await Hackathon.update({Hackathon.status: "published"}).where(Hackathon.id == world.hackathon_id)
    public = (await client.get(f"/hackathons/{world.hackathon_id}")).text

    assert backwards.status_code == 422 and field_error(backwards.text, "session_ends_at")
    assert 'value="Breakfast"' in backwards.text
    assert outside.status_code == 422 and field_error(outside.text, "session_starts_at")
    assert bad_room.status_code == 422 and field_error(bad_room.text, "session_room")
    assert added.status_code == 302
    stored = await FixedSession.select().where(FixedSession.hackathon == world.hackathon_id)
    assert len(stored) == 1 and stored[0]["everyone"] is True and stored[0]["starts_at"] == start
    assert "Breakfast" in settings
    lunch = next(i for i in items if i["kind"] == "break")
    assert lunch["title"] == "Breakfast" and lunch["everyone"] and lunch["starts_at"] == start
    planned = [i for i in items if i["kind"] in ("pitch", "office_hours", "judging_panel")]
    assert sorted(i["kind"] for i in planned) == ["judging_panel", "office_hours", "pitch", "pitch", "pitch"]
    assert all(i["starts_at"] >= end for i in planned)
    assert "Breakfast" in public

    removed = await organiser.post_form(f"{page}/sessions/{stored[0]['id']}/delete", {})
    assert removed.status_code == 302 and await FixedSession.count() == 0


async def _profile(world, availability: list[list[int]], blackout: list[str]) -> None:
    await MentorProfile.insert(
        MentorProfile(
            user=world.mentor["id"],
            edition=world.edition["id"],
            key=f"{world.edition['id']}:{world.mentor['id']}",
            timezone="Europe/London",
            availability=availability,
            blackout_dates=blackout,
        )
    )


async def test_a_mentor_available_only_on_the_first_morning_gets_office_hours_then(clean_db) -> None:
    world = await make_world()
    await Hackathon.update({Hackathon.ends_at: world.starts_at + timedelta(days=1, hours=4)}).where(
        Hackathon.id == world.hackathon_id
    )
    day1, day2 = world.starts_at.date(), world.starts_at.date() + timedelta(days=1)
    # 10:00-11:00 in London is 11:00-12:00 in Belgrade; day two is blacked out.
    await _profile(world, [[day1.weekday(), 600, 660], [day2.weekday(), 0, 24 * 60]], [day2.isoformat()])

    items = await build(world)

    office = next(i for i in items if i["kind"] == "office_hours")
    assert office["starts_at"] >= world.starts_at + timedelta(hours=2)
    assert office["ends_at"] <= world.starts_at + timedelta(hours=3)


async def test_a_mentor_never_available_at_the_event_leaves_office_hours_unplaced(clean_db) -> None:
    world = await make_world()
    day1 = world.starts_at.date()
    await _profile(world, [[day1.weekday(), 600, 660]], [day1.isoformat()])

    await build(world)

    run = await runs.latest_run(world.hackathon_id)
    assert await ScheduleItem.count().where(ScheduleItem.kind == "office_hours") == 0
    assert run is not None
    assert [(u.kind, u.reason) for u in run.unplaced] == [("office_hours", "no_common_time_with_mentor")]
