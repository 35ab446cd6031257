"""The kernel's own timed jobs: thin entry points into services."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger

from core import mail, sessions
from core.clock import utc_now
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from core.tables import RateCounter

# Counters whose window closed this long ago can no longer limit anyone.
STALE_COUNTER_AGE = timedelta(hours=1)


async def send_outbox() -> None:
    await mail.send_pending()


async def sweep_expired() -> None:
    await sessions.delete_expired_sessions()
    await RateCounter.delete().where(RateCounter.window_start < utc_now() - STALE_COUNTER_AGE)


def register(settings: Settings) -> None:
    register_job(
        JobSpec(
            id="outbox.send",
            func=send_outbox,
            trigger=IntervalTrigger(seconds=settings.outbox_interval_seconds),
            description=N_("Send queued mail over SMTP, retrying failures with backoff"),
        )
    )
    register_job(
        JobSpec(
            id="housekeeping.sweep",
            func=sweep_expired,
            trigger=IntervalTrigger(hours=1),
            description=N_("Delete expired sessions and rate-limit counters"),
        )
    )
