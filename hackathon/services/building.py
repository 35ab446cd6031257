"""Building a hackathon's schedule: a background run with a time limit and progress, checked on arrival."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

import msgspec

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.rules import N_
from core.runs import BackgroundRuns
from core.scopes import require_organiser
from hackathon.queries.hackathons import load_hackathon
from hackathon.records import StoredUnplaced
from hackathon.rules import checker
from hackathon.rules import schedule as rules
from hackathon.services.problem import load_problem, stored_violation
from hackathon.services.setup import ORGANISERS_ONLY
from hackathon.tables import Hackathon, ScheduleItem, ScheduleRun
from mentoring.enums import RunStatus

log = logging.getLogger(__name__)
DEFAULT_TIME_LIMIT = 10
MAX_TIME_LIMIT = 120
# A run whose worker died is reported as failed after this long, so a new one may start.
STALE_RUN_SECONDS = 900
RUNS = BackgroundRuns(
    name="schedule",
    scope=ScheduleRun.hackathon,
    stale_after_seconds=STALE_RUN_SECONDS,
    still_going=N_("The schedule is being built; wait for this run to finish."),
    progress_while_running=True,
    logger=log,
)


async def start_run(*, user: CurrentUser, hackathon_id: int, time_limit_seconds: int = DEFAULT_TIME_LIMIT) -> int:
    """Start the builder in the background; the schedule page shows its progress. One run at a time."""
    require_organiser(user, ORGANISERS_ONLY)
    if not 1 <= time_limit_seconds <= MAX_TIME_LIMIT:
        raise ValidationFailed({"time_limit": N_("Give the solver 1 to 120 seconds.")})

    async def checks() -> None:
        hackathon = await load_hackathon(hackathon_id)
        await db.locked(Hackathon.select(Hackathon.id).where(Hackathon.id == hackathon_id))
        if hackathon.is_published:
            raise StateConflict(
                N_("The schedule is published: people rely on it. Move single items by hand instead of rebuilding.")
            )

    return await RUNS.start(
        row=ScheduleRun(
            hackathon=hackathon_id, created_by=user.id, stage=N_("queued"), time_limit_seconds=time_limit_seconds
        ),
        scope_id=hackathon_id,
        actor_id=user.id,
        action="hackathon.schedule_started",
        entity="hackathon",
        after={"time_limit_seconds": time_limit_seconds},
        execute=execute_run,
        checks=checks,
    )


async def wait_for_runs() -> None:
    """Let running builds finish (tests, shutdown)."""
    await RUNS.wait()


async def _progress(run_id: int, progress: int, stage: str) -> None:
    await RUNS.progress(run_id, progress, stage)


async def execute_run(run_id: int) -> None:
    """Load, solve off the event loop, check, and store the schedule with what could not be placed."""
    run = await (
        ScheduleRun.select(ScheduleRun.hackathon, ScheduleRun.time_limit_seconds)
        .where(ScheduleRun.id == run_id)
        .first()
    )
    if run is None:  # emptied before the task began (a test's teardown)
        return
    async with RUNS.recording_failure(run_id):
        await _progress(run_id, 5, N_("loading teams, mentors, judges and rooms"))
        hackathon = await load_hackathon(run["hackathon"])
        loaded = await load_problem(hackathon)
        await _progress(run_id, 15, N_("placing pitches and office hours"))
        limit: int = run["time_limit_seconds"]
        report = RUNS.thread_reporter(run_id)
        reported = {"progress": 15}

        def on_progress(progress: rules.Progress) -> None:
            # On the solver's thread: hand the update to the event loop, at most once per percent.
            share = min(1.0, progress.elapsed_seconds / max(limit, 0.001))
            value = 15 + int(70 * share)
            if value > reported["progress"]:
                reported["progress"] = value
                report(value, N_("placing pitches") if progress.phase == "pitch" else N_("placing office hours"))

        result = await asyncio.to_thread(
            rules.build_schedule, loaded.problem, time_limit_seconds=limit, on_progress=on_progress
        )
        await _progress(run_id, 90, N_("checking and saving"))
        violations = checker.check_schedule(loaded.problem, result.items)
        await _store(run_id, hackathon.id, result, violations)


def _stored_unplaced(unplaced: rules.Unplaced) -> StoredUnplaced:
    return StoredUnplaced(
        kind=unplaced.kind.value,
        team_id=unplaced.team_id,
        number=unplaced.number,
        reason=unplaced.reason.value,
        message=unplaced.message,
        params=dict(unplaced.params),
        mentor_id=unplaced.mentor_id,
    )


async def _store(
    run_id: int, hackathon_id: int, result: rules.ScheduleResult, violations: list[checker.Violation]
) -> None:
    async with db.transaction():
        hackathon = await load_hackathon(hackathon_id)
        if hackathon.is_published:
            raise StateConflict(N_("The schedule was published while it was being built; nothing was replaced."))
        await ScheduleItem.delete().where(ScheduleItem.hackathon == hackathon_id)
        zone = ZoneInfo(hackathon.timezone)
        if result.items:
            await ScheduleItem.insert(
                *(
                    ScheduleItem(
                        hackathon=hackathon_id,
                        ref=item.id,
                        kind=item.kind,
                        title=item.title[:200],
                        room=item.room_id,
                        starts_at=item.start.astimezone(zone),
                        ends_at=item.end.astimezone(zone),
                        team_ids=list(item.team_ids),
                        judge_ids=list(item.judge_ids),
                        mentor_ids=list(item.mentor_ids),
                        panel=item.panel_id,
                        block_ref=item.block_id,
                        everyone=item.everyone,
                        run=run_id,
                    )
                    for item in result.items
                )
            )
        await ScheduleRun.update(
            {
                ScheduleRun.status: RunStatus.DONE,
                ScheduleRun.progress: 100,
                ScheduleRun.stage: "done",
                ScheduleRun.solve_status: result.status.value,
                ScheduleRun.unplaced: [msgspec.to_builtins(_stored_unplaced(u)) for u in result.unplaced],
                ScheduleRun.violations: [msgspec.to_builtins(stored_violation(v)) for v in violations],
                ScheduleRun.stats: {**result.stats, "elapsed_ms": int(result.elapsed_seconds * 1000)},
                ScheduleRun.finished_at: utc_now(),
            }
        ).where(ScheduleRun.id == run_id)
        await audit.record(
            actor_id=None,
            action="hackathon.schedule_built",
            entity="hackathon",
            entity_id=hackathon_id,
            after={
                "run": run_id,
                "items": len(result.items),
                "unplaced": len(result.unplaced),
                "errors": sum(v.severity == "error" for v in violations),
                "status": result.status.value,
            },
        )
