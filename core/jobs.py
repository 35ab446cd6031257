"""The kernel's own timed jobs: thin entry points into services."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger

from core import mail, sessions
from core.clock import utc_now
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from core.storage import get_storage, off_loop
from core.tables import RateCounter

log = logging.getLogger(__name__)
# Counters whose window closed this long ago can no longer limit anyone.
STALE_COUNTER_AGE = timedelta(hours=1)


async def send_outbox() -> None:
    await mail.send_pending()


async def sweep_abandoned_uploads() -> None:
    # A process killed mid-upload leaves a `.part` file, or on S3 an incomplete multipart upload
    # (invisible, but billed): anything a day old belongs to no request still running.
    storage = get_storage()
    removed = await off_loop(storage, storage.sweep_abandoned)
    if removed:
        log.info("removed %d abandoned uploads", removed)


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
    register_job(
        JobSpec(
            id="storage.sweep",
            func=sweep_abandoned_uploads,
            trigger=IntervalTrigger(hours=6),
            description=N_("Remove uploads left half-written by a stopped process (a day old or more)"),
        )
    )
