"""A party's data in the pilots: exported with the rest, and kept as the agreement's record on erasure."""

from __future__ import annotations

import json
from datetime import date

from core.privacy import erase_on_request, export
from core.tables import StoredFile
from pilots.tables import Measurement, MeasurementEvidence, Signature
from tests.integration.core.personal_data import make_stored_file, open_zip
from tests.integration.pilots.world import make_pilot_world


async def _report_with_evidence(world) -> tuple[int, int]:
    kpi = await _kpi(world.pilot_id)
    measurement = (
        await Measurement.insert(
            Measurement(kpi=kpi, measured_on=date(2026, 10, 1), value=12.0, reported_by=world.founder["id"])
        ).returning(Measurement.id)
    )[0]["id"]
    evidence = await make_stored_file(world.founder["id"], b"%PDF readings", "readings.pdf", "pilot_evidence")
    await MeasurementEvidence.insert(MeasurementEvidence(measurement=measurement, file=evidence["id"]))
    return measurement, evidence["id"]


async def _kpi(pilot_id: int) -> int:
    from pilots.enums import Direction, Frequency, Side
    from pilots.tables import Kpi

    return (
        await Kpi.insert(
            Kpi(
                pilot=pilot_id,
                name="Farms irrigating on advice",
                unit="farms",
                direction=Direction.UP,
                baseline_value=0,
                baseline_on=date(2026, 8, 1),
                target_value=20,
                method="SMS replies.",
                frequency=Frequency.MONTHLY,
                reporter=Side.STARTUP,
            )
        ).returning(Kpi.id)
    )[0]["id"]


async def test_the_export_holds_what_the_person_signed_and_reported(app) -> None:
    world = await make_pilot_world()
    measurement, _evidence = await _report_with_evidence(world)

    document = json.loads(open_zip(await export(user_id=world.founder["id"])).read("pilots.json"))

    assert [(row["pilot"], row["version"], row["side"]) for row in document["signatures"]] == [
        (world.pilot_id, 1, "startup")
    ]
    assert [(row["id"], row["value"]) for row in document["measurements_reported"]] == [(measurement, 12.0)]


async def test_erasure_keeps_the_signature_and_the_evidence_under_the_pseudonym(app) -> None:
    world = await make_pilot_world()
    _measurement, evidence = await _report_with_evidence(world)

    await erase_on_request(organiser_id=world.organiser["id"], user_id=world.founder["id"], reason="Asked by mail.")

    assert await Signature.count().where(Signature.signer == world.founder["id"]) == 1
    assert await StoredFile.exists().where(StoredFile.id == evidence)
