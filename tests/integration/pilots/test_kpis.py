"""A pilot's KPIs: defined by the organiser or the municipality, checked against the problem's goals."""

from __future__ import annotations

import msgspec
import pytest

from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage
from pilots.enums import Direction, PilotStatus
from pilots.queries.kpis import load_kpi
from pilots.services import kpis
from pilots.tables import Kpi, Pilot
from tests.integration.pilots.kpis_world import WATER, add_kpi, report, user_of
from tests.integration.pilots.world import make_pilot_world


async def test_the_organiser_defines_a_kpi_audited_and_mailed_to_the_other_sides() -> None:
    world = await make_pilot_world()

    kpi_id = await add_kpi(world)

    kpi = await load_kpi(pilot_id=world.pilot_id, kpi_id=kpi_id)
    assert (kpi.name, kpi.direction, kpi.target_value, kpi.sdg, kpi.sdg_target) == (
        "Irrigation water per hectare",
        Direction.DOWN,
        330.0,
        6,
        "6.4",
    )
    audit = await AuditEvent.select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity == "kpi")
    assert audit == [{"action": "kpi.defined", "entity_id": str(kpi_id)}]
    mails = await OutboxMessage.select(OutboxMessage.to_address).order_by(OutboxMessage.to_address)
    assert [m["to_address"] for m in mails] == ["ana@agrosense.example", "marko@ivanjica.example"]


async def test_a_target_on_the_wrong_side_of_the_baseline_is_refused_on_target_value() -> None:
    world = await make_pilot_world()

    with pytest.raises(ValidationFailed) as refused:
        await kpis.define_kpi(
            user=await user_of(world.staff),
            pilot_id=world.pilot_id,
            kpi=msgspec.structs.replace(WATER, target_value=450.0),
        )

    assert refused.value.errors == {"target_value": "Less is better for this KPI: the target is below the baseline."}
    assert await Kpi.count() == 0


async def test_a_goal_the_problem_does_not_serve_is_refused() -> None:
    world = await make_pilot_world()

    with pytest.raises(ValidationFailed) as refused:
        await kpis.define_kpi(
            user=await user_of(world.staff),
            pilot_id=world.pilot_id,
            kpi=msgspec.structs.replace(WATER, sdg=11, sdg_target=""),
        )

    assert refused.value.errors == {"sdg": "Choose one of the problem's goals."}


async def test_the_startup_and_staff_of_another_town_do_not_define_kpis() -> None:
    world = await make_pilot_world()

    for person in (world.founder, world.stranger_staff, world.mentor):
        with pytest.raises(PermissionDenied):
            await kpis.define_kpi(user=await user_of(person), pilot_id=world.pilot_id, kpi=WATER)
    assert await Kpi.count() == 0


async def test_kpis_of_an_ended_pilot_no_longer_change() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    await Pilot.update({Pilot.status: PilotStatus.STOPPED}).where(Pilot.id == world.pilot_id)

    with pytest.raises(StateConflict):
        await kpis.edit_kpi(user=await user_of(world.staff), pilot_id=world.pilot_id, kpi_id=kpi_id, kpi=WATER)


async def test_the_staff_edit_a_kpi_and_the_audit_keeps_both_versions() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)

    edited = await kpis.edit_kpi(
        user=await user_of(world.staff),
        pilot_id=world.pilot_id,
        kpi_id=kpi_id,
        kpi=msgspec.structs.replace(WATER, target_value=300.0),
    )

    assert edited.target_value == 300.0
    row = (
        await AuditEvent.select(AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action == "kpi.edited")
        .first()
        .output(load_json=True)
    )
    assert (row["before"]["target_value"], row["after"]["target_value"]) == (330.0, 300.0)


async def test_a_kpi_is_removed_only_while_it_has_no_measurements() -> None:
    world = await make_pilot_world()
    kept, spare = await add_kpi(world), await add_kpi(world, msgspec.structs.replace(WATER, name="Spare"))
    await report(world, kept)
    staff = await user_of(world.staff)

    await kpis.remove_kpi(user=staff, pilot_id=world.pilot_id, kpi_id=spare)
    with pytest.raises(StateConflict) as refused:
        await kpis.remove_kpi(user=staff, pilot_id=world.pilot_id, kpi_id=kept)

    assert refused.value.message == "This KPI has measurements; it stays on the record."
    assert [row["id"] for row in await Kpi.select(Kpi.id)] == [kept]
