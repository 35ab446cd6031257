"""A pilot's KPIs: defined by the organiser or the municipality, checked against the problem's goals."""

from __future__ import annotations

import msgspec
import pytest

from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage
from pilots.enums import Direction, PilotStatus, Side
from pilots.queries.kpis import load_kpi
from pilots.services import kpis
from pilots.tables import Kpi, Pilot
from tests.integration.pilots.kpis_world import WATER, SignIn, add_kpi, report, sign_in, user_of
from tests.integration.pilots.world import make_pilot_world
from tests.web import field_error

__all__ = ["sign_in"]  # the fixture, imported for pytest


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


# Pages ----------------------------------------------------------------------------------------


async def test_the_kpi_page_lists_the_kpis_with_their_standing(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.get(f"/pilots/{world.pilot_id}/work/kpis")

    assert response.status_code == 200
    assert f'<a href="/pilots/{world.pilot_id}/work/kpis" aria-current="page">KPIs</a>' in response.text
    assert "Irrigation water per hectare" in response.text
    assert "Add a KPI" not in response.text  # the startup does not define KPIs


async def test_a_kpi_form_with_the_target_on_the_wrong_side_comes_back_with_the_input(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    staff = await sign_in(world.staff)
    form = {
        "name": "Water per hectare",
        "unit": "m³/ha",
        "direction": "down",
        "baseline_value": "420",
        "baseline_on": "2026-06-01",
        "target_value": "450",
        "method": "Flow meters.",
        "frequency": "monthly",
        "reporter": "startup",
        "sdg": "6",
        "sdg_target": "6.4",
    }

    response = await staff.post_form(f"/pilots/{world.pilot_id}/work/kpis", form)

    assert response.status_code == 422
    assert (
        field_error(response.text, "target_value") == "Less is better for this KPI: the target is below the baseline."
    )
    assert 'name="target_value" type="text" value="450"' in response.text
    assert '<option value="6" selected>6. Clean water and sanitation</option>' in response.text
    assert await Kpi.count() == 0


async def test_the_staff_add_a_kpi_through_the_form(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    staff = await sign_in(world.staff)
    form = {
        "name": "Farms advised by SMS",
        "unit": "farms",
        "direction": "up",
        "baseline_value": "0",
        "baseline_on": "2026-08-01",
        "target_value": "20",
        "method": "The SMS gateway's log.",
        "frequency": "quarterly",
        "reporter": "startup",
        "sdg": "2",
        "sdg_target": "",
    }

    response = await staff.post_form(f"/pilots/{world.pilot_id}/work/kpis", form)

    kpi = await Kpi.select(Kpi.id, Kpi.name, Kpi.sdg).first()
    assert (response.status_code, response.headers["location"]) == (
        302,
        f"/pilots/{world.pilot_id}/work/kpis/{kpi['id']}",
    )
    assert (kpi["name"], kpi["sdg"]) == ("Farms advised by SMS", 2)


async def test_staff_of_another_town_do_not_enter_the_kpi_pages(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    stranger = await sign_in(world.stranger_staff)

    response = await stranger.get(f"/pilots/{world.pilot_id}/work/kpis")

    assert response.status_code == 403


# API ------------------------------------------------------------------------------------------

KPI_BODY = {
    "name": "Farms advised by SMS",
    "unit": "farms",
    "direction": "up",
    "baseline_value": 0,
    "baseline_on": "2026-08-01",
    "target_value": 20,
    "method": "The SMS gateway's log.",
    "frequency": "quarterly",
    "reporter": "startup",
    "sdg": 2,
}


async def test_the_api_defines_a_kpi_for_the_municipality_but_not_for_the_startup(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    staff, founder = await sign_in(world.staff), await sign_in(world.founder)

    made = await staff.post_json(f"/api/v1/pilots/{world.pilot_id}/kpis", KPI_BODY)
    refused = await founder.post_json(f"/api/v1/pilots/{world.pilot_id}/kpis", KPI_BODY)
    wrong = await staff.post_json(f"/api/v1/pilots/{world.pilot_id}/kpis", {**KPI_BODY, "target_value": -1})

    assert (made.status_code, made.json()["pilot_id"]) == (201, world.pilot_id)
    assert refused.status_code == 403
    assert (wrong.status_code, wrong.json()["errors"]) == (
        422,
        {"target_value": "More is better for this KPI: the target is above the baseline."},
    )
    assert await Kpi.count() == 1


async def test_a_measured_kpi_keeps_what_its_values_were_judged_against() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    await report(world, kpi_id)
    organiser = await user_of(world.organiser)

    with pytest.raises(StateConflict) as refused:
        await kpis.edit_kpi(
            user=organiser,
            pilot_id=world.pilot_id,
            kpi_id=kpi_id,
            kpi=msgspec.structs.replace(WATER, reporter=Side.MUNICIPALITY),
        )
    renamed = await kpis.edit_kpi(
        user=organiser,
        pilot_id=world.pilot_id,
        kpi_id=kpi_id,
        kpi=msgspec.structs.replace(WATER, name="Water, per hectare"),
    )

    assert refused.value.message == kpis.MEANING_FIXED
    assert (renamed.name, renamed.reporter) == ("Water, per hectare", WATER.reporter)
