"""Timed jobs of the pilots domain: thin entry points into services."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from core.clock import utc_now
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from pilots.services import reminders


async def remind_pilots() -> None:
    await reminders.send_reminders(now=utc_now())


def register(settings: Settings) -> None:
    """Called once by the composition root."""
    register_job(
        JobSpec(
            id="pilots.reminders",
            func=remind_pilots,
            trigger=IntervalTrigger(hours=1),
            description=N_(
                "Remind the sides of running pilots of measurements and milestones due soon or overdue (each mail once)"
            ),
        )
    )
