"""Measurements: reported by the KPI's reporting side, accepted or disputed by the other two."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage
from pilots.enums import MeasurementStatus, PilotStatus, Review, Side
from pilots.queries.kpis import kpi_detail, public_kpis
from pilots.queries.pilots import load_pilot
from pilots.schemas import MeasurementIn
from pilots.services import measurements
from pilots.tables import Measurement
from tests.integration.pilots.kpis_world import NOW, add_kpi, report, review, user_of
from tests.integration.pilots.world import make_pilot_world


async def test_a_value_dated_outside_the_pilot_is_refused_on_its_date() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)

    with pytest.raises(ValidationFailed) as refused:
        await report(world, kpi_id, on=date(2026, 8, 31))

    assert refused.value.errors == {
        "measured_on": "Measurements are dated within the pilot, from its start to its end."
    }
    assert await Measurement.count() == 0


async def test_only_the_reporting_side_reports() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)

    for person in (world.staff, world.organiser, world.stranger_staff):
        with pytest.raises(PermissionDenied):
            await measurements.report_measurement(
                user=await user_of(person),
                pilot_id=world.pilot_id,
                kpi_id=kpi_id,
                measurement=MeasurementIn(measured_on=date(2026, 10, 31), value=1.0),
                now=NOW,
            )


async def test_nothing_is_reported_before_the_pilot_runs() -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    kpi_id = await add_kpi(world)

    with pytest.raises(StateConflict):
        await report(world, kpi_id)


async def test_the_municipality_disputes_with_a_reason_and_the_reporter_and_organiser_are_told() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    await OutboxMessage.delete(force=True)

    status = await review(
        world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="Farm 7's meter was broken."
    )

    assert status == "disputed"
    mails = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.body_text).order_by(
        OutboxMessage.to_address
    )
    assert [m["to_address"] for m in mails] == ["ana@agrosense.example", "olga@challenge.example"]
    assert mails[0]["body_text"].splitlines()[2] == (
        "Marko Staff (the municipality) disputed the value 398.5 m³/ha of “Irrigation water per hectare”, "
        "measured on 2026-10-31: Farm 7's meter was broken."
    )
    audit = (
        await AuditEvent.select(AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action == "measurement.reviewed")
        .output(load_json=True)
    )
    assert audit == [
        {
            "before": {"status": "reported"},
            "after": {
                "status": "disputed",
                "side": "municipality",
                "review": "dispute",
                "reason": "Farm 7's meter was broken.",
            },
        }
    ]


async def test_accepted_by_both_other_sides_it_counts_towards_progress() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id, value=375.0)

    first = await review(world, world.staff, kpi_id, measurement_id)
    second = await review(world, world.organiser, kpi_id, measurement_id)

    assert (first, second) == ("reported", "accepted")
    kpi = await kpi_detail(await load_pilot(world.pilot_id), kpi_id)
    assert (kpi.latest_accepted, kpi.progress, kpi.next_due) == (375.0, 0.5, date(2026, 11, 30))


async def test_a_side_latest_review_counts() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    await review(world, world.organiser, kpi_id, measurement_id)
    await review(world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="Meter broken.")

    status = await review(world, world.staff, kpi_id, measurement_id)

    assert status == "accepted"
    kpi = await kpi_detail(await load_pilot(world.pilot_id), kpi_id)
    shown = kpi.measurements[0]
    assert [(r.side, r.review, r.current) for r in shown.reviews] == [
        (Side.ORGANISER, Review.ACCEPT, True),
        (Side.MUNICIPALITY, Review.DISPUTE, False),
        (Side.MUNICIPALITY, Review.ACCEPT, True),
    ]
    assert shown.disputes == []


async def test_a_dispute_needs_its_reason() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)

    with pytest.raises(ValidationFailed) as refused:
        await review(world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="  ")

    assert refused.value.errors == {"reason": "Say why you dispute this value."}


async def test_the_reporter_cannot_review_its_own() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)

    with pytest.raises(PermissionDenied):
        await review(world, world.founder, kpi_id, measurement_id)
    with pytest.raises(PermissionDenied):
        await review(world, world.staff, kpi_id, measurement_id, side=Side.STARTUP)
    assert (await Measurement.select(Measurement.status).first())["status"] == "reported"


async def test_the_public_sees_accepted_and_disputed_values_only() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    waiting = await report(world, kpi_id, on=date(2026, 10, 31))
    disputed = await report(world, kpi_id, on=date(2026, 9, 30))
    await review(world, world.staff, kpi_id, disputed, review=Review.DISPUTE, reason="Meter broken.")

    shown = await public_kpis(await load_pilot(world.pilot_id))

    assert [(m.id, m.status, m.reviews, m.evidence, m.reporter_name) for m in shown[0].measurements] == [
        (disputed, MeasurementStatus.DISPUTED, [], [], "")
    ]
    assert waiting != disputed
