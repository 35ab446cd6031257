"""A pilot as the pilot tests lay it down: last year's winner, its problem's municipality, the
three sides' people (and a mentor), and a pilot in the status the test needs.

Rows are written behind the services' back, as the other factories do; a test of opening or
signing uses the services themselves.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from challenge.tables import Application, ApplicationProblem
from core.enums import Role
from pilots.enums import SIDES, PilotProcurement, PilotStatus
from pilots.tables import AgreementVersion, Pilot, Signature
from tests.factories import make_edition, make_municipality, make_problem, make_startup, make_user
from tests.integration.core.personal_data import make_team

STARTS_ON = date(2026, 9, 1)
ENDS_ON = date(2027, 3, 1)
TERMS: dict[str, Any] = {
    "scope": "Soil-moisture sensors on twenty farms, with irrigation advice by SMS.",
    "locations": ["Kušići", "Ivanjica centre"],
    "starts_on": STARTS_ON.isoformat(),
    "ends_on": ENDS_ON.isoformat(),
    "budget_eur": 12000,
    "funded_by": "Municipality of Ivanjica",
    "procurement": PilotProcurement.DIRECT_PILOT.value,
    "data_terms": "The farms own their readings; monthly aggregates are open data.",
    "mentor_id": None,
}


@dataclass
class PilotWorld:
    edition: dict[str, Any]
    municipality: dict[str, Any]
    problem: dict[str, Any]
    startup: dict[str, Any]
    application_id: int
    organiser: dict[str, Any]
    staff: dict[str, Any]  # the municipality's
    founder: dict[str, Any]  # the startup's
    mentor: dict[str, Any]
    stranger_staff: dict[str, Any]  # staff of another municipality
    pilot_id: int = 0
    code: str = ""


async def make_winner(*, application_status: str = "winner") -> PilotWorld:
    """Last year's edition with a winning application to a problem of a rural municipality; no pilot yet."""
    edition = await make_edition(year=2025)
    municipality = await make_municipality(name="Ivanjica")
    problem = await make_problem(
        edition_id=edition["id"], municipality_id=municipality["id"], title="Water for small farms", sdgs=[2, 6]
    )
    startup = await make_startup(name="AgroSense")
    application_id = (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup["id"],
                track="smart_rural",
                status=application_status,
                solution="Soil sensors and SMS advice.",
            )
        ).returning(Application.id)
    )[0]["id"]
    await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem["id"]))
    founder = await make_user(name="Ana Founder", email="ana@agrosense.example")
    await make_team(edition["id"], startup["id"], founder)
    other = await make_municipality(name="Kosjerić")
    return PilotWorld(
        edition=edition,
        municipality=municipality,
        problem=problem,
        startup=startup,
        application_id=application_id,
        organiser=await make_user(name="Olga Organiser", email="olga@challenge.example", role=Role.ORGANISER),
        staff=await make_user(
            name="Marko Staff",
            email="marko@ivanjica.example",
            role=Role.MUNICIPALITY,
            organisation_id=municipality["id"],
        ),
        founder=founder,
        mentor=await make_user(name="Mina Mentor", email="mina@mentors.example", role=Role.MENTOR),
        stranger_staff=await make_user(
            name="Other Staff", email="staff@kosjeric.example", role=Role.MUNICIPALITY, organisation_id=other["id"]
        ),
    )


async def make_pilot_world(*, status: PilotStatus = PilotStatus.RUNNING) -> PilotWorld:
    """A winner with a pilot: version 1 of the agreement, signed by every side unless in draft."""
    world = await make_winner()
    terms = {**TERMS, "mentor_id": world.mentor["id"]}
    signed = status is not PilotStatus.DRAFT
    world.code = secrets.token_hex(4)
    world.pilot_id = (
        await Pilot.insert(
            Pilot(
                edition=world.edition["id"],
                application=world.application_id,
                problem=world.problem["id"],
                municipality=world.municipality["id"],
                startup=world.startup["id"],
                code=world.code,
                title="Soil sensors for Ivanjica's farms",
                language="en",
                status=status,
                scope=terms["scope"],
                locations=terms["locations"],
                starts_on=STARTS_ON,
                ends_on=ENDS_ON,
                budget_eur=terms["budget_eur"],
                funded_by=terms["funded_by"],
                procurement=terms["procurement"],
                data_terms=terms["data_terms"],
                mentor=world.mentor["id"],
                current_version=1,
                version_in_force=1 if signed else None,
                opened_by=world.organiser["id"],
            )
        ).returning(Pilot.id)
    )[0]["id"]
    version_id = (
        await AgreementVersion.insert(
            AgreementVersion(
                pilot=world.pilot_id, number=1, key=f"{world.pilot_id}:1", terms=terms, author=world.organiser["id"]
            )
        ).returning(AgreementVersion.id)
    )[0]["id"]
    if signed:
        signers = {"organiser": world.organiser, "municipality": world.staff, "startup": world.founder}
        for side in SIDES:
            await Signature.insert(
                Signature(version=version_id, side=side, key=f"{version_id}:{side.value}", signer=signers[side]["id"])
            )
    return world
