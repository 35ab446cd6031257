"""Setting up a hackathon and building its schedule over HTTP, on a real database."""

from __future__ import annotations

from datetime import timedelta

from core.auth import load_current_user
from core.enums import Role
from hackathon.queries import runs
from hackathon.services import building
from hackathon.tables import Hackathon, Panel, Room, ScheduleItem, ScheduleRun
from tests.factories import make_user
from tests.integration.hackathon.world import ZONE, make_world
from tests.web import WebClient, field_error


async def test_a_build_places_every_pitch_and_office_hour_without_checker_errors(clean_db) -> None:
    world = await make_world()
    organiser = await load_current_user((await make_user(role=Role.ORGANISER))["id"])

    run_id = await building.start_run(user=organiser, hackathon_id=world.hackathon_id, time_limit_seconds=2)
    await building.wait_for_runs()

    run = await runs.latest_run(world.hackathon_id)
    items = await ScheduleItem.select().where(ScheduleItem.hackathon == world.hackathon_id).output(load_json=True)
    assert run is not None
    assert run.id == run_id and run.status == "done" and run.progress == 100
    assert run.unplaced == []
    assert [v for v in run.violations if v.severity == "error"] == []
    assert sorted(i["kind"] for i in items) == ["judging_panel", "office_hours", "pitch", "pitch", "pitch"]
    office = next(i for i in items if i["kind"] == "office_hours")
    assert office["team_ids"] == [world.teams["AgroSense"]] and office["mentor_ids"] == [world.mentor["id"]]
    assert {i["team_ids"][0] for i in items if i["kind"] == "pitch"} == set(world.teams.values())


async def test_organisers_set_up_a_hackathon_and_build_it_from_the_pages(logged_in) -> None:
    world = await make_world()
    await Room.delete().where(Room.hackathon == world.hackathon_id)
    await Panel.delete().where(Panel.hackathon == world.hackathon_id)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{world.edition['id']}/hackathons"
    start = (world.starts_at + timedelta(days=1)).replace(tzinfo=None)
    form = {
        "name": "Finals",
        "venue": "Hall",
        "timezone": ZONE,
        "starts_at": start.isoformat(timespec="minutes"),
        "ends_at": (start + timedelta(hours=4)).isoformat(timespec="minutes"),
        "pitch_minutes": "7",
    }

    bad = await organiser.post_form(f"{base}/", form)
    created = await organiser.post_form(f"{base}/", {**form, "pitch_minutes": "10"})
    hackathon_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = f"{base}/{hackathon_id}"
    bad_room = await organiser.post_form(f"{page}/rooms", {"room_name": "Hall A", "capacity": "lots"})
    for name in ("Hall A", "Room B"):
        assert (await organiser.post_form(f"{page}/rooms", {"room_name": name, "capacity": "8"})).status_code == 302
    judge_ids = [str(j["id"]) for j in world.judges]
    assert (
        await organiser.post_form(f"{page}/panels", {"panel_name": "P1", "judge_ids": judge_ids})
    ).status_code == 302
    settings = (await organiser.get(page)).text
    built = await organiser.post_form(f"{page}/schedule/build", {"time_limit": "2"})
    running = await organiser.get(f"{page}/schedule")
    await building.wait_for_runs()
    done = (await organiser.get(f"{page}/schedule")).text

    assert bad.status_code == 422 and field_error(bad.text, "pitch_minutes") == "Use a multiple of the slot length."
    assert 'value="Finals"' in bad.text
    assert bad_room.status_code == 422 and field_error(bad_room.text, "capacity")
    assert 'value="Finals"' in bad_room.text
    assert "Hall A" in settings and "Judge 1, Judge 2" in settings
    assert built.status_code == 302 and running.status_code == 200
    hackathon = await Hackathon.select().where(Hackathon.id == hackathon_id).first()
    assert hackathon["starts_at"] == world.starts_at + timedelta(days=1)
    assert await ScheduleRun.count().where(ScheduleRun.hackathon == hackathon_id, ScheduleRun.status == "done") == 1
    assert await ScheduleItem.count().where(ScheduleItem.hackathon == hackathon_id) == 5
    assert "The checker finds no problem in this schedule." in done
    assert "AgroSense" in done and "http-equiv" not in done


async def test_only_organisers_build_schedules(logged_in) -> None:
    world = await make_world()
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=world.edition["id"])

    response = await judge.post_form(
        f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}/schedule/build", {}
    )

    assert response.status_code == 403
    assert await ScheduleRun.count() == 0
