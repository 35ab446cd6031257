"""Every msgspec struct the pilots' API speaks, and the typed commands its services take.

Each part of the pilots domain keeps its own section below; a page's form and the JSON API turn
their input into the same command, and the service applies the domain's checks whoever called it.
"""

from __future__ import annotations

from datetime import date

import msgspec

from core.schemas import JsonInput
from pilots.enums import Direction, Frequency, MeasurementStatus, Review, Side

# --- KPIs and measurements ---


class KpiIn(JsonInput, kw_only=True):
    """A KPI as the organiser or the municipality defines it (a form's numbers arrive parsed)."""

    name: str
    unit: str
    direction: Direction
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: Frequency
    reporter: Side
    # One of the problem's goals; `sdg_target` its target as goal.target ("6.4"), optional.
    sdg: int | None = None
    sdg_target: str = ""


class MeasurementIn(JsonInput, kw_only=True):
    """A value the reporting side reports; evidence files come only with the page's form."""

    measured_on: date
    value: float
    note: str = ""


class ReviewIn(JsonInput, kw_only=True):
    """A reviewing side's word on a measurement; a dispute needs its reason."""

    review: Review
    reason: str = ""
    # Needed only by a person who stands for both reviewing sides.
    side: Side | None = None


class PublicMeasurementOut(msgspec.Struct, frozen=True, kw_only=True):
    """A measurement as everyone may see it: accepted or disputed, never who reviewed it or its files."""

    id: int
    measured_on: date
    value: float
    status: MeasurementStatus
    note: str


class PublicKpiOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
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
    # From the baseline (0) to the target (1), by the latest accepted value; None before one is.
    progress: float | None
    measurements: list[PublicMeasurementOut]


class KpiCreatedOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot_id: int


class MeasurementOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kpi_id: int
    measured_on: date
    value: float
    status: MeasurementStatus
