"""Reminders of running pilots: before a measurement or milestone is due and once it is overdue,
to the people standing for the side that is to act; each mail once, however often the job runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar import Litestar

from challenge.tables import Edition
from core.db import engine
from core.scheduler import registered_jobs
from core.tables import OutboxMessage
from pilots.enums import MeasurementStatus, PilotStatus, SignOffDecision
from pilots.queries.milestones import overdue_entries
from pilots.rules.reminders import ItemKind
from pilots.services import milestones
from pilots.services.reminders import send_reminders
from pilots.tables import Measurement
from tests.integration.pilots.milestones_world import add_kpi, add_milestone_row, measure, user
from tests.integration.pilots.world import make_pilot_world

# The pilot starts on 1 Sep 2026: a monthly KPI is first due on 1 Oct.
SEP_29 = datetime(2026, 9, 29, 8, 0, tzinfo=UTC)
OCT_5 = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


async def _reminders() -> list[tuple[str, str]]:
    rows = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.once_key).order_by(OutboxMessage.once_key)
    return [(row["to_address"], row["once_key"]) for row in rows if (row["once_key"] or "").startswith("pilot:")]


async def test_the_reporting_side_hears_before_a_measurement_is_due_and_once_it_is_overdue() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world.pilot_id, reporter="startup")
    founder = world.founder

    too_early = await send_reminders(now=datetime(2026, 9, 20, tzinfo=UTC))
    soon = await send_reminders(now=SEP_29)
    late = await send_reminders(now=OCT_5)

    assert (too_early, soon, late) == (0, 1, 1)
    assert await _reminders() == [
        (founder["email"], f"pilot:measurement:{kpi_id}:due_soon:2026-10-01:{founder['id']}"),
        (founder["email"], f"pilot:measurement:{kpi_id}:overdue:2026-10-01:{founder['id']}"),
    ]
    subjects = [m["subject"] for m in await OutboxMessage.select(OutboxMessage.subject).order_by(OutboxMessage.id)]
    assert subjects == ["Due soon: a measurement of “Water saved”", "Overdue: a measurement of “Water saved”"]


async def test_a_new_measurement_moves_the_due_date_and_so_the_reminder() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world.pilot_id, reporter="municipality")
    await measure(kpi_id, date(2026, 10, 2))

    assert await send_reminders(now=OCT_5) == 0
    assert await send_reminders(now=datetime(2026, 10, 30, tzinfo=UTC)) == 1
    assert await _reminders() == [
        (world.staff["email"], f"pilot:measurement:{kpi_id}:due_soon:2026-11-02:{world.staff['id']}"),
    ]


async def test_a_disputed_value_does_not_count_as_the_periods_measurement() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world.pilot_id, reporter="municipality")
    await measure(kpi_id, date(2026, 10, 2))
    await Measurement.update({Measurement.status: MeasurementStatus.DISPUTED}).where(Measurement.kpi == kpi_id)

    assert await send_reminders(now=OCT_5) == 1
    assert await _reminders() == [
        (world.staff["email"], f"pilot:measurement:{kpi_id}:overdue:2026-10-01:{world.staff['id']}"),
    ]


async def test_a_milestone_reminds_only_the_named_sides_that_have_not_approved() -> None:
    world = await make_pilot_world()
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Sensors installed", due_on=date(2026, 10, 1), sides=["municipality", "startup"]
    )
    await milestones.sign_off(
        user=await user(world.founder),
        pilot_id=world.pilot_id,
        milestone_id=milestone_id,
        decision=SignOffDecision.APPROVE,
        reason="",
    )

    assert await send_reminders(now=OCT_5) == 1
    assert [key for _, key in await _reminders()] == [
        f"pilot:milestone:{milestone_id}:overdue:2026-10-01:{world.staff['id']}"
    ]


async def test_running_the_job_twice_or_twice_at_once_queues_each_reminder_once(app: Litestar) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world.pilot_id, reporter="startup")
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Report", due_on=date(2026, 9, 30), sides=["organiser", "municipality"]
    )

    first, second = await asyncio.gather(send_reminders(now=SEP_29), send_reminders(now=SEP_29))
    again = await send_reminders(now=SEP_29)

    assert (first + second, again) == (3, 0)
    assert await _reminders() == [
        (world.founder["email"], f"pilot:measurement:{kpi_id}:due_soon:2026-10-01:{world.founder['id']}"),
        (world.organiser["email"], f"pilot:milestone:{milestone_id}:due_soon:2026-09-30:{world.organiser['id']}"),
        (world.staff["email"], f"pilot:milestone:{milestone_id}:due_soon:2026-09-30:{world.staff['id']}"),
    ]
    assert "pilots.reminders" in [job.id for job in registered_jobs()]


async def test_only_running_pilots_are_reminded() -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    await add_kpi(world.pilot_id)
    await add_milestone_row(world.pilot_id, title="Report", due_on=date(2026, 9, 30), sides=["municipality"])

    assert await send_reminders(now=OCT_5) == 0
    assert await overdue_entries(now=OCT_5) == []


async def test_the_overdue_list_names_the_pilot_the_item_and_who_is_to_act() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world.pilot_id, reporter="startup")
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Sensors installed", due_on=date(2026, 9, 15), sides=["municipality"]
    )
    await add_milestone_row(world.pilot_id, title="Final report", due_on=date(2027, 2, 15), sides=["municipality"])

    overdue = await overdue_entries(now=OCT_5)

    assert [(e.kind, e.item_id, e.name, e.municipality, e.due_on, sorted(e.sides), days) for e, days in overdue] == [
        (ItemKind.MILESTONE, milestone_id, "Sensors installed", "Ivanjica", date(2026, 9, 15), ["municipality"], 20),
        (ItemKind.MEASUREMENT, kpi_id, "Water saved", "Ivanjica", date(2026, 10, 1), ["startup"], 4),
    ]


async def test_a_due_date_passes_at_the_municipality_s_midnight_not_utc_s() -> None:
    world = await make_pilot_world()
    await Edition.update({Edition.timezone: "Europe/Belgrade"}).where(Edition.id == world.edition["id"])
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Sensors installed", due_on=date(2026, 10, 1), sides=["municipality"]
    )

    # 23:30 and 00:30 in Belgrade (summer time, UTC+2): still 1 October in UTC both times.
    before_midnight = await overdue_entries(now=datetime(2026, 10, 1, 21, 30, tzinfo=UTC))
    after_midnight = await overdue_entries(now=datetime(2026, 10, 1, 22, 30, tzinfo=UTC))
    queued = await send_reminders(now=datetime(2026, 10, 1, 22, 30, tzinfo=UTC))

    assert before_midnight == []
    assert [(entry.item_id, days) for entry, days in after_midnight] == [(milestone_id, 1)]
    assert queued == 1
    assert [key for _, key in await _reminders()] == [
        f"pilot:milestone:{milestone_id}:overdue:2026-10-01:{world.staff['id']}"
    ]


async def test_the_startup_side_is_mailed_as_it_signs_by_its_startup_role() -> None:
    from challenge.tables import StartupMember
    from pilots.enums import Side
    from pilots.queries.milestones import people_for
    from pilots.queries.pilots import load_pilot, sides_of
    from tests.factories import make_user

    world = await make_pilot_world()
    # Left the team: the role was withdrawn, the edition's team row stays as history.
    former = await make_user(name="Former Member", email="former@agrosense.example")
    await StartupMember.insert(
        StartupMember(
            startup=world.startup["id"], user=former["id"], edition=world.edition["id"], key=f"x:{former['id']}"
        )
    )
    pilot = await load_pilot(world.pilot_id)

    mailed = [person.email for person in await people_for(pilot, [Side.STARTUP])]

    assert mailed == [world.founder["email"]]
    assert (
        Side.STARTUP in sides_of(await user(world.founder), pilot),
        Side.STARTUP in sides_of(await user(former), pilot),
    ) == (
        True,
        False,
    )


@pytest.fixture
def queries_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the application sends from now on."""
    engine_class = type(engine())
    original = engine_class.run_querystring
    seen: list[str] = []

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return seen


