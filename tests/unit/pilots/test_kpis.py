"""KPIs as defined, measurements as reported, and what a dispute does to them."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilots.enums import Direction, Frequency, MeasurementStatus, Review, Side
from pilots.rules.kpis import (
    KpiFields,
    Point,
    ReviewRefused,
    check_kpi,
    check_measurement,
    check_review,
    measurement_status,
    next_due,
    parse_number,
    progress,
)

WAIT = KpiFields(
    name="Average wait at the counter",
    unit="minutes",
    direction=Direction.DOWN,
    baseline_value=40.0,
    baseline_on=date(2027, 2, 15),
    target_value=15.0,
    method="Ticket system export, weekday mornings.",
    frequency=Frequency.MONTHLY,
    reporter=Side.STARTUP,
    sdg=11,
    sdg_target="11.3",
)
STARTS, ENDS = date(2027, 3, 1), date(2027, 9, 1)


def test_a_well_formed_kpi_has_no_errors() -> None:
    assert check_kpi(WAIT, pilot_ends_on=ENDS, problem_sdgs=[11, 9]) == {}


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused_for_its_direction() -> None:
    assert check_kpi(replace(WAIT, target_value=45.0), pilot_ends_on=ENDS, problem_sdgs=[11]) == {
        "target_value": "Less is better for this KPI: the target is below the baseline."
    }
    up = replace(WAIT, direction=Direction.UP)
    assert check_kpi(up, pilot_ends_on=ENDS, problem_sdgs=[11]) == {
        "target_value": "More is better for this KPI: the target is above the baseline."
    }


def test_the_sdg_comes_from_the_problem_and_the_target_from_that_goal() -> None:
    assert check_kpi(WAIT, pilot_ends_on=ENDS, problem_sdgs=[6]) == {"sdg": "Choose one of the problem's goals."}
    assert check_kpi(replace(WAIT, sdg_target="6.4"), pilot_ends_on=ENDS, problem_sdgs=[11]) == {
        "sdg_target": "The target belongs to the goal chosen for this KPI."
    }
    assert check_kpi(replace(WAIT, sdg_target="eleven"), pilot_ends_on=ENDS, problem_sdgs=[11]) == {
        "sdg_target": "Write the SDG target as goal.target, such as 11.2."
    }


@pytest.mark.parametrize(
    ("typed", "value"),
    [("42", 42.0), ("3,5", 3.5), ("1 234.5", 1234.5), ("-0.25", -0.25), ("1e3", 1000.0)],
)
def test_numbers_are_read_as_people_type_them(typed: str, value: float) -> None:
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "forty", "1,2,3", "nan", "inf", "1e400", "1.2.3"])
def test_what_is_not_a_number_is_none(typed: str) -> None:
    assert parse_number(typed) is None


def test_a_measurement_is_dated_within_the_pilot_and_not_ahead_of_today() -> None:
    today = date(2027, 5, 10)

    def errors(on: date) -> dict[str, str]:
        return check_measurement(measured_on=on, note="", starts_on=STARTS, ends_on=ENDS, today=today)

    assert errors(date(2027, 5, 1)) == {}
    assert errors(date(2027, 2, 28)) == {
        "measured_on": "Measurements are dated within the pilot, from its start to its end."
    }
    assert errors(date(2027, 5, 11)) == {"measured_on": "A measurement cannot be dated in the future."}


def test_the_reporter_does_not_review_its_own_value_and_a_dispute_gives_a_reason() -> None:
    with pytest.raises(ReviewRefused):
        check_review(reporter=Side.STARTUP, side=Side.STARTUP, review=Review.ACCEPT, reason="")
    with pytest.raises(ReviewRefused) as refused:
        check_review(reporter=Side.STARTUP, side=Side.MUNICIPALITY, review=Review.DISPUTE, reason=" ")
    assert refused.value.message == "Say why you dispute this value."


def test_a_value_is_accepted_by_both_other_sides_and_disputed_by_either() -> None:
    assert measurement_status(Side.STARTUP, {}) is MeasurementStatus.REPORTED
    assert measurement_status(Side.STARTUP, {Side.ORGANISER: Review.ACCEPT}) is MeasurementStatus.REPORTED
    both = {Side.ORGANISER: Review.ACCEPT, Side.MUNICIPALITY: Review.ACCEPT}
    assert measurement_status(Side.STARTUP, both) is MeasurementStatus.ACCEPTED
    one_disputes = {Side.ORGANISER: Review.ACCEPT, Side.MUNICIPALITY: Review.DISPUTE}
    assert measurement_status(Side.STARTUP, one_disputes) is MeasurementStatus.DISPUTED


def test_progress_counts_only_accepted_values() -> None:
    points = [
        Point(date(2027, 4, 1), 30.0, MeasurementStatus.ACCEPTED),
        Point(date(2027, 5, 1), 10.0, MeasurementStatus.DISPUTED),
        Point(date(2027, 6, 1), 12.0, MeasurementStatus.REPORTED),
    ]

    assert progress(WAIT, points) == pytest.approx(0.4)
    assert progress(WAIT, points[1:]) is None


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=STARTS, max_value=ENDS),
            st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
            st.sampled_from(list(MeasurementStatus)),
        ),
        max_size=20,
    )
)
def test_disputed_values_never_move_progress(rows: list[tuple[date, float, MeasurementStatus]]) -> None:
    points = [Point(on, value, status) for on, value, status in rows]
    without_disputed = [point for point in points if point.status is not MeasurementStatus.DISPUTED]

    before, after = progress(WAIT, points), progress(WAIT, without_disputed)

    assert before == after or (before is not None and after is not None and math.isclose(before, after))


def test_the_next_measurement_is_one_period_after_the_last() -> None:
    assert next_due(Frequency.MONTHLY, last=None, starts_on=STARTS, ends_on=ENDS) == date(2027, 4, 1)
    assert next_due(Frequency.MONTHLY, last=date(2027, 5, 31), starts_on=STARTS, ends_on=ENDS) == date(2027, 6, 30)
    assert next_due(Frequency.WEEKLY, last=date(2027, 3, 3), starts_on=STARTS, ends_on=ENDS) == date(2027, 3, 10)
    assert next_due(Frequency.QUARTERLY, last=date(2027, 7, 1), starts_on=STARTS, ends_on=ENDS) is None
    assert next_due(Frequency.ONCE, last=None, starts_on=STARTS, ends_on=ENDS) == ENDS
    assert next_due(Frequency.ONCE, last=date(2027, 8, 30), starts_on=STARTS, ends_on=ENDS) is None
