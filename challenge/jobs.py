"""Timed jobs of the challenge domain: thin entry points into services."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from challenge.services.editions import apply_phase_changes
from challenge.services.problems import may_read_attachment
from core.files import register_download_policy
from core.scheduler import JobSpec, register_job
from core.settings import Settings


async def carry_out_phase_changes() -> None:
    await apply_phase_changes()


def register(settings: Settings) -> None:
    register_job(
        JobSpec(
            id="challenge.phases",
            func=carry_out_phase_changes,
            trigger=IntervalTrigger(seconds=settings.phase_check_interval_seconds),
            description="Carry out phase changes that are due (audit and notify, once)",
        )
    )
    register_download_policy("problem_attachment", may_read_attachment)
