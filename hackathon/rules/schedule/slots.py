"""Slots of `Timing.slot_minutes` from the hackathon's start, and spans of them.

A span is [start, end) in slots; lists of spans are sorted and disjoint. Start ranges (where an
item of some length may begin) are inclusive at both ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hackathon.rules.schedule.model import Availability, Hackathon

Span = tuple[int, int]


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(s for s in spans if s[0] < s[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _intersect(left: Sequence[Span], right: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in spans:
        cursor = a
        for c, d in holes:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                out.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            out.append((cursor, b))
    return out


def _starts(spans: Sequence[Span], length: int) -> list[Span]:
    """The possible starts (inclusive ranges) of an item of `length` slots inside `spans`."""
    return [(a, b - length) for a, b in spans if b - a >= length]


def _sittings(spans: Sequence[Span], sitting: int, pause: int) -> list[Span]:
    out: list[Span] = []
    for a, b in spans:
        cursor = a
        while cursor < b:
            out.append((cursor, min(cursor + sitting, b)))
            cursor += sitting + pause
    return out


class _Grid:
    """Slots from the hackathon's start, computed in UTC so DST changes do not shift anything."""

    def __init__(self, hackathon: Hackathon, slot_minutes: int) -> None:
        self.origin = hackathon.start.astimezone(UTC)
        self.zone = ZoneInfo(hackathon.timezone)
        self.slot = slot_minutes
        self.horizon = self.floor(hackathon.end)

    def _minutes(self, moment: datetime) -> float:
        return (moment.astimezone(UTC) - self.origin).total_seconds() / 60

    def floor(self, moment: datetime) -> int:
        return math.floor(self._minutes(moment) / self.slot)

    def ceil(self, moment: datetime) -> int:
        return math.ceil(self._minutes(moment) / self.slot)

    def moment(self, slot: int) -> datetime:
        return (self.origin + timedelta(minutes=slot * self.slot)).astimezone(self.zone)

    def spans(self, available: Availability) -> list[Span]:
        if available is None:
            return [(0, self.horizon)]
        return _merge((max(0, self.ceil(w.start)), min(self.horizon, self.floor(w.end))) for w in available)


def _without(starts: Sequence[Span], forbidden: Iterable[Span]) -> list[Span]:
    """Inclusive start ranges minus inclusive forbidden ranges."""
    holes = _merge((a, b + 1) for a, b in forbidden)
    return [(a, b - 1) for a, b in _subtract([(a, b + 1) for a, b in starts], holes)]


def _allows(starts: Sequence[Span], start: int) -> bool:
    return any(a <= start <= b for a, b in starts)
