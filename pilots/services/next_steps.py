"""The facts behind the pilots' next steps: which agreements wait for the reader's side."""

from __future__ import annotations

from datetime import datetime

from core.auth import CurrentUser
from core.enums import Role
from core.next_steps import Home, register_source
from core.rules.next_steps import Step
from pilots.enums import Side
from pilots.rules import lifecycle
from pilots.rules.next_steps import Unsigned, signature_steps
from pilots.tables import AgreementVersion, Pilot, Signature


async def unsigned_for(side: Side, *, organisation_ids: frozenset[int] | None) -> list[Unsigned]:
    """Pilots under way whose current version lacks `side`'s signature (of these organisations;
    None: every pilot, for the organisers)."""
    query = Pilot.select(Pilot.id, Pilot.title, Pilot.current_version, Pilot.edition).where(
        Pilot.status.not_in(list(lifecycle.FINAL))
    )
    if organisation_ids is not None:
        if not organisation_ids:
            return []
        column = Pilot.municipality if side is Side.MUNICIPALITY else Pilot.startup
        query = query.where(column.is_in(list(organisation_ids)))
    pilots = await query
    if not pilots:
        return []
    keys = {f"{p['id']}:{p['current_version']}": p for p in pilots}
    versions = await AgreementVersion.select(AgreementVersion.id, AgreementVersion.key).where(
        AgreementVersion.key.is_in(list(keys))
    )
    signed = {
        row["version"]
        for row in await Signature.select(Signature.version).where(
            Signature.version.is_in([v["id"] for v in versions]), Signature.side == side
        )
    }
    return [
        Unsigned(
            pilot_id=keys[v["key"]]["id"],
            title=keys[v["key"]]["title"],
            number=keys[v["key"]]["current_version"],
            edition_id=keys[v["key"]]["edition"],
        )
        for v in versions
        if v["id"] not in signed
    ]


async def _organiser_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    return signature_steps(await unsigned_for(Side.ORGANISER, organisation_ids=None), organiser=True)


async def _municipality_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    return signature_steps(
        await unsigned_for(Side.MUNICIPALITY, organisation_ids=user.organisations(Role.MUNICIPALITY))
    )


async def _startup_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    return signature_steps(await unsigned_for(Side.STARTUP, organisation_ids=user.organisations(Role.STARTUP)))


def register() -> None:
    register_source(Home.ORGANISER, _organiser_steps)
    register_source(Home.MUNICIPALITY, _municipality_steps)
    register_source(Home.STARTUP, _startup_steps)
