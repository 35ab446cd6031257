"""KPIs and their measurements: what counts as a valid KPI, a valid measurement, and its standing.

A measurement is the reporting side's word until the other two sides have looked at it: accepted
when both accept, disputed as soon as one disputes (with a reason). Disputed values are shown as
such and never enter progress or open data; the reporter answers a dispute with a new measurement.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from core.rules import N_, TOO_LONG
from pilots.enums import Direction, Frequency, MeasurementStatus, Review, Side
from pilots.rules.agreement import other_sides

MAX_NAME = 200
MAX_UNIT = 40
MAX_TEXT = 2000
MAX_SDG_TARGET = 10
# Beyond this a value is a typing mistake, and floats stop being exact integers.
MAX_ABS_VALUE = 1e15

NOT_A_NUMBER = N_("Enter a number, such as 42 or 3.5.")


def parse_number(text: str) -> float | None:
    """A number as people type it: '1 234,5', '1234.5', '-3'. None when it is not one."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > Decimal(MAX_ABS_VALUE):
        return None
    return float(value)


@dataclass(frozen=True)
class KpiFields:
    name: str
    unit: str
    direction: Direction
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: Frequency
    reporter: Side
    sdg: int | None = None
    sdg_target: str = ""


def check_kpi(kpi: KpiFields, *, pilot_ends_on: date, problem_sdgs: Iterable[int]) -> dict[str, str]:
    """Field -> message for what is wrong with a KPI as defined (empty when nothing is)."""
    errors: dict[str, str] = {}
    if not kpi.name.strip():
        errors["name"] = N_("Name the KPI.")
    elif len(kpi.name) > MAX_NAME:
        errors["name"] = TOO_LONG
    if not kpi.unit.strip():
        errors["unit"] = N_("Give the unit, such as 'minutes' or '%'.")
    elif len(kpi.unit) > MAX_UNIT:
        errors["unit"] = TOO_LONG
    for name in ("baseline_value", "target_value"):
        value = getattr(kpi, name)
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            errors[name] = NOT_A_NUMBER
    if "target_value" not in errors and "baseline_value" not in errors:
        if kpi.direction is Direction.UP and kpi.target_value <= kpi.baseline_value:
            errors["target_value"] = N_("More is better for this KPI: the target is above the baseline.")
        elif kpi.direction is Direction.DOWN and kpi.target_value >= kpi.baseline_value:
            errors["target_value"] = N_("Less is better for this KPI: the target is below the baseline.")
    if kpi.baseline_on > pilot_ends_on:
        errors["baseline_on"] = N_("The baseline is measured before the pilot ends.")
    if not kpi.method.strip():
        errors["method"] = N_("Say how the KPI is measured, so the other sides can check it.")
    elif len(kpi.method) > MAX_TEXT:
        errors["method"] = TOO_LONG
    sdgs = set(problem_sdgs)
    if kpi.sdg is not None and kpi.sdg not in sdgs:
        errors["sdg"] = N_("Choose one of the problem's goals.")
    if kpi.sdg_target:
        goal, _, target = kpi.sdg_target.partition(".")
        if len(kpi.sdg_target) > MAX_SDG_TARGET or not target or not target.isalnum():
            errors["sdg_target"] = N_("Write the SDG target as goal.target, such as 11.2.")
        elif kpi.sdg is None or goal != str(kpi.sdg):
            errors["sdg_target"] = N_("The target belongs to the goal chosen for this KPI.")
    return errors


def check_measurement(*, measured_on: date, note: str, starts_on: date, ends_on: date, today: date) -> dict[str, str]:
    """Field -> message for a measurement dated outside the pilot or in the future."""
    errors: dict[str, str] = {}
    if measured_on < starts_on or measured_on > ends_on:
        errors["measured_on"] = N_("Measurements are dated within the pilot, from its start to its end.")
    elif measured_on > today:
        errors["measured_on"] = N_("A measurement cannot be dated in the future.")
    if len(note) > MAX_TEXT:
        errors["note"] = TOO_LONG
    return errors


def reviewers(reporter: Side) -> tuple[Side, ...]:
    """The sides that accept or dispute what `reporter` reports."""
    return other_sides(reporter)


class ReviewRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


REASON_REQUIRED = N_("Say why you dispute this value.")


def check_review(*, reporter: Side, side: Side, review: Review, reason: str) -> None:
    if side is reporter:
        raise ReviewRefused(N_("The side that reported a value does not review it; the other sides do."))
    if review is Review.DISPUTE and not reason.strip():
        raise ReviewRefused(REASON_REQUIRED)
    if len(reason) > MAX_TEXT:
        raise ReviewRefused(TOO_LONG)


def measurement_status(reporter: Side, reviews: Mapping[Side, Review]) -> MeasurementStatus:
    """Disputed if any reviewer disputes; accepted once every reviewer accepts; reported until then."""
    if Review.DISPUTE in reviews.values():
        return MeasurementStatus.DISPUTED
    if all(reviews.get(side) is Review.ACCEPT for side in reviewers(reporter)):
        return MeasurementStatus.ACCEPTED
    return MeasurementStatus.REPORTED


@dataclass(frozen=True)
class Point:
    measured_on: date
    value: float
    status: MeasurementStatus


def progress(kpi: KpiFields, points: Iterable[Point]) -> float | None:
    """How far the latest accepted value has come from baseline to target: 0 at the baseline, 1 at
    the target, past 1 beyond it, negative when it went the wrong way. None before any is accepted."""
    accepted = [point for point in points if point.status is MeasurementStatus.ACCEPTED]
    if not accepted:
        return None
    latest = max(accepted, key=lambda point: point.measured_on)
    return (latest.value - kpi.baseline_value) / (kpi.target_value - kpi.baseline_value)


def target_met(kpi: KpiFields, value: float) -> bool:
    if kpi.direction is Direction.UP:
        return value >= kpi.target_value
    return value <= kpi.target_value


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(frequency: Frequency, *, last: date | None, starts_on: date, ends_on: date) -> date | None:
    """When the next measurement is due: one period after the last (or after the start); a KPI
    measured once is due at the end. None once a further period would run past the end."""
    if frequency is Frequency.ONCE:
        return None if last is not None else ends_on
    after = last or starts_on
    if frequency is Frequency.WEEKLY:
        due = after + timedelta(days=7)
    else:
        due = _add_months(after, 1 if frequency is Frequency.MONTHLY else 3)
    if due > ends_on:
        return ends_on if last is None else None
    return due
