"""Kernel hooks of the judging domain."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from challenge.services.applications import PITCH_DECK
from challenge.tables import Application
from core.auth import CurrentUser
from core.clock import utc_now
from core.files import FileRow, register_download_policy
from core.rules import N_
from core.scheduler import JobSpec, register_job
from core.settings import Settings
from judging.services import reminders, results
from judging.tables import JudgeAssignment, Round


async def may_read_pitch_deck(user: CurrentUser | None, file_row: FileRow) -> bool:
    """Judges read the decks of the applications in their queue (never of conflicted ones: those
    assignments are removed). A blind round's judges get the deck from their sheet instead, under
    the entry's pseudonym (`/judge/assignments/<id>/deck`): the file's own name and details may
    name the team."""
    if user is None:
        return False
    return await JudgeAssignment.exists().where(
        JudgeAssignment.judge == user.id,
        JudgeAssignment.round.is_in(Round.select(Round.id).where(Round.blind == False)),  # noqa: E712
        JudgeAssignment.application.is_in(
            Application.select(Application.id).where(Application.pitch_deck == file_row.id)
        ),
    )


async def close_due_rounds() -> None:
    await results.close_due_rounds(now=utc_now())


async def remind_judges() -> None:
    await reminders.send_reminders(now=utc_now())


def register(settings: Settings) -> None:
    register_download_policy(PITCH_DECK, may_read_pitch_deck)
    register_job(
        JobSpec(
            id="judging.close_rounds",
            func=close_due_rounds,
            trigger=IntervalTrigger(minutes=1),
            description=N_("Close judging rounds whose closing time has passed (scores become final)"),
        )
    )
    register_job(
        JobSpec(
            id="judging.remind_judges",
            func=remind_judges,
            trigger=IntervalTrigger(minutes=15),
            description=N_(
                "Remind judges with sheets still to submit, 48 and 12 hours before a round closes (each mail once)"
            ),
        )
    )
