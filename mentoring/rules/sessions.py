"""When a mentoring slot fits a mentor's week, and when a session may still be moved.

Pure: times are arguments, messages are `N_` ids with their parameters (the weekday's name as
an id too), translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.rules import N_

# Cancelling or moving a session needs this much notice: the other side has planned for it.
NOTICE = timedelta(hours=24)
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@dataclass(frozen=True)
class Availability:
    """A mentor's weekly hours and days off, in their own time zone (from the profile)."""

    timezone: str
    windows: tuple[tuple[int, int, int], ...]
    blackout_dates: frozenset[str]

    @classmethod
    def of(cls, profile: dict[str, Any]) -> Availability:
        return cls(
            timezone=profile["timezone"],
            windows=tuple((int(d), int(s), int(e)) for d, s, e in profile["availability"]),
            blackout_dates=frozenset(profile["blackout_dates"]),
        )

    def day_windows(self, weekday: int) -> list[tuple[int, int]]:
        """The day's windows, touching ones merged (09:00-12:00 and 12:00-14:00 are one)."""
        merged: list[tuple[int, int]] = []
        for start, end in sorted((s, e) for d, s, e in self.windows if d == weekday):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def availability_problem(
    starts_at: datetime, ends_at: datetime, availability: Availability
) -> tuple[str, dict[str, str]] | None:
    """Why [starts_at, ends_at) is not within the mentor's hours; None when it is."""
    zone = ZoneInfo(availability.timezone)
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day = local_start.date()
    if day.isoformat() in availability.blackout_dates:
        return N_("You marked %(date)s as a day off in your profile."), {"date": day.isoformat()}
    weekday = day.weekday()
    first = local_start.hour * 60 + local_start.minute
    if local_end.date() == day:
        last = local_end.hour * 60 + local_end.minute + (1 if local_end.second or local_end.microsecond else 0)
    elif local_end.date() == day + timedelta(days=1) and local_end.time() == datetime.min.time():
        last = 24 * 60
    else:
        last = 24 * 60 + 1  # runs past midnight: no single day's window holds it
    windows = availability.day_windows(weekday)
    if any(start <= first and last <= end for start, end in windows):
        return None
    if not windows:
        return N_("Your profile offers no hours on %(day)s; add some there first."), {"day": WEEKDAY_NAMES[weekday]}
    hours = ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in windows)
    return N_("This is outside your hours on %(day)s (%(hours)s, %(zone)s)."), {
        "day": WEEKDAY_NAMES[weekday],
        "hours": hours,
        "zone": availability.timezone,
    }


def weekly_hours(availability: Availability) -> tuple[tuple[str, str], ...]:
    """The mentor's week as the pages show it: (weekday name id, "09:00-12:00, 14:00-17:00") for
    each day that has hours, Monday first; empty when the profile offers none."""
    week = []
    for weekday, name in enumerate(WEEKDAY_NAMES):
        if windows := availability.day_windows(weekday):
            week.append((name, ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in windows)))
    return tuple(week)


def has_notice(starts_at: datetime, *, now: datetime) -> bool:
    """Whether a session starting at `starts_at` may still be cancelled or moved."""
    return starts_at - now >= NOTICE
