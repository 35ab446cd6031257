"""When a slot fits a mentor's week (in their zone, across summer time) and when notice is enough."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mentoring.rules.sessions import Availability, availability_problem, has_notice, weekly_hours

BELGRADE_MORNINGS = Availability(
    timezone="Europe/Belgrade", windows=((0, 540, 720), (0, 720, 780), (2, 0, 1440)), blackout_dates=frozenset()
)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_slot_inside_merged_windows_fits_in_the_mentors_zone() -> None:
    # Monday 2027-03-01, 09:00-13:00 in Belgrade is 08:00-12:00 UTC in winter.
    assert availability_problem(_utc(2027, 3, 1, 8), _utc(2027, 3, 1, 12), BELGRADE_MORNINGS) is None
    assert availability_problem(_utc(2027, 3, 1, 11, 30), _utc(2027, 3, 1, 12, 30), BELGRADE_MORNINGS) is not None


def test_summer_time_moves_the_window_in_utc() -> None:
    # Monday 2027-04-05 is in summer time: 09:00 in Belgrade is 07:00 UTC.
    assert availability_problem(_utc(2027, 4, 5, 7), _utc(2027, 4, 5, 8), BELGRADE_MORNINGS) is None
    message, params = availability_problem(_utc(2027, 4, 5, 11), _utc(2027, 4, 5, 12), BELGRADE_MORNINGS)
    assert params == {"day": "Monday", "hours": "09:00-13:00", "zone": "Europe/Belgrade"}
    assert "outside your hours" in message


def test_a_whole_day_window_ends_at_midnight_and_days_off_count() -> None:
    # Wednesday 2027-03-03 23:00-24:00 in Belgrade.
    assert availability_problem(_utc(2027, 3, 3, 22), _utc(2027, 3, 3, 23), BELGRADE_MORNINGS) is None
    away = Availability("Europe/Belgrade", BELGRADE_MORNINGS.windows, frozenset({"2027-03-03"}))
    assert availability_problem(_utc(2027, 3, 3, 9), _utc(2027, 3, 3, 10), away)[1] == {"date": "2027-03-03"}


def test_a_day_without_hours_says_so() -> None:
    message, params = availability_problem(_utc(2027, 3, 2, 9), _utc(2027, 3, 2, 10), BELGRADE_MORNINGS)
    assert params == {"day": "Tuesday"} and "no hours" in message


def test_notice_is_24_hours() -> None:
    start = _utc(2027, 3, 3, 9)
    assert has_notice(start, now=start - timedelta(hours=24))
    assert not has_notice(start, now=start - timedelta(hours=23, minutes=59))


def test_the_week_lists_each_day_with_hours_merged_monday_first() -> None:
    assert weekly_hours(BELGRADE_MORNINGS) == (("Monday", "09:00-13:00"), ("Wednesday", "00:00-24:00"))
    assert weekly_hours(Availability("Europe/Belgrade", (), frozenset())) == ()
