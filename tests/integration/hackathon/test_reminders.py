""" "Your pitch is in 30 minutes": once per member, also when the reminder fell due during downtime."""

from __future__ import annotations

from datetime import timedelta

from core.scheduler import registered_jobs
from core.tables import OutboxMessage
from hackathon.services.reminders import send_pitch_reminders
from hackathon.tables import Hackathon
from tests.integration.hackathon.world import build, make_world, of_team


async def _reminders() -> list[dict]:
    return await OutboxMessage.select().where(OutboxMessage.once_key.like("hackathon-pitch-reminder:%"))


async def test_a_pitch_reminder_goes_to_each_team_member_once(clean_db, app) -> None:
    world = await make_world()
    items = await build(world)
    await Hackathon.update({Hackathon.status: "published"}).where(Hackathon.id == world.hackathon_id)
    first = min((i for i in items if i["kind"] == "pitch"), key=lambda i: i["starts_at"])
    team = next(name for name, application in world.teams.items() if first["team_ids"] == [application])

    early = await send_pitch_reminders(now=first["starts_at"] - timedelta(minutes=45))
    due = await send_pitch_reminders(now=first["starts_at"] - timedelta(minutes=30))
    for minutes in (25, 20, 5):
        await send_pitch_reminders(now=first["starts_at"] - timedelta(minutes=minutes))

    assert early == 0 and due == 1
    sent = [m for m in await _reminders() if m["once_key"].startswith(f"hackathon-pitch-reminder:{first['id']}:")]
    assert [m["to_address"] for m in sent] == [world.members[team]["email"]]
    assert sent[0]["subject"].startswith("Your pitch starts at")
    assert "hackathon.pitch_reminders" in [job.id for job in registered_jobs()]


async def test_a_reminder_due_while_the_server_was_down_is_sent_once_after_restart(clean_db) -> None:
    world = await make_world()
    items = await build(world)
    await Hackathon.update({Hackathon.status: "published"}).where(Hackathon.id == world.hackathon_id)
    pitch = of_team(items, world, "WaterLeak", "pitch")
    member = world.members["WaterLeak"]["email"]

    # The server was down from 40 minutes before the pitch until 5 minutes after it started.
    after_restart = await send_pitch_reminders(now=pitch["starts_at"] + timedelta(minutes=5))
    next_tick = await send_pitch_reminders(now=pitch["starts_at"] + timedelta(minutes=8))

    assert after_restart >= 1 and next_tick == 0
    assert [m["to_address"] for m in await _reminders() if f":{pitch['id']}:" in m["once_key"]] == [member]


async def test_no_reminder_for_a_pitch_long_over_or_an_unpublished_schedule(clean_db) -> None:
    world = await make_world()
    items = await build(world)
    pitch = of_team(items, world, "ParkWise", "pitch")

    unpublished = await send_pitch_reminders(now=pitch["starts_at"] - timedelta(minutes=10))
    await Hackathon.update({Hackathon.status: "published"}).where(Hackathon.id == world.hackathon_id)
    too_late = await send_pitch_reminders(now=max(i["starts_at"] for i in items) + timedelta(minutes=15))

    assert unpublished == 0 and too_late == 0
    assert await _reminders() == []
