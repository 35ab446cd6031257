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
from pilots.tables import Pilot

# The pilots under way, each with its current version when that lacks one side's signature: one
# query (the home pages make many; on SQLite each costs a connection). A version's key is
# "<pilot>:<number>", so the join on pilot and number is the join on the key.
_UNSIGNED = """
SELECT p.id, p.title, p.current_version, p.edition
FROM pilot p
JOIN agreement_version v ON v.pilot = p.id AND v.number = p.current_version
WHERE p.status NOT IN ({final})
  {mine}
  AND NOT EXISTS (SELECT 1 FROM signature s WHERE s.version = v.id AND s.side = {{}})
ORDER BY p.id
"""


async def unsigned_for(side: Side, *, organisation_ids: frozenset[int] | None) -> list[Unsigned]:
    """Pilots under way whose current version lacks `side`'s signature (of these organisations;
    None: every pilot, for the organisers)."""
    final = sorted(lifecycle.FINAL)
    mine, ids = "", []
    if organisation_ids is not None:
        if not organisation_ids:
            return []
        column = "p.municipality" if side is Side.MUNICIPALITY else "p.startup"
        ids = sorted(organisation_ids)
        mine = f"AND {column} IN ({', '.join('{}' for _ in ids)})"
    sql = _UNSIGNED.format(final=", ".join("{}" for _ in final), mine=mine)
    rows = await Pilot.raw(sql, *[str(status) for status in final], *ids, str(side))
    return [
        Unsigned(pilot_id=r["id"], title=r["title"], number=r["current_version"], edition_id=r["edition"]) for r in rows
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
