"""Pilots at the scale the benchmark asks for: 200 pilots x 10 KPIs x 50 measurements.

Built on the generated edition (bench/generated_edition.py): 200 of its applications, each with
one of its problems, run a pilot; each KPI has fifty weekly measurements, one in twenty disputed
and the last two still awaiting review; each pilot has six milestones and forty residents' ratings.
Written straight to the tables in batches, like the rest of the generated data.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from generated_edition import insert_batched

PILOTS = 200
KPIS = 10
MEASUREMENTS = 50
MILESTONES = 6
FEEDBACK = 40


async def populate(rng: random.Random, edition_id: int, organiser_id: int) -> dict[str, Any]:
    """The pilots; returns the id of the one whose page is measured."""
    from challenge.tables import ApplicationProblem
    from pilots.enums import SIDES, Direction, Frequency, MeasurementStatus, MilestoneStatus, PilotStatus, Side
    from pilots.tables import AgreementVersion, Kpi, Measurement, Milestone, Pilot, PilotFeedback

    links = await (
        ApplicationProblem.select(
            ApplicationProblem.application,
            ApplicationProblem.problem,
            ApplicationProblem.problem.municipality.as_alias("municipality"),
            ApplicationProblem.application.startup.as_alias("startup"),
        )
        .where(ApplicationProblem.application.edition == edition_id)
        .order_by(ApplicationProblem.id)
    )
    chosen: dict[int, dict[str, Any]] = {}
    for link in links:
        chosen.setdefault(link["application"], link)
        if len(chosen) == PILOTS:
            break
    starts_on = date(2026, 1, 5)
    ends_on = starts_on + timedelta(weeks=MEASUREMENTS + 2)
    statuses = [PilotStatus.RUNNING] * 7 + [PilotStatus.COMPLETED, PilotStatus.AGREED, PilotStatus.STOPPED]
    pilots = [
        Pilot(
            edition=edition_id,
            application=link["application"],
            problem=link["problem"],
            municipality=link["municipality"],
            startup=link["startup"],
            code=secrets.token_hex(4),
            title=f"Pilot {n}: sensors and a dashboard for problem {link['problem']}",
            language="en",
            status=statuses[n % len(statuses)],
            scope="Sensors, a dashboard for the municipality's staff and monthly open data.",
            locations=["Centre", "North district"],
            starts_on=starts_on,
            ends_on=ends_on,
            budget_eur=rng.randrange(5_000, 80_000, 500),
            funded_by="The municipality",
            data_terms="The municipality owns the readings; monthly aggregates are open data.",
            current_version=1,
            version_in_force=1,
            opened_by=organiser_id,
            stop_reason="The site was flooded." if statuses[n % len(statuses)] is PilotStatus.STOPPED else "",
        )
        for n, link in enumerate(chosen.values())
    ]
    await insert_batched(Pilot, pilots)
    pilot_ids = [row["id"] for row in await Pilot.select(Pilot.id).where(Pilot.edition == edition_id)]
    await insert_batched(
        AgreementVersion,
        [AgreementVersion(pilot=p, number=1, key=f"{p}:1", terms={}, author=organiser_id) for p in pilot_ids],
    )
    kpis = []
    for pilot in pilot_ids:
        for k in range(KPIS):
            down = k % 2 == 1
            baseline = float(rng.randrange(40, 400))
            kpis.append(
                Kpi(
                    pilot=pilot,
                    position=k,
                    name=f"KPI {k + 1}",
                    unit="units",
                    direction=Direction.DOWN if down else Direction.UP,
                    baseline_value=baseline,
                    baseline_on=starts_on,
                    target_value=baseline * (0.6 if down else 1.4),
                    method="Counted by the municipality's staff.",
                    frequency=Frequency.WEEKLY,
                    reporter=Side.STARTUP if k % 3 else Side.MUNICIPALITY,
                    sdg=11,
                )
            )
    await insert_batched(Kpi, kpis)
    kpi_rows = await Kpi.select(Kpi.id, Kpi.baseline_value, Kpi.target_value).where(Kpi.pilot.is_in(pilot_ids))
    measurements = []
    for kpi in kpi_rows:
        for week in range(MEASUREMENTS):
            share = week / MEASUREMENTS + rng.gauss(0, 0.05)
            status = (
                MeasurementStatus.REPORTED
                if week >= MEASUREMENTS - 2
                else MeasurementStatus.DISPUTED
                if rng.random() < 0.05
                else MeasurementStatus.ACCEPTED
            )
            measurements.append(
                Measurement(
                    kpi=kpi["id"],
                    measured_on=starts_on + timedelta(weeks=week + 1),
                    value=round(kpi["baseline_value"] + share * (kpi["target_value"] - kpi["baseline_value"]), 1),
                    status=status,
                )
            )
    await insert_batched(Measurement, measurements)
    await insert_batched(
        Milestone,
        [
            Milestone(
                pilot=pilot,
                title=f"Milestone {m + 1}",
                deliverable="A report.",
                due_on=starts_on + timedelta(weeks=8 * (m + 1)),
                sign_off_by=[side.value for side in SIDES],
                status=MilestoneStatus.ACHIEVED if m < 3 else MilestoneStatus.PENDING,
            )
            for pilot in pilot_ids
            for m in range(MILESTONES)
        ],
    )
    now = datetime(2026, 10, 1, tzinfo=UTC)
    await insert_batched(
        PilotFeedback,
        [
            PilotFeedback(
                pilot=pilot,
                rating=rng.choice((2, 3, 4, 4, 5, 5)),
                comment="Works well." if f % 3 == 0 else "",
                local=f % 2 == 0,
                created_at=now - timedelta(days=f * 4),
            )
            for pilot in pilot_ids
            for f in range(FEEDBACK)
        ],
    )
    return {"pilot_id": pilot_ids[0]}
