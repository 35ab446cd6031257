"""Rate limits kept in the database, so every worker counts the same hits.

One statement counts a hit (an upsert that also restarts an expired window), so concurrent
requests on PostgreSQL cannot lose counts or collide on the first insert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import utc_now
from core.errors import TooManyRequests
from core.i18n import gettext as _
from core.rules.rate_limits import Limit, exhausted, verdict, window_cutoff
from core.tables import RateCounter

WINDOW = timedelta(minutes=15)

_COUNT_HIT = """
INSERT INTO rate_counter (key, window_start, count) VALUES ({}, {}, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_counter.window_start <= {} THEN 1 ELSE rate_counter.count + 1 END,
    window_start = CASE WHEN rate_counter.window_start <= {} THEN {} ELSE rate_counter.window_start END
RETURNING window_start, count
"""


def _key(limit: Limit, subject: str) -> str:
    return f"{limit.name}:{subject.lower()}"[:255]


def _as_datetime(value: datetime | str) -> datetime:
    # SQLite hands back RETURNING columns of raw queries as text.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


async def hit(limit: Limit, subject: str) -> None:
    """Count a hit for `subject` (an IP, an email) and raise TooManyRequests past the limit."""
    now = utc_now()
    cutoff = window_cutoff(limit=limit, now=now)
    row = (await RateCounter.raw(_COUNT_HIT, _key(limit, subject), now, cutoff, cutoff, now))[0]
    decision = verdict(limit=limit, window_start=_as_datetime(row["window_start"]), count=row["count"], now=now)
    if not decision.allowed:
        minutes = max(1, round(decision.retry_after_seconds / 60))
        raise TooManyRequests(
            _("Too many attempts. Please wait %(minutes)s minute(s) and try again.") % {"minutes": minutes},
            retry_after=decision.retry_after_seconds,
        )


async def check(limit: Limit, subject: str) -> None:
    """Raise TooManyRequests if `subject` has used up `limit`, without counting a hit."""
    row = (
        await RateCounter.select(RateCounter.window_start, RateCounter.count)
        .where(RateCounter.key == _key(limit, subject))
        .first()
    )
    now = utc_now()
    if row is None or not exhausted(limit=limit, window_start=row["window_start"], count=row["count"], now=now):
        return
    retry_after = verdict(limit=limit, window_start=row["window_start"], count=row["count"], now=now)
    raise TooManyRequests(
        _("Too many failed attempts for this account. Please wait %(minutes)s minute(s) or reset your password.")
        % {"minutes": max(1, round(retry_after.retry_after_seconds / 60))},
        retry_after=retry_after.retry_after_seconds,
    )


async def reset(limit: Limit, subject: str) -> None:
    await RateCounter.delete().where(RateCounter.key == _key(limit, subject))
