"""Mentor matching: weekly hours in UTC, across time zones, summer time and the week boundary."""

from __future__ import annotations

from datetime import date

import pytest

from mentoring.rules.matching import (
    WeeklyWindow,
    utc_week_intervals,
    weekly_overlap_minutes,
)
from tests.unit.mentoring.matching_cases import MONDAY, H, window

# --- time zones -------------------------------------------------------------------------------


def test_windows_become_utc_minutes_of_the_week() -> None:
    # Belgrade is UTC+1 in February: Monday 09:00-12:00 is 08:00-11:00 UTC.
    assert utc_week_intervals([window(0, 9, 12)], "Europe/Belgrade", reference_date=MONDAY) == ((8 * H, 11 * H),)


def test_a_window_pushed_past_sunday_midnight_wraps_to_monday() -> None:
    # Sunday 20:00-22:00 in Los Angeles (UTC-8) is Monday 04:00-06:00 UTC.
    assert utc_week_intervals([window(6, 20, 22)], "America/Los_Angeles", reference_date=MONDAY) == ((4 * H, 6 * H),)
    # Monday 08:00-10:00 in Tokyo (UTC+9) is Sunday 23:00 to Monday 01:00 UTC: split in two.
    assert utc_week_intervals([window(0, 8, 10)], "Asia/Tokyo", reference_date=MONDAY) == (
        (0, 1 * H),
        (7 * 24 * H - H, 7 * 24 * H),
    )


def test_overlap_across_the_week_boundary_is_counted() -> None:
    overlap = weekly_overlap_minutes(
        [window(6, 20, 23)], "America/Los_Angeles", [window(0, 5, 9)], "UTC", reference_date=MONDAY
    )

    assert overlap == 2 * H  # Monday 05:00-07:00 UTC


def test_overlapping_windows_of_one_person_count_once() -> None:
    overlap = weekly_overlap_minutes(
        [window(1, 9, 12), window(1, 10, 13)],
        "Europe/Belgrade",
        [window(1, 0, 24)],
        "Europe/Belgrade",
        reference_date=MONDAY,
    )

    assert overlap == 4 * H


@pytest.mark.parametrize(
    ("reference_date", "minutes"),
    [
        (date(2026, 2, 2), 60),  # New York UTC-5, Belgrade UTC+1: 09:00 in New York is 15:00 in Belgrade
        (date(2026, 3, 9), 0),  # America is on summer time, Europe not yet: 09:00 is 14:00 in Belgrade
        (date(2026, 3, 30), 60),  # both on summer time again
    ],
)
def test_overlap_follows_summer_time_on_each_side(reference_date: date, minutes: int) -> None:
    overlap = weekly_overlap_minutes(
        [window(0, 15, 17)], "Europe/Belgrade", [window(0, 9, 10)], "America/New_York", reference_date=reference_date
    )

    assert overlap == minutes


@pytest.mark.parametrize(
    ("reference_date", "expected"),
    [
        # Sunday 29 March 2026 in Belgrade: 02:00 becomes 03:00, so 01:00-04:00 lasts two hours.
        (date(2026, 3, 23), ((6 * 24 * H, 6 * 24 * H + 2 * H),)),
        # Sunday 25 October 2026: 03:00 becomes 02:00 again, so it lasts four, from 23:00 UTC.
        (date(2026, 10, 19), ((5 * 24 * H + 23 * H, 5 * 24 * H + 27 * H),)),
    ],
)
def test_a_window_on_the_night_clocks_change_has_its_real_length(
    reference_date: date, expected: tuple[tuple[int, int], ...]
) -> None:
    assert utc_week_intervals([window(6, 1, 4)], "Europe/Belgrade", reference_date=reference_date) == expected


def test_a_window_inside_the_skipped_hour_is_empty() -> None:
    assert utc_week_intervals([window(6, 2, 3)], "Europe/Belgrade", reference_date=date(2026, 3, 23)) == ()


def test_a_malformed_window_is_refused() -> None:
    with pytest.raises(ValueError, match="not a weekly window"):
        WeeklyWindow(0, 600, 600)
