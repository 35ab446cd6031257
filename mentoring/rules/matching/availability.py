"""Weekly hours compared in UTC minutes of the week.

Each side's local windows are converted at a reference date so that summer time is where it
really is in that week; an overlap is then a popcount of two bit masks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring.rules.matching.model import MINUTES_PER_WEEK, WeeklyWindow

# A Monday at midnight UTC: minutes of the week are counted from any such instant.
_WEEK_ANCHOR = datetime(2001, 1, 1, tzinfo=UTC)


def utc_week_intervals(
    windows: Iterable[WeeklyWindow], timezone: str, *, reference_date: date
) -> tuple[tuple[int, int], ...]:
    """Weekly windows as sorted, disjoint [start, end) minutes of the UTC week (Monday 00:00 = 0).

    Each weekday is read on its first date on or after `reference_date`, with the offset the
    zone has then; a window pushed past Sunday midnight by the offset wraps to Monday.
    """
    zone = ZoneInfo(timezone)
    pieces: list[tuple[int, int]] = []
    for window in windows:
        day = reference_date + timedelta(days=(window.weekday - reference_date.weekday()) % 7)
        midnight = datetime.combine(day, time(), tzinfo=zone)
        # Adding to an aware datetime moves the wall clock, so the offset is the one in force
        # at each end; the length may differ from end - start on the night clocks change.
        start = (midnight + timedelta(minutes=window.start)).astimezone(UTC)
        end = (midnight + timedelta(minutes=window.end)).astimezone(UTC)
        offset = int((start - _WEEK_ANCHOR).total_seconds()) // 60 % MINUTES_PER_WEEK
        length = int((end - start).total_seconds()) // 60
        if length <= 0:
            continue  # an hour that does not exist: clocks jumped over it
        if offset + length <= MINUTES_PER_WEEK:
            pieces.append((offset, offset + length))
        else:
            pieces.append((offset, MINUTES_PER_WEEK))
            pieces.append((0, offset + length - MINUTES_PER_WEEK))
    return _union(pieces)


def _union(pieces: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _week_mask(intervals: Iterable[tuple[int, int]]) -> int:
    # One bit per minute of the week: the overlap of two people is a popcount of an AND,
    # which keeps a million comparisons cheap.
    mask = 0
    for start, end in intervals:
        mask |= ((1 << (end - start)) - 1) << start
    return mask


def weekly_overlap_minutes(
    a: Iterable[WeeklyWindow], a_timezone: str, b: Iterable[WeeklyWindow], b_timezone: str, *, reference_date: date
) -> int:
    """Minutes a week both sides are available, each in its own time zone."""
    a_mask = _week_mask(utc_week_intervals(a, a_timezone, reference_date=reference_date))
    return (a_mask & _week_mask(utc_week_intervals(b, b_timezone, reference_date=reference_date))).bit_count()
