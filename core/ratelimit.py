"""Rate limits and failure counters kept in the database, so every worker counts the same hits.

One statement counts a hit (an upsert that also restarts an expired window), so concurrent
requests on PostgreSQL cannot lose counts or collide on the first insert.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.clock import utc_now
from core.errors import TooManyRequests
from core.i18n import gettext as _
from core.rules.rate_limits import Counter, Limit, verdict, window_cutoff
from core.tables import RateCounter

WINDOW = timedelta(minutes=15)

_COUNT_HIT = """
INSERT INTO rate_counter (key, window_start, count) VALUES ({}, {}, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_counter.window_start <= {} THEN 1 ELSE rate_counter.count + 1 END,
    window_start = CASE WHEN rate_counter.window_start <= {} THEN {} ELSE rate_counter.window_start END
RETURNING window_start, count
"""


# A failure counter forgets its past once the latest hit is older than the cutoff (a quiet spell).
_COUNT_EVENT = """
INSERT INTO rate_counter (key, window_start, count, last_hit_at) VALUES ({}, {}, 1, {})
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_counter.last_hit_at IS NULL OR rate_counter.last_hit_at <= {}
        THEN 1 ELSE rate_counter.count + 1 END,
    window_start = CASE WHEN rate_counter.last_hit_at IS NULL OR rate_counter.last_hit_at <= {}
        THEN {} ELSE rate_counter.window_start END,
    last_hit_at = {}
RETURNING window_start, count, last_hit_at
"""


def _key(limit: Limit | str, subject: str) -> str:
    name = limit if isinstance(limit, str) else limit.name
    return f"{name}:{subject.lower()}"[:255]


def _as_datetime(value: datetime | str) -> datetime:
    # SQLite hands back RETURNING columns of raw queries as text.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def too_many_attempts(retry_after_seconds: int) -> TooManyRequests:
    minutes = max(1, -(-retry_after_seconds // 60))
    return TooManyRequests(
        _("Too many attempts. Please wait %(minutes)s minute(s) and try again.") % {"minutes": minutes},
        retry_after=retry_after_seconds,
    )


def _counter(row: dict[str, Any] | None) -> Counter:
    if row is None:
        return Counter()
    return Counter(
        count=row["count"],
        first_at=_as_datetime(row["window_start"]),
        last_at=_as_datetime(row["last_hit_at"]) if row["last_hit_at"] is not None else None,
    )


async def counter(name: str, subject: str) -> Counter:
    """The state of a failure (or event) counter, without counting."""
    row = (
        await RateCounter.select(RateCounter.window_start, RateCounter.count, RateCounter.last_hit_at)
        .where(RateCounter.key == _key(name, subject))
        .first()
    )
    return _counter(row)


async def count(name: str, subject: str, *, forget_after: timedelta, now: datetime) -> Counter:
    """Count one event; a counter quiet for `forget_after` starts again from one. Returns the new state."""
    cutoff = now - forget_after
    rows = await RateCounter.raw(_COUNT_EVENT, _key(name, subject), now, now, cutoff, cutoff, now, now)
    return _counter(rows[0])


async def hit(limit: Limit, subject: str) -> None:
    """Count a hit for `subject` (an IP, an email) and raise TooManyRequests past the limit."""
    now = utc_now()
    cutoff = window_cutoff(limit=limit, now=now)
    row = (await RateCounter.raw(_COUNT_HIT, _key(limit, subject), now, cutoff, cutoff, now))[0]
    decision = verdict(limit=limit, window_start=_as_datetime(row["window_start"]), count=row["count"], now=now)
    if not decision.allowed:
        raise too_many_attempts(decision.retry_after_seconds)


async def reset(limit: Limit | str, subject: str) -> None:
    await RateCounter.delete().where(RateCounter.key == _key(limit, subject))
