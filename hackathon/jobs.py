"""Timed jobs and kernel hooks of the hackathon domain: thin entry points into services."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from core.calendar import register_calendar_source
from core.clock import utc_now
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from hackathon.queries import calendar
from hackathon.services import reminders


async def remind_pitches() -> None:
    await reminders.send_pitch_reminders(now=utc_now())


def register(settings: Settings) -> None:
    """Called once by the composition root."""
    register_job(
        JobSpec(
            id="hackathon.pitch_reminders",
            func=remind_pitches,
            trigger=IntervalTrigger(minutes=5),
            description=N_("Tell each team member 30 minutes before their pitch (each mail once, also after downtime)"),
        )
    )
    register_calendar_source(calendar.calendar_events)
