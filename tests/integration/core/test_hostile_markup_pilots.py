"""Markup and formulas typed into a pilot's texts (its terms, KPIs, milestones, refusals, residents'
comments) stay inert on its public page, the edition's roll-up, the charts and the open data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from pilots.enums import MilestoneStatus, Side, SignOffDecision
from pilots.tables import Pilot
from tests.integration.core.hostile_text import RAW, cell_with, csv_rows, hostile, inertness
from tests.integration.pilots.public_world import (
    add_feedback,
    add_kpi,
    add_milestone,
    add_sign_off,
    make_public_world,
)
from tests.web import WebClient


async def test_pilot_texts_are_inert_on_the_public_pages_and_in_the_open_data(client: WebClient) -> None:
    w = await make_public_world()
    await Pilot.update(
        {
            Pilot.title: hostile("T-title"),
            Pilot.scope: hostile("T-scope"),
            Pilot.locations: [hostile("T-place")],
            Pilot.funded_by: hostile("T-funder"),
        }
    ).where(Pilot.id == w.pilot_id)
    await add_kpi(w.pilot_id, name=hostile("T-kpi"), unit="=1+1", method=hostile("T-method"))
    milestone = await add_milestone(
        w.pilot_id, title=hostile("T-milestone"), due_on=date(2026, 12, 1), status=MilestoneStatus.REFUSED
    )
    await add_sign_off(milestone, Side.STARTUP, SignOffDecision.REFUSE, w.world.founder["id"], reason=hostile("T-why"))
    await add_feedback(w.pilot_id, rating=3, on=datetime(2026, 12, 2, tzinfo=UTC), comment=hostile("T-comment"))

    page = (await client.get(f"/pilots/{w.pilot_id}")).text
    listing = (await client.get("/pilots")).text
    rollup = (await client.get(f"/editions/{w.world.edition['slug']}/pilots")).text
    pilots_csv = csv_rows((await client.get("/open-data/pilots/pilots.csv")).content)
    kpis_csv = csv_rows((await client.get("/open-data/pilots/kpis.csv")).content)
    document = (await client.get("/open-data/pilots/pilots.json")).text

    labels = ["T-title", "T-scope", "T-place", "T-funder", "T-method", "T-milestone", "T-why", "T-comment"]
    raw, shown = inertness(page, labels)
    assert (raw, shown) == ([], labels)
    assert "T-kpi &lt;script&gt;" in page  # as a heading, and escaped inside the chart's SVG title
    assert [r for r in RAW if r in listing or r in rollup] == []
    assert "{{7*7}}" in page and ">49<" not in page
    assert cell_with(pilots_csv, "T-title").startswith("T-title")
    assert cell_with(kpis_csv, "1+1") == "'=1+1"
    assert json.loads(document)["pilots"][0]["title"] == hostile("T-title")
