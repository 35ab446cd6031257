"""Timed jobs and kernel hooks of the mentoring domain: thin entry points into services."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from core.calendar import register_calendar_source
from core.clock import utc_now
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from mentoring.queries import calendar
from mentoring.services import sessions


async def remind_sessions() -> None:
    await sessions.send_session_reminders(now=utc_now())


def register(settings: Settings) -> None:
    """Called once by the composition root."""
    register_job(
        JobSpec(
            id="mentoring.session_reminders",
            func=remind_sessions,
            trigger=IntervalTrigger(minutes=10),
            description=N_("Remind both sides of each mentoring session 24 h ahead (each mail once)"),
        )
    )
    register_calendar_source(calendar.calendar_events)
