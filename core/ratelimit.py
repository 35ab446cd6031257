"""Rate limits kept in the database, so every worker counts the same hits."""

from __future__ import annotations

from datetime import timedelta

from core import db
from core.clock import utc_now
from core.errors import TooManyRequests
from core.i18n import gettext as _
from core.rules.rate_limits import Limit, decide
from core.tables import RateCounter

WINDOW = timedelta(minutes=15)


async def hit(limit: Limit, subject: str) -> None:
    """Count a hit for `subject` (an IP, an email) and raise TooManyRequests past the limit."""
    key = f"{limit.name}:{subject.lower()}"[:255]
    now = utc_now()
    async with db.transaction():
        row = await RateCounter.objects().get(RateCounter.key == key)
        decision = decide(
            limit=limit,
            window_start=row.window_start if row else None,
            count=row.count if row else 0,
            now=now,
        )
        if row is None:
            await RateCounter.insert(RateCounter(key=key, window_start=decision.window_start, count=decision.count))
        else:
            await RateCounter.update(
                {RateCounter.window_start: decision.window_start, RateCounter.count: decision.count}
            ).where(RateCounter.id == row.id)
    if not decision.allowed:
        minutes = max(1, round(decision.retry_after_seconds / 60))
        raise TooManyRequests(
            _("Too many attempts. Please wait %(minutes)s minute(s) and try again.") % {"minutes": minutes},
            retry_after=decision.retry_after_seconds,
        )


async def reset(limit: Limit, subject: str) -> None:
    await RateCounter.delete().where(RateCounter.key == f"{limit.name}:{subject.lower()}"[:255])


async def check(limit: Limit, subject: str) -> None:
    """Raise TooManyRequests if `subject` has used up `limit`, without counting a hit."""
    key = f"{limit.name}:{subject.lower()}"[:255]
    row = await RateCounter.select(RateCounter.window_start, RateCounter.count).where(RateCounter.key == key).first()
    if row is None:
        return
    now = utc_now()
    if now < row["window_start"] + limit.window and row["count"] >= limit.max_hits:
        retry_after = max(1, int((row["window_start"] + limit.window - now).total_seconds()))
        raise TooManyRequests(
            _("Too many failed attempts for this account. Please wait %(minutes)s minute(s) or reset your password.")
            % {"minutes": max(1, round(retry_after / 60))},
            retry_after=retry_after,
        )
