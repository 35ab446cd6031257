"""Defining a pilot's KPIs: the organiser or the municipality's staff, while the pilot has not ended."""

from __future__ import annotations

from core import audit, db
from core.auth import CurrentUser
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.i18n import in_locale
from core.mail import queue_mail
from core.rules import N_
from pilots.enums import SIDES, Side
from pilots.queries.kpis import DEFINERS, KpiRow, has_measurements, load_kpi, people_of, problem_sdgs
from pilots.queries.pilots import load_pilot, sides_of
from pilots.records import PilotRow
from pilots.rules.kpis import KpiFields, check_kpi
from pilots.rules.lifecycle import FINAL
from pilots.schemas import KpiIn
from pilots.tables import Kpi

NOT_A_DEFINER = N_("Only the organisers and the municipality's staff define a pilot's KPIs.")
ENDED = N_("This pilot has ended; its KPIs no longer change.")
MEASURED = N_("This KPI has measurements; it stays on the record.")
MEANING_FIXED = N_(
    "This KPI has measurements: its unit, direction, baseline and reporting side stay as they were "
    "reviewed; define a new KPI to measure differently."
)
ADDED = N_("%(actor)s added the KPI “%(kpi)s” to the pilot %(pilot)s.")
CHANGED = N_("%(actor)s changed the KPI “%(kpi)s” of the pilot %(pilot)s.")
REMOVED = N_("%(actor)s removed the KPI “%(kpi)s” from the pilot %(pilot)s.")


def _fields(kpi: KpiIn) -> KpiFields:
    return KpiFields(
        name=kpi.name.strip(),
        unit=kpi.unit.strip(),
        direction=kpi.direction,
        baseline_value=kpi.baseline_value,
        baseline_on=kpi.baseline_on,
        target_value=kpi.target_value,
        method=kpi.method.strip(),
        frequency=kpi.frequency,
        reporter=kpi.reporter,
        sdg=kpi.sdg,
        sdg_target=kpi.sdg_target.strip(),
    )


async def _editable(user: CurrentUser, pilot_id: int) -> tuple[PilotRow, frozenset[Side]]:
    pilot = await load_pilot(pilot_id)
    sides = sides_of(user, pilot)
    if not sides & DEFINERS:
        raise PermissionDenied(NOT_A_DEFINER)
    if pilot.status in FINAL:
        raise StateConflict(ENDED)
    return pilot, sides


async def _checked(pilot: PilotRow, kpi: KpiIn) -> KpiFields:
    fields = _fields(kpi)
    errors = check_kpi(fields, pilot_ends_on=pilot.ends_on, problem_sdgs=await problem_sdgs(pilot))
    if errors:
        raise ValidationFailed(errors)
    return fields


def _columns(fields: KpiFields) -> dict[str, object]:
    return {
        "name": fields.name,
        "unit": fields.unit,
        "direction": fields.direction,
        "baseline_value": fields.baseline_value,
        "baseline_on": fields.baseline_on,
        "target_value": fields.target_value,
        "method": fields.method,
        "frequency": fields.frequency,
        "reporter": fields.reporter,
        "sdg": fields.sdg,
        "sdg_target": fields.sdg_target,
    }


async def _tell_the_others(
    *, user: CurrentUser, pilot: PilotRow, acting: frozenset[Side], kpi_name: str, message: str
) -> None:
    """Mail the sides the actor does not stand for; each in their own language."""
    for person in await people_of(pilot, [side for side in SIDES if side not in acting]):
        if person.id == user.id:
            continue
        with in_locale(person.locale):
            await queue_mail(
                to=person.email,
                subject=_("%(pilot)s: KPIs changed") % {"pilot": pilot.title},
                template="pilot_kpi_changed",
                name=person.name,
                actor=user.name,
                pilot=pilot,
                kpi_name=kpi_name,
                message=message,
            )


def _what_values_mean(fields: KpiFields) -> tuple[object, ...]:
    """What reported values were judged against: changing it afterwards would rewrite their
    progress, or let the old reporter review its own values."""
    return (fields.unit, fields.direction, fields.baseline_value, fields.baseline_on, fields.reporter)


async def define_kpi(*, user: CurrentUser, pilot_id: int, kpi: KpiIn) -> KpiRow:
    pilot, sides = await _editable(user, pilot_id)
    fields = await _checked(pilot, kpi)
    async with db.transaction():
        position = await Kpi.count().where(Kpi.pilot == pilot.id)
        row = (
            await Kpi.insert(Kpi(pilot=pilot.id, position=position, **_columns(fields))).returning(Kpi.id)  # type: ignore[arg-type]
        )[0]
        await audit.record(
            actor_id=user.id, action="kpi.defined", entity="kpi", entity_id=row["id"], after=_columns(fields)
        )
        await _tell_the_others(user=user, pilot=pilot, acting=sides, kpi_name=fields.name, message=ADDED)
    return await load_kpi(pilot_id=pilot.id, kpi_id=row["id"])


async def edit_kpi(*, user: CurrentUser, pilot_id: int, kpi_id: int, kpi: KpiIn) -> KpiRow:
    pilot, sides = await _editable(user, pilot_id)
    before = await load_kpi(pilot_id=pilot.id, kpi_id=kpi_id)
    fields = await _checked(pilot, kpi)
    async with db.transaction():
        await db.locked(Kpi.select(Kpi.id).where(Kpi.id == kpi_id))
        if _what_values_mean(before.fields) != _what_values_mean(fields) and await has_measurements(kpi_id):
            raise StateConflict(MEANING_FIXED)
        await Kpi.update(_columns(fields)).where(Kpi.id == kpi_id)  # type: ignore[arg-type]
        await audit.record(
            actor_id=user.id,
            action="kpi.edited",
            entity="kpi",
            entity_id=kpi_id,
            before=_columns(before.fields),
            after=_columns(fields),
        )
        await _tell_the_others(user=user, pilot=pilot, acting=sides, kpi_name=fields.name, message=CHANGED)
    return await load_kpi(pilot_id=pilot.id, kpi_id=kpi_id)


async def remove_kpi(*, user: CurrentUser, pilot_id: int, kpi_id: int) -> None:
    pilot, sides = await _editable(user, pilot_id)
    kpi = await load_kpi(pilot_id=pilot.id, kpi_id=kpi_id)
    async with db.transaction():
        # Checked under the KPI's lock, which a report takes too: a value reported meanwhile
        # keeps its KPI (deleting the KPI would take the value and its evidence with it).
        await db.locked(Kpi.select(Kpi.id).where(Kpi.id == kpi_id))
        if await has_measurements(kpi_id):
            raise StateConflict(MEASURED)
        await Kpi.delete().where(Kpi.id == kpi_id)
        await audit.record(
            actor_id=user.id, action="kpi.removed", entity="kpi", entity_id=kpi_id, before=_columns(kpi.fields)
        )
        await _tell_the_others(user=user, pilot=pilot, acting=sides, kpi_name=kpi.name, message=REMOVED)
