"""What the public pilot pages and open data read, written straight into the tables.

The services that create KPIs, measurements, milestones and feedback belong to other parts of the
pilots domain; these pages only read, so their tests lay the rows down themselves, in the states
the pages must tell apart (accepted, disputed and unreviewed values; achieved, refused and private
milestones; visible and hidden feedback; a draft pilot that must not show anywhere).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from challenge.enums import SettlementKind
from pilots.enums import (
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotStatus,
    Side,
    SignOffDecision,
)
from pilots.tables import Kpi, Measurement, Milestone, Pilot, PilotFeedback, SignOff
from tests.factories import make_municipality, make_problem
from tests.integration.pilots.world import ENDS_ON, STARTS_ON, TERMS, PilotWorld, make_pilot_world

HIDDEN_COMMENT = "Buy cheap watches at spam.example"
DRAFT_TITLE = "Secret draft: smart bins for Kosjerić"


async def add_pilot(
    world: PilotWorld,
    *,
    status: PilotStatus,
    title: str,
    municipality_id: int | None = None,
    problem_id: int | None = None,
) -> int:
    """Another pilot of the world's winner, in its edition (by default in its municipality)."""
    return (
        await Pilot.insert(
            Pilot(
                edition=world.edition["id"],
                application=world.application_id,
                problem=problem_id or world.problem["id"],
                municipality=municipality_id or world.municipality["id"],
                startup=world.startup["id"],
                code=secrets.token_hex(4),
                title=title,
                status=status,
                scope="Smart bins that say when they are full.",
                locations=["Main square"],
                starts_on=STARTS_ON,
                ends_on=ENDS_ON,
                budget_eur=5000,
                funded_by="EU grant",
                procurement=TERMS["procurement"],
                data_terms="Private data terms of the draft",
                current_version=1,
                version_in_force=None if status is PilotStatus.DRAFT else 1,
            )
        ).returning(Pilot.id)
    )[0]["id"]


async def add_kpi(pilot_id: int, **fields: Any) -> int:
    values: dict[str, Any] = {
        "name": "Litres of water used per hectare",
        "unit": "l/ha",
        "direction": Direction.DOWN,
        "baseline_value": 400.0,
        "baseline_on": date(2026, 8, 15),
        "target_value": 300.0,
        "method": "Flow meters on the irrigation lines, read monthly.",
        "frequency": Frequency.MONTHLY,
        "reporter": Side.STARTUP,
        "sdg": 6,
        "sdg_target": "6.4",
        **fields,
    }
    return (await Kpi.insert(Kpi(pilot=pilot_id, **values)).returning(Kpi.id))[0]["id"]


async def add_measurement(kpi_id: int, measured_on: date, value: float, status: MeasurementStatus) -> int:
    return (
        await Measurement.insert(
            Measurement(kpi=kpi_id, measured_on=measured_on, value=value, status=status, note="Read at the meters")
        ).returning(Measurement.id)
    )[0]["id"]


async def add_milestone(
    pilot_id: int,
    *,
    title: str,
    due_on: date,
    status: MilestoneStatus = MilestoneStatus.PENDING,
    public: bool = True,
    sign_off_by: tuple[Side, ...] = (Side.MUNICIPALITY, Side.STARTUP),
) -> int:
    return (
        await Milestone.insert(
            Milestone(
                pilot=pilot_id,
                title=title,
                deliverable=f"Deliverable of {title}",
                due_on=due_on,
                sign_off_by=[side.value for side in sign_off_by],
                public=public,
                status=status,
                achieved_at=datetime(2026, 10, 2, 9, tzinfo=UTC) if status is MilestoneStatus.ACHIEVED else None,
            )
        ).returning(Milestone.id)
    )[0]["id"]


async def add_sign_off(
    milestone_id: int, side: Side, decision: SignOffDecision, signer_id: int, reason: str = ""
) -> None:
    await SignOff.insert(SignOff(milestone=milestone_id, side=side, decision=decision, reason=reason, signer=signer_id))


async def add_feedback(
    pilot_id: int,
    *,
    rating: int,
    on: datetime,
    comment: str = "",
    local: bool = False,
    hidden: bool = False,
    source: FeedbackSource = FeedbackSource.ONLINE,
    entered_by: int | None = None,
    language: str = "en",
) -> int:
    return (
        await PilotFeedback.insert(
            PilotFeedback(
                pilot=pilot_id,
                rating=rating,
                comment=comment,
                local=local,
                language=language,
                source=source,
                entered_by=entered_by,
                hidden=hidden,
                hidden_reason="spam" if hidden else "",
                created_at=on,
            )
        ).returning(PilotFeedback.id)
    )[0]["id"]


