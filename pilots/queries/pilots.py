"""A pilot loaded by id (the scope of its working pages), and the sides a person stands for in it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from challenge.rules.phases import utc_to_local
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound
from core.rules import N_
from core.scopes import Scope
from core.settings import get_settings
from pilots.enums import Side
from pilots.records import PilotRow, to
from pilots.tables import Pilot

NO_SUCH_PILOT = N_("This pilot does not exist.")


async def load_pilot(pilot_id: int) -> PilotRow:
    row = await Pilot.select().where(Pilot.id == pilot_id).first().output(load_json=True)
    if row is None:
        raise NotFound(NO_SUCH_PILOT)
    return to(row, PilotRow)


async def pilots_by_id(pilot_ids: Iterable[int]) -> dict[int, PilotRow]:
    """Several pilots in one query, by id (an id with no pilot is left out)."""
    ids = sorted(set(pilot_ids))
    if not ids:
        return {}
    rows = await Pilot.select().where(Pilot.id.is_in(ids)).output(load_json=True)
    return {row["id"]: to(row, PilotRow) for row in rows}


def sides_of(user: CurrentUser, pilot: PilotRow) -> frozenset[Side]:
    """The sides `user` acts for in `pilot`: organisers for the programme, the municipality's
    staff for it, the startup's members for it. One person may stand for several."""
    sides: set[Side] = set()
    if user.is_organiser:
        sides.add(Side.ORGANISER)
    if pilot.municipality in user.organisations(Role.MUNICIPALITY):
        sides.add(Side.MUNICIPALITY)
    if pilot.startup in user.organisations(Role.STARTUP):
        sides.add(Side.STARTUP)
    return frozenset(sides)


def may_work_on(user: CurrentUser, pilot: PilotRow) -> bool:
    """Who enters a pilot's working pages: its three sides, and the mentor who accompanies it."""
    return bool(sides_of(user, pilot)) or (pilot.mentor is not None and pilot.mentor == user.id)


# The working pages of one pilot (/pilots/{pilot_id}/work/...): its sides and its mentor only;
# anyone else, a municipality's staff for another pilot included, is told it is another role's page.
pilot_scope = Scope(
    "pilot",
    load=lambda params: load_pilot(int(params["pilot_id"])),
    roles=(Role.ORGANISER, Role.MUNICIPALITY, Role.STARTUP, Role.MENTOR),
    allow=may_work_on,
)


async def local_days(pilot_ids: Iterable[int], *, now: datetime) -> dict[int, date]:
    """Each pilot's today where it runs, in its edition's time zone: a due date passes at the
    municipality's midnight, not UTC's (Serbia is an hour or two ahead)."""
    ids = sorted(set(pilot_ids))
    if not ids:
        return {}
    rows = await Pilot.select(Pilot.id, Pilot.edition.timezone.as_alias("timezone")).where(Pilot.id.is_in(ids))
    return {row["id"]: utc_to_local(now, row["timezone"] or get_settings().timezone).date() for row in rows}


async def local_day(pilot_id: int, *, now: datetime) -> date:
    """`local_days` for one pilot; the platform's time zone for a pilot that does not exist."""
    day = (await local_days([pilot_id], now=now)).get(pilot_id)
    return day if day is not None else utc_to_local(now, get_settings().timezone).date()
