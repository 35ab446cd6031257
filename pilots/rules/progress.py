"""Whether a KPI is on track: the public pages' and the roll-up's one reading of progress.

A KPI is on track when its latest accepted value has covered at least as much of the way from
baseline to target as the pilot has of its time by that value's date (a straight path from the
baseline at the start to the target at the end), or when the target is met. Disputed and
unreviewed values never count (pilots.rules.kpis.progress reads accepted values only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pilots.enums import MeasurementStatus
from pilots.rules.kpis import KpiFields, Point, progress, target_met


@dataclass(frozen=True)
class Standing:
    """A KPI's progress as shown: None fields when no value has been accepted yet."""

    progress: float | None  # 0 at the baseline, 1 at the target (pilots.rules.kpis.progress)
    expected: float | None  # the share of the pilot's time gone by the latest accepted value
    on_track: bool | None


def elapsed_share(on: date, *, starts_on: date, ends_on: date) -> float:
    """How much of the pilot's time has gone by `on`, from 0 at the start to 1 at the end."""
    span = (ends_on - starts_on).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - starts_on).days / span))


def standing(kpi: KpiFields, points: Iterable[Point], *, starts_on: date, ends_on: date) -> Standing:
    accepted = [point for point in points if point.status is MeasurementStatus.ACCEPTED]
    share = progress(kpi, accepted)
    if share is None:
        return Standing(progress=None, expected=None, on_track=None)
    latest = max(accepted, key=lambda point: point.measured_on)
    expected = elapsed_share(latest.measured_on, starts_on=starts_on, ends_on=ends_on)
    return Standing(progress=share, expected=expected, on_track=target_met(kpi, latest.value) or share >= expected)
