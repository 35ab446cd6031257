"""The story's time: the year's timeline, and the loaded rows moved back to the days they belong to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from challenge.enums import Phase
from challenge.tables import (
    Application,
    ApplicationEvent,
    Comment,
    EditionPhase,
    Endorsement,
    Problem,
    ProblemEvent,
    Startup,
    StartupMember,
)
from core.clock import utc_now
from core.demo.world import World
from core.tables import AuditEvent, Membership, OutboxMessage, StoredFile, User
from hackathon.tables import Hackathon, ScheduleRun
from judging.tables import JudgeAssignment, Round, ScoreSheet
from mentoring.tables import Match, MatchRun

# The year, in days from today (phase starts), and the hackathon (today 09:00 to tomorrow 18:00).
TIMELINE_DAYS = {
    Phase.PROBLEM_INTAKE: -150,
    Phase.APPLICATIONS: -110,
    Phase.SCREENING: -75,
    Phase.MENTORING: -50,
    Phase.HACKATHON: -2,
    Phase.FINAL_JUDGING: 2,
    Phase.RESULTS: 9,
}
# When in the story each stage happened (days from today): timestamps are moved there afterwards.
STAGE_DAYS = {
    "intake": -140,
    "applications": -80,
    "screening": -70,
    "interviews": -56,
    "programme": -50,
    "semi_final": -10,
    "hackathon": -1,
    "final": 0,
    "schedule": -1,
}


async def set_timeline(edition_id: int, *, current: Phase) -> None:
    """The year's timeline, shifted so that `current` began a day ago (the story replays the year)."""
    shift = -1 - TIMELINE_DAYS[current]
    now = utc_now()
    await EditionPhase.delete().where(EditionPhase.edition == edition_id)
    for phase, days in TIMELINE_DAYS.items():
        await EditionPhase.insert(
            EditionPhase(edition=edition_id, phase=phase, starts_at=now + timedelta(days=days + shift))
        )


# Rows whose timestamps the services set to the moment of loading; moved to their day in the story.
STORY_TABLES = [
    User, Membership, AuditEvent, OutboxMessage, StoredFile, Problem, ProblemEvent, Endorsement, Comment, Startup,
    StartupMember, Application, ApplicationEvent, Round, JudgeAssignment, ScoreSheet, Match, MatchRun, Hackathon,
    ScheduleRun,
]  # fmt: skip
KEEP_TIMES = {"starts_at", "ends_at", "opens_at", "last_login_at"}


async def move_to_story_time(world: World, *, since: str | None = None) -> None:
    """Shift what each stage wrote to the day the story puts it on (each stage keeps its own order)."""
    end = utc_now()
    windows = []
    first = [stage for stage, _began in world.stages].index(since) if since else 0
    for index, (stage, began) in enumerate(world.stages):
        if index < first:
            continue
        until = world.stages[index + 1][1] if index + 1 < len(world.stages) else end + timedelta(seconds=1)
        windows.append((began, until, end + timedelta(days=STAGE_DAYS[stage]) - began))
    from piccolo.columns import Column, Timestamptz

    for table in STORY_TABLES:
        columns = [c for c in table._meta.columns if isinstance(c, Timestamptz) and c._meta.name not in KEEP_TIMES]
        if not columns:
            continue
        key = table._meta.primary_key
        for row in await table.select(key, *columns):
            changes: dict[Column | str, Any] = {}
            for column in columns:
                value = row[column._meta.name]
                for began, until, shift in windows:
                    if value is not None and began <= value < until:
                        changes[column] = value + shift
                        break
            if changes:
                await table.update(changes).where(key == row["id"])


async def mark_mail_delivered() -> None:
    """The story's mail went to demo addresses long ago: shown in the outbox as sent, never sent again."""
    await OutboxMessage.update(
        {
            OutboxMessage.status: "sent",
            OutboxMessage.sent_at: OutboxMessage.created_at,
            OutboxMessage.body_with_secrets: None,
        }
    ).where(OutboxMessage.status == "pending")