@dataclass
class PublicWorld:
    world: PilotWorld
    pilot_id: int  # running, in Ivanjica (rural), SDGs 2 and 6
    draft_id: int  # a draft in an urban municipality, with KPIs, milestones and feedback of its own
    completed_id: int  # completed, in Ivanjica, no KPIs
    kpi_id: int
    accepted_ids: list[int]
    disputed_id: int
    reported_id: int
    refused_milestone_id: int
    private_milestone_id: int
    hidden_feedback_id: int
    urban_id: int  # the urban municipality's id


async def make_public_world() -> PublicWorld:
    """A running pilot with one KPI (three accepted values, one disputed, one awaiting review),
    three milestones (achieved, refused with a reason, private), feedback (three visible, one
    hidden), a completed pilot beside it, and a draft elsewhere that nothing public may show."""
    world = await make_pilot_world(status=PilotStatus.RUNNING)
    pilot = world.pilot_id
    kpi = await add_kpi(pilot)
    accepted = [
        await add_measurement(kpi, date(2026, 10, 1), 380.0, MeasurementStatus.ACCEPTED),
        await add_measurement(kpi, date(2026, 11, 1), 350.0, MeasurementStatus.ACCEPTED),
        await add_measurement(kpi, date(2026, 12, 1), 330.5, MeasurementStatus.ACCEPTED),
    ]
    disputed = await add_measurement(kpi, date(2026, 11, 15), 120.0, MeasurementStatus.DISPUTED)
    reported = await add_measurement(kpi, date(2026, 12, 15), 320.0, MeasurementStatus.REPORTED)
    achieved = await add_milestone(
        pilot, title="Sensors installed", due_on=date(2026, 10, 1), status=MilestoneStatus.ACHIEVED
    )
    await add_sign_off(achieved, Side.MUNICIPALITY, SignOffDecision.APPROVE, world.staff["id"])
    await add_sign_off(achieved, Side.STARTUP, SignOffDecision.APPROVE, world.founder["id"])
    refused = await add_milestone(
        pilot, title="Farmers trained", due_on=date(2026, 11, 1), status=MilestoneStatus.REFUSED
    )
    await add_sign_off(
        refused, Side.MUNICIPALITY, SignOffDecision.REFUSE, world.staff["id"], reason="Only four of twenty farms came."
    )
    private = await add_milestone(pilot, title="Invoice paid", due_on=date(2026, 12, 1), public=False)
    await add_feedback(
        pilot, rating=5, on=datetime(2026, 10, 3, 10, tzinfo=UTC), comment="Fewer dry fields", local=True
    )
    await add_feedback(pilot, rating=4, on=datetime(2026, 10, 20, 10, tzinfo=UTC), local=True)
    await add_feedback(
        pilot,
        rating=2,
        on=datetime(2026, 11, 5, 10, tzinfo=UTC),
        comment="The SMS come at night",
        source=FeedbackSource.IN_PERSON,
        entered_by=world.staff["id"],
    )
    hidden = await add_feedback(
        pilot, rating=1, on=datetime(2026, 11, 6, 10, tzinfo=UTC), comment=HIDDEN_COMMENT, hidden=True
    )
    urban = await make_municipality(name="Kraljevo grad", kind=SettlementKind.URBAN)
    urban_problem = await make_problem(
        edition_id=world.edition["id"], municipality_id=urban["id"], title="Overflowing bins", sdgs=[11]
    )
    draft = await add_pilot(
        world, status=PilotStatus.DRAFT, title=DRAFT_TITLE, municipality_id=urban["id"], problem_id=urban_problem["id"]
    )
    draft_kpi = await add_kpi(draft, name="Draft KPI", direction=Direction.UP, baseline_value=1.0, target_value=2.0)
    await add_measurement(draft_kpi, date(2026, 10, 1), 1.5, MeasurementStatus.ACCEPTED)
    await add_milestone(draft, title="Draft milestone", due_on=date(2026, 10, 1))
    await add_feedback(draft, rating=3, on=datetime(2026, 10, 3, 10, tzinfo=UTC), comment="Draft feedback")
    completed = await add_pilot(world, status=PilotStatus.COMPLETED, title="Weather stations for Ivanjica")
    return PublicWorld(
        world=world,
        pilot_id=pilot,
        draft_id=draft,
        completed_id=completed,
        kpi_id=kpi,
        accepted_ids=accepted,
        disputed_id=disputed,
        reported_id=reported,
        refused_milestone_id=refused,
        private_milestone_id=private,
        hidden_feedback_id=hidden,
        urban_id=urban["id"],
    )
