"""What the agreement tests share: signed-in users of the pilot world, the terms an organiser
types, and the outbox and audit rows a change leaves."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar

from core.auth import CurrentUser, load_current_user
from core.tables import AuditEvent, OutboxMessage
from pilots.enums import PilotProcurement
from pilots.schemas import OpenPilotIn, TermsIn
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.integration.pilots.world import PilotWorld
from tests.web import WebClient

TERMS = dict(
    scope="Soil-moisture sensors on twenty farms, with irrigation advice by SMS.",
    locations=["Kušići", "Ivanjica centre"],
    starts_on=date(2026, 9, 1),
    ends_on=date(2027, 3, 1),
    budget_eur=12000,
    funded_by="Municipality of Ivanjica",
    procurement=PilotProcurement.DIRECT_PILOT,
    data_terms="The farms own their readings; monthly aggregates are open data.",
)


async def user(person: dict[str, Any]) -> CurrentUser:
    found = await load_current_user(person["id"])
    assert found is not None
    return found


def opening(world: PilotWorld, **changes: Any) -> OpenPilotIn:
    fields: dict[str, Any] = {
        **TERMS,
        "application_id": world.application_id,
        "problem_id": world.problem["id"],
        **changes,
    }
    return OpenPilotIn(**fields)


def amended(**changes: Any) -> TermsIn:
    return TermsIn(**{**TERMS, **changes})


async def outbox() -> list[tuple[str, str]]:
    """(addressee, subject) of every queued mail, in order."""
    rows = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.subject).order_by(OutboxMessage.id)
    return [(row["to_address"], row["subject"]) for row in rows]


async def audited(entity_id: int) -> list[str]:
    rows = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.entity == "pilot", AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    )
    return [row["action"] for row in rows]


async def signed_in(app: Litestar, person: dict[str, Any]) -> WebClient:
    """A browser signed in as one of the world's people (close it with `.http.aclose()`)."""
    web = WebClient(http_client(app))
    await web.login(person["email"], PASSWORD)
    return web


def form_of(world: PilotWorld, **changes: str) -> dict[str, str]:
    """The "open a pilot" form as an organiser fills it in."""
    return {
        "target": f"{world.application_id}:{world.problem['id']}",
        "title": "",
        "scope": TERMS["scope"],
        "locations": "Kušići\nIvanjica centre",
        "starts_on": "2026-09-01",
        "ends_on": "2027-03-01",
        "budget_eur": "12 000",
        "funded_by": TERMS["funded_by"],
        "procurement": "direct_pilot",
        "data_terms": TERMS["data_terms"],
        "mentor_id": "",
        **changes,
    }