async def _another_running_pilot(world, n: int) -> tuple[int, dict, dict]:
    """A second running pilot of the same edition, in another town with another startup and their people."""
    from core.enums import Role
    from pilots.tables import Pilot
    from tests.factories import make_municipality, make_startup, make_user
    from tests.integration.core.personal_data import make_team

    town = await make_municipality(name=f"Town {n}")
    startup = await make_startup(name=f"Startup {n}")
    staff = await make_user(
        name=f"Staff {n}", email=f"staff{n}@town.example", role=Role.MUNICIPALITY, organisation_id=town["id"]
    )
    founder = await make_user(name=f"Founder {n}", email=f"founder{n}@startup.example")
    await make_team(world.edition["id"], startup["id"], founder)
    first = await Pilot.select().where(Pilot.id == world.pilot_id).first()
    copied = {key: value for key, value in first.items() if key not in ("id", "code", "municipality", "startup")}
    pilot_id = (
        await Pilot.insert(
            Pilot(**copied, code=f"p{n:04d}x", municipality=town["id"], startup=startup["id"])
        ).returning(Pilot.id)
    )[0]["id"]
    return pilot_id, staff, founder


async def test_many_pilots_are_reminded_in_a_bounded_number_of_queries_with_the_same_mails(queries_run) -> None:
    world = await make_pilot_world()
    first_kpi = await add_kpi(world.pilot_id, reporter="startup")
    first_milestone = await add_milestone_row(
        world.pilot_id, title="Report", due_on=date(2026, 9, 30), sides=["organiser", "municipality"]
    )
    expected = [
        (world.founder["email"], f"pilot:measurement:{first_kpi}:due_soon:2026-10-01:{world.founder['id']}"),
        (world.organiser["email"], f"pilot:milestone:{first_milestone}:due_soon:2026-09-30:{world.organiser['id']}"),
        (world.staff["email"], f"pilot:milestone:{first_milestone}:due_soon:2026-09-30:{world.staff['id']}"),
    ]
    counts = []
    for n in range(1, 6):
        pilot_id, staff, founder = await _another_running_pilot(world, n)
        kpi_id = await add_kpi(pilot_id, reporter="municipality")
        milestone_id = await add_milestone_row(
            pilot_id, title=f"Sensors {n}", due_on=date(2026, 9, 30), sides=["startup", "municipality"]
        )
        expected += [
            (staff["email"], f"pilot:measurement:{kpi_id}:due_soon:2026-10-01:{staff['id']}"),
            (founder["email"], f"pilot:milestone:{milestone_id}:due_soon:2026-09-30:{founder['id']}"),
            (staff["email"], f"pilot:milestone:{milestone_id}:due_soon:2026-09-30:{staff['id']}"),
        ]
        if n in (1, 5):
            # A run of the same day with 2 and with 6 pilots, its mails then dropped: the queries
            # besides the outbox's own (one per mail) do not grow with the pilots.
            await OutboxMessage.delete(force=True)
            queries_run.clear()
            await send_reminders(now=SEP_29)
            counts.append(sum(1 for sql in queries_run if "outbox" not in sql.lower()))
    await OutboxMessage.delete(force=True)

    queued = await send_reminders(now=SEP_29)

    assert queued == len(expected) == 18
    assert await _reminders() == sorted(expected, key=lambda mail: mail[1])
    assert counts[0] == counts[1]
    stands_for = {
        (m["to_address"], m["body_text"].split("You stand for: ")[1].split(".")[0])
        for m in await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.body_text)
    }
    assert {side for address, side in stands_for if address == "staff1@town.example"} == {"the municipality"}
    assert {side for address, side in stands_for if address == "founder1@startup.example"} == {"the startup"}
    assert {side for address, side in stands_for if address == world.organiser["email"]} == {"the organisers"}
