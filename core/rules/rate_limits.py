"""Fixed-window rate limits: what a counter's state means, decided purely from it and the time."""

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
    retry_after_seconds: int


def window_cutoff(*, limit: Limit, now: datetime) -> datetime:
    """A counter whose window started at or before this instant starts afresh."""
    return now - limit.window


def verdict(*, limit: Limit, window_start: datetime, count: int, now: datetime) -> Decision:
    """Whether the `count`-th hit of the window that opened at `window_start` is allowed."""
    retry_after = max(1, int((window_start + limit.window - now).total_seconds()))
    return Decision(allowed=count <= limit.max_hits, retry_after_seconds=retry_after)


def exhausted(*, limit: Limit, window_start: datetime, count: int, now: datetime) -> bool:
    """True if no further hit would be allowed in the current window."""
    return window_start > window_cutoff(limit=limit, now=now) and count >= limit.max_hits
