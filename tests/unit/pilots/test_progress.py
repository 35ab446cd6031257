"""A KPI is on track when its accepted values keep pace with the pilot's time; disputes never count."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pilots.enums import Direction, Frequency, MeasurementStatus, Side
from pilots.rules.kpis import KpiFields, Point
from pilots.rules.progress import Standing, elapsed_share, standing

STARTS, ENDS = date(2026, 9, 1), date(2027, 3, 1)  # 181 days
WAIT = KpiFields(
    name="Average wait",
    unit="minutes",
    direction=Direction.DOWN,
    baseline_value=40.0,
    baseline_on=date(2026, 8, 1),
    target_value=20.0,
    method="Counted at the counter",
    frequency=Frequency.MONTHLY,
    reporter=Side.STARTUP,
)


def at(day: date, value: float, status: MeasurementStatus = MeasurementStatus.ACCEPTED) -> Point:
    return Point(measured_on=day, value=value, status=status)


def test_no_accepted_value_is_no_standing_yet() -> None:
    points = [
        at(date(2026, 10, 1), 10.0, MeasurementStatus.DISPUTED),
        at(date(2026, 10, 2), 10.0, MeasurementStatus.REPORTED),
    ]
    assert standing(WAIT, points, starts_on=STARTS, ends_on=ENDS) == Standing(None, None, None)


def test_halfway_in_value_by_a_third_of_the_time_is_on_track() -> None:
    result = standing(WAIT, [at(date(2026, 11, 1), 30.0)], starts_on=STARTS, ends_on=ENDS)
    assert (result.progress, round(result.expected or 0, 3), result.on_track) == (0.5, 0.337, True)


def test_a_value_that_lags_the_time_is_off_track_and_a_disputed_better_one_does_not_rescue_it() -> None:
    points = [at(date(2027, 1, 1), 36.0), at(date(2027, 2, 1), 15.0, MeasurementStatus.DISPUTED)]
    result = standing(WAIT, points, starts_on=STARTS, ends_on=ENDS)
    assert (result.progress, result.on_track) == (0.2, False)


def test_the_target_met_is_on_track_whatever_the_date() -> None:
    assert standing(WAIT, [at(date(2027, 3, 1), 20.0)], starts_on=STARTS, ends_on=ENDS).on_track is True


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
def test_the_elapsed_share_stays_between_nothing_and_all(day: date) -> None:
    assert 0.0 <= elapsed_share(day, starts_on=STARTS, ends_on=ENDS) <= 1.0
