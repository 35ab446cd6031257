"""Hostile input on a pilot's KPIs: overlong fields are named and kept (never cut, never a 500),
and markup typed into a KPI, a note or a dispute stays inert on the KPI pages."""

from __future__ import annotations

from pilots.tables import Kpi, Measurement
from tests.integration.core.hostile_text import hostile, inertness
from tests.integration.pilots.kpis_world import SignIn, add_kpi, report, sign_in
from tests.integration.pilots.world import make_pilot_world
from tests.web import field_error

__all__ = ["sign_in"]  # the fixture, imported for pytest

TOO_LONG = "This is too long; please shorten it."
KPI_FORM = {
    "name": "Water per hectare",
    "unit": "m³/ha",
    "direction": "down",
    "baseline_value": "420",
    "baseline_on": "2026-06-01",
    "target_value": "330",
    "method": "Flow meters.",
    "frequency": "monthly",
    "reporter": "startup",
    "sdg": "",
    "sdg_target": "",
}


# What a browser sends for a file input left empty: multipart, a part without a name or bytes.
NO_FILE = {"evidence_1": ("", b"", "application/octet-stream")}


def over(name: str, limit: int) -> str:
    """A value one character over `limit`, unique to its field, counted in characters (not bytes)."""
    return (f"{name}Ž·" * (limit // 3 + 2))[: limit + 1]


async def test_every_overlong_kpi_field_is_named_and_kept_on_the_page_and_in_the_api(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    staff = await sign_in(world.staff)
    long = {"name": over("name", 200), "unit": over("unit", 40), "method": over("method", 2000)}

    page = await staff.post_form(f"/pilots/{world.pilot_id}/work/kpis", {**KPI_FORM, **long})
    api = await staff.post_json(
        f"/api/v1/pilots/{world.pilot_id}/kpis",
        {**KPI_FORM, **long, "baseline_value": 420, "target_value": 330, "sdg": None},
    )

    assert page.status_code == 422
    assert {name: field_error(page.text, name) for name in long} == dict.fromkeys(long, TOO_LONG)
    assert all(value in page.text for value in long.values())
    assert (api.status_code, api.json()["errors"]) == (422, dict.fromkeys(long, TOO_LONG))
    assert await Kpi.count() == 0


async def test_an_overlong_note_and_dispute_reason_are_named_and_kept(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    founder, staff = await sign_in(world.founder), await sign_in(world.staff)
    base = f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}"
    note, reason = over("note", 2000), over("reason", 2000)

    reported = await founder.upload(
        f"{base}/measurements", NO_FILE, {"measured_on": "2026-10-31", "value": "398", "note": note}
    )
    disputed = await staff.post_form(
        f"{base}/measurements/{measurement_id}/reviews", {"review": "dispute", "reason": reason}
    )

    assert (reported.status_code, field_error(reported.text, "note")) == (422, TOO_LONG)
    assert note in reported.text
    assert (disputed.status_code, field_error(disputed.text, "reason")) == (422, TOO_LONG)
    assert reason in disputed.text
    assert await Measurement.count() == 1


async def test_markup_in_a_kpi_a_note_and_a_dispute_stays_inert(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    staff, founder = await sign_in(world.staff), await sign_in(world.founder)
    await staff.post_form(
        f"/pilots/{world.pilot_id}/work/kpis",
        {**KPI_FORM, "name": hostile("kpi"), "unit": "m3", "method": hostile("method")},
    )
    kpi_id = (await Kpi.select(Kpi.id).first())["id"]
    base = f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}"
    await founder.upload(
        f"{base}/measurements", NO_FILE, {"measured_on": "2026-10-31", "value": "398", "note": hostile("note")}
    )
    measurement_id = (await Measurement.select(Measurement.id).first())["id"]
    await staff.post_form(
        f"{base}/measurements/{measurement_id}/reviews", {"review": "dispute", "reason": hostile("reason")}
    )

    listing, detail = (await staff.get(f"/pilots/{world.pilot_id}/work/kpis")).text, (await staff.get(base)).text

    assert inertness(listing, ["kpi", "method"]) == ([], ["kpi", "method"])
    assert inertness(detail, ["kpi", "method", "note", "reason"]) == ([], ["kpi", "method", "note", "reason"])
