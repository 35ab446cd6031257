"""Fixed-window rate limits, decided purely from the stored counter and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window: timedelta


@dataclass(frozen=True)
class Decision:
    allowed: bool
    window_start: datetime
    count: int
    retry_after_seconds: int


def decide(*, limit: Limit, window_start: datetime | None, count: int, now: datetime) -> Decision:
    """Count one more hit against `limit`, opening a new window when the old one has passed."""
    if window_start is None or now >= window_start + limit.window:
        window_start, count = now, 0
    count += 1
    retry_after = max(1, int((window_start + limit.window - now).total_seconds()))
    return Decision(
        allowed=count <= limit.max_hits,
        window_start=window_start,
        count=count,
        retry_after_seconds=retry_after,
    )
