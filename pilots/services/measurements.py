"""Measurements of a pilot's KPIs: the reporting side reports them with evidence, the other sides
accept or dispute them, and only evidence's parties may read it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio

from challenge.tables import Edition
from core import audit, db, files
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.i18n import in_locale, label
from core.mail import queue_mail
from core.rules import N_
from core.storage import get_storage, off_loop
from core.tables import StoredFile
from core.uploads import ReceivedFile
from pilots.enums import MeasurementStatus, Review, Side
from pilots.queries.kpis import NO_SUCH_KPI, KpiRow, latest_reviews, load_kpi, load_measurement, people_of
from pilots.queries.pilots import load_pilot, may_work_on, sides_of
from pilots.records import PilotRow
from pilots.rules.kpis import (
    MAX_ABS_VALUE,
    NOT_A_NUMBER,
    ReviewRefused,
    check_measurement,
    check_review,
    measurement_status,
    reviewers,
)
from pilots.rules.lifecycle import REPORTING
from pilots.schemas import MeasurementIn, ReviewIn
from pilots.tables import Kpi, Measurement, MeasurementEvidence, MeasurementReview

# The purpose of an upload that became a measurement's evidence (see may_read_evidence).
EVIDENCE = "pilot_evidence"
NOT_THE_REPORTER = N_("This KPI is reported by %(side)s; you do not stand for it.")
NOT_REPORTING = N_("Measurements are reported while the pilot runs, and just after it ends.")
NOT_A_REVIEWER = N_("Only the sides that did not report a value accept or dispute it.")
CHOOSE_SIDE = N_("You stand for more than one side here: choose the side you review for.")
REPORTED = N_("%(actor)s reported %(value)s %(unit)s for “%(kpi)s”, measured on %(date)s. Please accept or dispute it.")
ACCEPTED = N_("%(actor)s (%(side)s) accepted the value %(value)s %(unit)s of “%(kpi)s”, measured on %(date)s.")
DISPUTED = N_(
    "%(actor)s (%(side)s) disputed the value %(value)s %(unit)s of “%(kpi)s”, measured on %(date)s: %(reason)s"
)


async def _reporting_pilot(pilot_id: int, kpi_id: int) -> tuple[PilotRow, KpiRow]:
    pilot = await load_pilot(pilot_id)
    kpi = await load_kpi(pilot_id=pilot.id, kpi_id=kpi_id)
    return pilot, kpi


async def _today(pilot: PilotRow, now: datetime) -> Any:
    row = await Edition.select(Edition.timezone).where(Edition.id == pilot.edition).first()
    zone = ZoneInfo(row["timezone"]) if row and row["timezone"] else ZoneInfo("UTC")
    return now.astimezone(zone).date()


async def _mail(
    *,
    user: CurrentUser,
    pilot: PilotRow,
    kpi: KpiRow,
    sides: Sequence[Side],
    message: str,
    subject: str,
    values: dict[str, Any],
) -> int:
    """Mail everyone of `sides` but the actor, each in their own language."""
    queued = 0
    for person in await people_of(pilot, sides):
        if person.id == user.id:
            continue
        with in_locale(person.locale):
            queued += await queue_mail(
                to=person.email,
                subject=_(subject) % {"pilot": pilot.title, "kpi": kpi.name},
                template="pilot_measurement",
                name=person.name,
                pilot=pilot,
                kpi=kpi,
                message=message,
                values={**values, "side": label(values["side"], "Side") if "side" in values else ""},
            )
    return queued


async def report_measurement(
    *,
    user: CurrentUser,
    pilot_id: int,
    kpi_id: int,
    measurement: MeasurementIn,
    evidence: Sequence[ReceivedFile] = (),
    now: datetime,
) -> int:
    """Record a value of a KPI for the reviewing sides to accept or dispute; its id.

    `evidence` is already in storage (streamed by the page's form): if the report is refused, it
    is deleted, so nothing of a refused report stays behind.
    """
    try:
        return await _report(
            user=user, pilot_id=pilot_id, kpi_id=kpi_id, measurement=measurement, evidence=evidence, now=now
        )
    except BaseException:
        storage = get_storage()
        with anyio.CancelScope(shield=True):  # also when cancelled: a refused report keeps no file
            for received in evidence:
                await off_loop(storage, storage.delete, received.key)
        raise


async def _report(
    *,
    user: CurrentUser,
    pilot_id: int,
    kpi_id: int,
    measurement: MeasurementIn,
    evidence: Sequence[ReceivedFile],
    now: datetime,
) -> int:
    pilot, kpi = await _reporting_pilot(pilot_id, kpi_id)
    if kpi.reporter not in sides_of(user, pilot):
        raise PermissionDenied(_(NOT_THE_REPORTER) % {"side": label(kpi.reporter, "Side")})
    if pilot.status not in REPORTING:
        raise StateConflict(NOT_REPORTING)
    errors = check_measurement(
        measured_on=measurement.measured_on,
        note=measurement.note,
        starts_on=pilot.starts_on,
        ends_on=pilot.ends_on,
        today=await _today(pilot, now),
    )
    if not math.isfinite(measurement.value) or abs(measurement.value) > MAX_ABS_VALUE:
        errors["value"] = NOT_A_NUMBER
    if errors:
        raise ValidationFailed(errors)
    note = measurement.note.strip()
    async with db.transaction():
        # The KPI's lock: a removal waits for this value, or this value finds the KPI gone.
        if not await db.locked(Kpi.select(Kpi.id).where(Kpi.id == kpi.id)):
            raise NotFound(NO_SUCH_KPI)
        measurement_id = (
            await Measurement.insert(
                Measurement(
                    kpi=kpi.id,
                    measured_on=measurement.measured_on,
                    value=measurement.value,
                    note=note,
                    status=MeasurementStatus.REPORTED,
                    reported_by=user.id,
                )
            ).returning(Measurement.id)
        )[0]["id"]
        names = []
        for received in evidence:
            stored = (
                await StoredFile.insert(
                    StoredFile(
                        key=received.key,
                        original_name=received.original_name,
                        content_type=received.content_type,
                        size=received.size,
                        sha256=received.sha256,
                        owner=user.id,
                        purpose=EVIDENCE,
                    )
                ).returning(StoredFile.id)
            )[0]["id"]
            await MeasurementEvidence.insert(MeasurementEvidence(measurement=measurement_id, file=stored))
            names.append(received.original_name)
        await audit.record(
            actor_id=user.id,
            action="measurement.reported",
            entity="measurement",
            entity_id=measurement_id,
            after={
                "kpi": kpi.id,
                "measured_on": measurement.measured_on,
                "value": measurement.value,
                "note": note,
                "evidence": names,
            },
        )
        await _mail(
            user=user,
            pilot=pilot,
            kpi=kpi,
            sides=reviewers(kpi.reporter),
            message=REPORTED,
            subject=N_("%(pilot)s: a new value of “%(kpi)s” to review"),
            values={
                "actor": user.name,
                "value": measurement.value,
                "unit": kpi.unit,
                "kpi": kpi.name,
                "date": measurement.measured_on.isoformat(),
            },
        )
    return int(measurement_id)


def _reviewing_side(user: CurrentUser, pilot: PilotRow, kpi: KpiRow, chosen: Side | None) -> Side:
    mine = sides_of(user, pilot)
    candidates = [side for side in reviewers(kpi.reporter) if side in mine]
    if chosen is not None:
        if chosen not in candidates:
            raise PermissionDenied(NOT_A_REVIEWER)
        return chosen
    if not candidates:
        raise PermissionDenied(NOT_A_REVIEWER)
    if len(candidates) > 1:
        raise ValidationFailed({"side": CHOOSE_SIDE})
    return candidates[0]


async def review_measurement(
    *, user: CurrentUser, pilot_id: int, kpi_id: int, measurement_id: int, review: ReviewIn
) -> MeasurementStatus:
    """A reviewing side accepts or disputes a measurement; the side's latest word counts. The
    measurement's new standing."""
    pilot, kpi = await _reporting_pilot(pilot_id, kpi_id)
    found = await load_measurement(kpi_id=kpi.id, measurement_id=measurement_id)
    side = _reviewing_side(user, pilot, kpi, review.side)
    if pilot.status not in REPORTING:
        raise StateConflict(NOT_REPORTING)
    reason = review.reason.strip()
    try:
        check_review(reporter=kpi.reporter, side=side, review=review.review, reason=reason)
    except ReviewRefused as refused:
        raise ValidationFailed({"reason": refused.message}) from None
    async with db.transaction():
        # Two sides reviewing at once each recompute from every review, the other's included.
        await db.locked(Measurement.select(Measurement.id).where(Measurement.id == found.id))
        await MeasurementReview.insert(
            MeasurementReview(measurement=found.id, side=side, review=review.review, reason=reason, reviewer=user.id)
        )
        status = measurement_status(kpi.reporter, await latest_reviews(found.id))
        await Measurement.update({Measurement.status: status}).where(Measurement.id == found.id)
        await audit.record(
            actor_id=user.id,
            action="measurement.reviewed",
            entity="measurement",
            entity_id=found.id,
            before={"status": found.status},
            after={"status": status, "side": side, "review": review.review, "reason": reason},
        )
        third = [other for other in reviewers(kpi.reporter) if other is not side]
        await _mail(
            user=user,
            pilot=pilot,
            kpi=kpi,
            sides=[kpi.reporter, *third],
            message=DISPUTED if review.review is Review.DISPUTE else ACCEPTED,
            subject=(
                N_("%(pilot)s: a value of “%(kpi)s” was disputed")
                if review.review is Review.DISPUTE
                else N_("%(pilot)s: a value of “%(kpi)s” was accepted")
            ),
            values={
                "actor": user.name,
                "side": side,
                "value": found.value,
                "unit": kpi.unit,
                "kpi": kpi.name,
                "date": found.measured_on.isoformat(),
                "reason": reason,
            },
        )
    return status


async def may_read_evidence(user: CurrentUser | None, file_row: files.FileRow) -> bool:
    """Whoever works on the pilot (its sides and its mentor, as on its KPI pages) reads its evidence
    (organisers read every file anyway); nobody else."""
    if user is None:
        return False
    measured = MeasurementEvidence.select(MeasurementEvidence.measurement).where(
        MeasurementEvidence.file == file_row.id
    )
    row = (
        await Kpi.select(Kpi.pilot)
        .where(Kpi.id.is_in(Measurement.select(Measurement.kpi).where(Measurement.id.is_in(measured))))
        .first()
    )
    if row is None:
        return False
    return may_work_on(user, await load_pilot(row["pilot"]))


def register() -> None:
    """Hand core.files the evidence's download policy; the composition root calls this at start."""
    files.register_download_policy(EVIDENCE, may_read_evidence)
