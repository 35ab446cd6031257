"""A pilot's KPIs with their measurements, reviews and evidence, as the working pages and the API show them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import msgspec

from challenge.tables import Problem
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound
from core.rules import N_
from core.tables import Membership, User
from pilots.enums import Direction, Frequency, MeasurementStatus, Review, Side
from pilots.queries.pilots import NO_SUCH_PILOT, load_pilot, may_work_on, sides_of
from pilots.records import PilotRow, to, to_all
from pilots.rules.kpis import KpiFields, Point, next_due, progress, reviewers
from pilots.rules.lifecycle import FINAL, PUBLIC, REPORTING
from pilots.schemas import KpiDefinition
from pilots.tables import Kpi, Measurement, MeasurementEvidence, MeasurementReview

NO_SUCH_KPI = N_("This KPI does not exist.")
NO_SUCH_MEASUREMENT = N_("This measurement does not exist.")
# What everyone may see of a pilot's measurements: a value still waiting for review is not yet a figure.
PUBLIC_STATUSES = frozenset({MeasurementStatus.ACCEPTED, MeasurementStatus.DISPUTED})
# The sides that decide what a pilot measures; the startup proposes, but through them.
DEFINERS = frozenset({Side.ORGANISER, Side.MUNICIPALITY})


class KpiRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot: int
    position: int
    name: str
    unit: str
    direction: Direction
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: Frequency
    reporter: Side
    sdg: int | None
    sdg_target: str

    @property
    def fields(self) -> KpiFields:
        return KpiFields(
            name=self.name,
            unit=self.unit,
            direction=self.direction,
            baseline_value=self.baseline_value,
            baseline_on=self.baseline_on,
            target_value=self.target_value,
            method=self.method,
            frequency=self.frequency,
            reporter=self.reporter,
            sdg=self.sdg,
            sdg_target=self.sdg_target,
        )


class MeasurementRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kpi: int
    measured_on: date
    value: float
    note: str
    status: MeasurementStatus
    reported_by: int | None


class ReviewView(msgspec.Struct, frozen=True, kw_only=True):
    side: Side
    review: Review
    reason: str
    reviewer_name: str
    created_at: datetime
    # Only a side's latest review counts; earlier ones stay as history.
    current: bool


class EvidenceView(msgspec.Struct, frozen=True, kw_only=True):
    file_id: int
    name: str


class MeasurementView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    measured_on: date
    value: float
    note: str
    status: MeasurementStatus
    reporter_name: str
    reviews: list[ReviewView]
    evidence: list[EvidenceView]

    @property
    def disputes(self) -> list[ReviewView]:
        """The disputes that count now (a side that later accepted withdrew its dispute)."""
        return [r for r in self.reviews if r.current and r.review is Review.DISPUTE]

    def reviewed_by(self, side: Side) -> Review | None:
        return next((r.review for r in self.reviews if r.current and r.side is side), None)


class KpiView(KpiDefinition, frozen=True, kw_only=True):
    """A KPI with its measurements (newest first) and where it stands."""

    measurements: list[MeasurementView]
    latest_accepted: float | None
    progress: float | None
    next_due: date | None


class Person(msgspec.Struct, frozen=True, kw_only=True):
    """Someone who stands for a side of a pilot, as mail addresses them."""

    id: int
    name: str
    email: str
    locale: str


KPI_COLUMNS = (
    Kpi.id,
    Kpi.pilot,
    Kpi.position,
    Kpi.name,
    Kpi.unit,
    Kpi.direction,
    Kpi.baseline_value,
    Kpi.baseline_on,
    Kpi.target_value,
    Kpi.method,
    Kpi.frequency,
    Kpi.reporter,
    Kpi.sdg,
    Kpi.sdg_target,
)
MEASUREMENT_COLUMNS = (
    Measurement.id,
    Measurement.kpi,
    Measurement.measured_on,
    Measurement.value,
    Measurement.note,
    Measurement.status,
    Measurement.reported_by,
)


async def load_kpi(*, pilot_id: int, kpi_id: int) -> KpiRow:
    """The KPI, if it belongs to the pilot (an id of another pilot's KPI is not found)."""
    row = await Kpi.select(*KPI_COLUMNS).where(Kpi.id == kpi_id, Kpi.pilot == pilot_id).first()
    if row is None:
        raise NotFound(NO_SUCH_KPI)
    return to(row, KpiRow)


async def load_measurement(*, kpi_id: int, measurement_id: int) -> MeasurementRow:
    row = (
        await Measurement.select(*MEASUREMENT_COLUMNS)
        .where(Measurement.id == measurement_id, Measurement.kpi == kpi_id)
        .first()
    )
    if row is None:
        raise NotFound(NO_SUCH_MEASUREMENT)
    return to(row, MeasurementRow)


async def has_measurements(kpi_id: int) -> bool:
    return bool(await Measurement.exists().where(Measurement.kpi == kpi_id))


async def latest_reviews(measurement_id: int) -> dict[Side, Review]:
    """Each side's latest word on the measurement (the one that counts)."""
    rows = (
        await MeasurementReview.select(MeasurementReview.side, MeasurementReview.review)
        .where(MeasurementReview.measurement == measurement_id)
        .order_by(MeasurementReview.id)
    )
    return {Side(row["side"]): Review(row["review"]) for row in rows}


async def problem_sdgs(pilot: PilotRow) -> list[int]:
    """The goals of the pilot's problem: the ones its KPIs may serve."""
    row = await Problem.select(Problem.sdgs).where(Problem.id == pilot.problem).first().output(load_json=True)
    return sorted(int(goal) for goal in (row["sdgs"] if row else []) or [])


async def people_of(pilot: PilotRow, sides: Iterable[Side]) -> list[Person]:
    """Everyone who stands for one of `sides` in the pilot (each person once)."""
    organisation = {Side.MUNICIPALITY: pilot.municipality, Side.STARTUP: pilot.startup}
    found: dict[int, Person] = {}
    for side in sides:
        user_ids = Membership.select(Membership.user).where(Membership.role == Role(side.value))
        if side in organisation:
            user_ids = user_ids.where(Membership.organisation_id == organisation[side])
        rows = (
            await User.select(User.id, User.name, User.email, User.locale)
            .where(User.id.is_in(user_ids), User.is_active == True)  # noqa: E712 (a Piccolo condition)
            .order_by(User.id)
        )
        for row in rows:
            found.setdefault(row["id"], to(row, Person))
    return list(found.values())


def _points(measurements: Iterable[MeasurementView]) -> list[Point]:
    return [Point(measured_on=m.measured_on, value=m.value, status=m.status) for m in measurements]


def _view(kpi: KpiRow, measurements: list[MeasurementView], pilot: PilotRow) -> KpiView:
    points = _points(measurements)
    accepted = [p for p in points if p.status is MeasurementStatus.ACCEPTED]
    # A disputed value is answered with a new one: it does not count as the period's measurement.
    standing = [p.measured_on for p in points if p.status is not MeasurementStatus.DISPUTED]
    return KpiView(
        id=kpi.id,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        baseline_value=kpi.baseline_value,
        baseline_on=kpi.baseline_on,
        target_value=kpi.target_value,
        method=kpi.method,
        frequency=kpi.frequency,
        reporter=kpi.reporter,
        sdg=kpi.sdg,
        sdg_target=kpi.sdg_target,
        measurements=measurements,
        latest_accepted=max(accepted, key=lambda p: p.measured_on).value if accepted else None,
        progress=progress(kpi.fields, points),
        next_due=next_due(
            kpi.frequency, last=max(standing) if standing else None, starts_on=pilot.starts_on, ends_on=pilot.ends_on
        ),
    )


async def _measurement_views(
    kpi_ids: list[int], *, statuses: frozenset[MeasurementStatus] | None, details: bool
) -> dict[int, list[MeasurementView]]:
    if not kpi_ids:
        return {}
    query = Measurement.select(*MEASUREMENT_COLUMNS, Measurement.reported_by.name.as_alias("reporter_name")).where(
        Measurement.kpi.is_in(kpi_ids)
    )
    if statuses is not None:
        query = query.where(Measurement.status.is_in(sorted(statuses)))
    rows = await query.order_by(Measurement.measured_on, ascending=False).order_by(Measurement.id, ascending=False)
    ids = [row["id"] for row in rows]
    reviews: dict[int, list[ReviewView]] = {}
    evidence: dict[int, list[EvidenceView]] = {}
    if details and ids:
        review_rows = (
            await MeasurementReview.select(
                MeasurementReview.id,
                MeasurementReview.measurement,
                MeasurementReview.side,
                MeasurementReview.review,
                MeasurementReview.reason,
                MeasurementReview.reviewer.name.as_alias("reviewer_name"),
                MeasurementReview.created_at,
            )
            .where(MeasurementReview.measurement.is_in(ids))
            .order_by(MeasurementReview.id)
        )
        latest = {(r["measurement"], r["side"]): r["id"] for r in review_rows}
        for r in review_rows:
            reviews.setdefault(r["measurement"], []).append(
                ReviewView(
                    side=Side(r["side"]),
                    review=Review(r["review"]),
                    reason=r["reason"],
                    reviewer_name=r["reviewer_name"] or "",
                    created_at=r["created_at"],
                    current=latest[(r["measurement"], r["side"])] == r["id"],
                )
            )
        evidence_rows = (
            await MeasurementEvidence.select(
                MeasurementEvidence.measurement,
                MeasurementEvidence.file.as_alias("file_id"),
                MeasurementEvidence.file.original_name.as_alias("name"),
            )
            .where(MeasurementEvidence.measurement.is_in(ids))
            .order_by(MeasurementEvidence.id)
        )
        for e in evidence_rows:
            evidence.setdefault(e["measurement"], []).append(EvidenceView(file_id=e["file_id"], name=e["name"]))
    found: dict[int, list[MeasurementView]] = {}
    for row in rows:
        found.setdefault(row["kpi"], []).append(
            MeasurementView(
                id=row["id"],
                measured_on=row["measured_on"],
                value=row["value"],
                # The reporter's note is for the other sides, not for the public.
                note=row["note"] if details else "",
                status=MeasurementStatus(row["status"]),
                reporter_name=(row["reporter_name"] or "") if details else "",
                reviews=reviews.get(row["id"], []),
                evidence=evidence.get(row["id"], []),
            )
        )
    return found


async def _kpi_rows(pilot_id: int, kpi_id: int | None = None) -> list[KpiRow]:
    query = Kpi.select(*KPI_COLUMNS).where(Kpi.pilot == pilot_id)
    if kpi_id is not None:
        query = query.where(Kpi.id == kpi_id)
    return to_all(await query.order_by(Kpi.position).order_by(Kpi.id), KpiRow)


async def pilot_kpis(pilot: PilotRow) -> list[KpiView]:
    """Every KPI of the pilot with all its measurements, reviews and evidence: for its parties."""
    kpis = await _kpi_rows(pilot.id)
    measured = await _measurement_views([k.id for k in kpis], statuses=None, details=True)
    return [_view(kpi, measured.get(kpi.id, []), pilot) for kpi in kpis]


async def kpi_detail(pilot: PilotRow, kpi_id: int) -> KpiView:
    kpis = await _kpi_rows(pilot.id, kpi_id)
    if not kpis:
        raise NotFound(NO_SUCH_KPI)
    measured = await _measurement_views([kpi_id], statuses=None, details=True)
    return _view(kpis[0], measured.get(kpi_id, []), pilot)


async def public_kpis(pilot: PilotRow) -> list[KpiView]:
    """What everyone may see: accepted and disputed values marked by status; no reviewers, no files."""
    kpis = await _kpi_rows(pilot.id)
    measured = await _measurement_views([k.id for k in kpis], statuses=PUBLIC_STATUSES, details=False)
    return [_view(kpi, measured.get(kpi.id, []), pilot) for kpi in kpis]


class KpiRights(msgspec.Struct, frozen=True, kw_only=True):
    """What a person may do on a pilot's KPI pages (the services check it again)."""

    sides: frozenset[Side]
    may_define: bool
    reporting_open: bool

    def may_report(self, kpi: KpiView) -> bool:
        return self.reporting_open and kpi.reporter in self.sides

    def reviewing_sides(self, kpi: KpiView) -> list[Side]:
        if not self.reporting_open:
            return []
        return [side for side in reviewers(kpi.reporter) if side in self.sides]


def rights_of(user: CurrentUser, pilot: PilotRow) -> KpiRights:
    sides = sides_of(user, pilot)
    return KpiRights(
        sides=sides,
        may_define=bool(sides & DEFINERS) and pilot.status not in FINAL,
        reporting_open=pilot.status in REPORTING,
    )


async def published_kpis(pilot_id: int, *, viewer: CurrentUser | None) -> list[KpiView]:
    """A pilot's KPIs as the public API shows them; a draft pilot exists only for its parties."""
    pilot = await load_pilot(pilot_id)
    if pilot.status not in PUBLIC and (viewer is None or not may_work_on(viewer, pilot)):
        raise NotFound(NO_SUCH_PILOT)
    return await public_kpis(pilot)
