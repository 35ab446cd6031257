"""Timed jobs of the challenge domain: thin entry points into services."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from challenge.services import questions, teams
from challenge.services.applications import PITCH_DECK, may_read_pitch_deck, remind_deadlines
from challenge.services.editions import apply_phase_changes
from challenge.services.problems import ATTACHMENT, may_read_attachment
from core.files import register_download_policy
from core.rules import N_
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
            description=N_("Carry out phase changes that are due (audit and notify, once)"),
        )
    )
    register_job(
        JobSpec(
            id="challenge.deadline_reminders",
            func=remind_deadlines,
            trigger=IntervalTrigger(minutes=15),
            description=N_("Remind teams of unsubmitted drafts 72 h and 24 h before the deadline (each mail once)"),
        )
    )
    register_download_policy(ATTACHMENT, may_read_attachment)
    register_download_policy(PITCH_DECK, may_read_pitch_deck)
    register_download_policy(questions.ANSWER_FILE, questions.may_read_answer_file)
    teams.register()
