"""A small hackathon for the tests: 3 teams, 2 judges in a panel, 1 mentor, 2 rooms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from challenge.tables import Application, Startup, StartupMember
from core.clock import utc_now
from core.enums import Role
from hackathon.tables import Hackathon, Panel, Room
from mentoring.tables import Match
from tests.factories import make_edition, make_user

ZONE = "Europe/Belgrade"


@dataclass
class World:
    edition: dict[str, Any]
    hackathon_id: int
    teams: dict[str, int]  # startup name -> application id
    members: dict[str, dict[str, Any]]  # startup name -> its member (a user row)
    judges: list[dict[str, Any]]
    mentor: dict[str, Any]
    rooms: list[int]
    panel_id: int
    starts_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


async def make_world(*, days_ahead: int = 10, status: str = "draft") -> World:
    edition = await make_edition()
    day = (utc_now().astimezone(ZoneInfo(ZONE)) + timedelta(days=days_ahead)).date()
    starts_at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo(ZONE))
    hackathon_id = (
        await Hackathon.insert(
            Hackathon(
                edition=edition["id"],
                name="Demo day",
                venue="Science Park",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=4),
                timezone=ZONE,
                status=status,
            )
        ).returning(Hackathon.id)
    )[0]["id"]
    mentor = await make_user(name="Mira Mentor", role=Role.MENTOR, edition_id=edition["id"])
    judges = [
        await make_user(
            name=f"Judge {n}", role=Role.JUDGE, edition_id=edition["id"], email=f"judge{n}-{edition['id']}@example.org"
        )
        for n in (1, 2)
    ]
    teams, members = {}, {}
    for name in ("AgroSense", "ParkWise", "WaterLeak"):
        startup = (await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id))[0][
            "id"
        ]
        member = await make_user(
            name=f"{name} founder", role=Role.STARTUP, edition_id=edition["id"], organisation_id=startup
        )
        await StartupMember.insert(
            StartupMember(
                startup=startup, user=member["id"], edition=edition["id"], key=f"{edition['id']}:{member['id']}"
            )
        )
        application = (
            await Application.insert(
                Application(
                    edition=edition["id"],
                    startup=startup,
                    track="smart_city",
                    status="accepted",
                    active_key=f"{edition['id']}:{startup}:smart_city",
                )
            ).returning(Application.id)
        )[0]["id"]
        teams[name], members[name] = application, member
        if name == "AgroSense":
            await Match.insert(
                Match(
                    edition=edition["id"],
                    mentor=mentor["id"],
                    application=application,
                    startup=startup,
                    status="published",
                    key=f"{mentor['id']}:{application}",
                    published_at=utc_now(),
                )
            )
    rooms = [
        (await Room.insert(Room(hackathon=hackathon_id, name=name, capacity=8)).returning(Room.id))[0]["id"]
        for name in ("Hall A", "Room B")
    ]
    panel_id = (
        await Panel.insert(
            Panel(hackathon=hackathon_id, name="Panel 1", judge_ids=[j["id"] for j in judges])
        ).returning(Panel.id)
    )[0]["id"]
    return World(edition, hackathon_id, teams, members, judges, mentor, rooms, panel_id, starts_at)


async def build(world: World) -> list[dict[str, Any]]:
    """Build the schedule through the service, as an organiser would; the stored items, by time."""
    from core.auth import load_current_user
    from hackathon.services import building
    from hackathon.tables import ScheduleItem

    organiser = await load_current_user((await make_user(role=Role.ORGANISER))["id"])
    await building.start_run(user=organiser, hackathon_id=world.hackathon_id, time_limit_seconds=2)
    await building.wait_for_runs()
    return await (
        ScheduleItem.select()
        .where(ScheduleItem.hackathon == world.hackathon_id)
        .order_by(ScheduleItem.starts_at)
        .output(load_json=True)
    )


def of_team(items: list[dict[str, Any]], world: World, name: str, kind: str) -> dict[str, Any]:
    return next(i for i in items if i["kind"] == kind and i["team_ids"] == [world.teams[name]])
