"""Building a hackathon's schedule: a background run with a time limit and progress, checked on arrival."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.rules import N_
from hackathon.rules import checker
from hackathon.rules import schedule as rules
from hackathon.services.problem import load_problem, violation_out
from hackathon.services.setup import is_published, load_hackathon, require_organiser
from hackathon.tables import Hackathon, ScheduleItem, ScheduleRun
from mentoring.enums import RunStatus

log = logging.getLogger(__name__)
DEFAULT_TIME_LIMIT = 10
MAX_TIME_LIMIT = 120
# A run whose worker died is reported as failed after this long, so a new one may start.
STALE_RUN_SECONDS = 900
_tasks: set[asyncio.Task[None]] = set()


async def start_run(*, user: CurrentUser, hackathon_id: int, time_limit_seconds: int = DEFAULT_TIME_LIMIT) -> int:
    """Start the builder in the background; the schedule page shows its progress. One run at a time."""
    require_organiser(user)
    if not 1 <= time_limit_seconds <= MAX_TIME_LIMIT:
        raise ValidationFailed({"time_limit": N_("Give the solver 1 to 120 seconds.")})
    async with db.transaction():
        hackathon = await load_hackathon(hackathon_id)
        await db.locked(Hackathon.select(Hackathon.id).where(Hackathon.id == hackathon_id))
        if is_published(hackathon):
            raise StateConflict(
                N_("The schedule is published: people rely on it. Move single items by hand instead of rebuilding.")
            )
        running = await ScheduleRun.select(ScheduleRun.id, ScheduleRun.started_at).where(
            ScheduleRun.hackathon == hackathon_id, ScheduleRun.status == RunStatus.RUNNING
        )
        for run in running:
            if (utc_now() - run["started_at"]).total_seconds() < STALE_RUN_SECONDS:
                raise StateConflict(N_("The schedule is being built; wait for this run to finish."))
            await ScheduleRun.update({ScheduleRun.status: RunStatus.FAILED, ScheduleRun.error: "abandoned"}).where(
                ScheduleRun.id == run["id"]
            )
        run_id = (
            await ScheduleRun.insert(
                ScheduleRun(
                    hackathon=hackathon_id,
                    created_by=user.id,
                    stage=N_("queued"),
                    time_limit_seconds=time_limit_seconds,
                )
            ).returning(ScheduleRun.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="hackathon.schedule_started",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"run": run_id, "time_limit_seconds": time_limit_seconds},
        )
    task = asyncio.create_task(execute_run(run_id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return run_id


async def wait_for_runs() -> None:
    """Let running builds finish (tests, shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def _progress(run_id: int, progress: int, stage: str) -> None:
    await ScheduleRun.update({ScheduleRun.progress: progress, ScheduleRun.stage: stage}).where(
        ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.RUNNING
    )


async def execute_run(run_id: int) -> None:
    """Load, solve off the event loop, check, and store the schedule with what could not be placed."""
    run = await ScheduleRun.select().where(ScheduleRun.id == run_id).first()
    try:
        await _progress(run_id, 5, N_("loading teams, mentors, judges and rooms"))
        hackathon = await load_hackathon(run["hackathon"])
        loaded = await load_problem(hackathon)
        await _progress(run_id, 15, N_("placing pitches and office hours"))
        limit = run["time_limit_seconds"]
        loop = asyncio.get_running_loop()
        reported = {"progress": 15}

        def on_progress(progress: rules.Progress) -> None:
            # On the solver's thread: hand the update to the event loop, at most once per percent.
            share = min(1.0, progress.elapsed_seconds / max(limit, 0.001))
            value = 15 + int(70 * share)
            if value > reported["progress"]:
                reported["progress"] = value
                stage = N_("placing pitches") if progress.phase == "pitch" else N_("placing office hours")
                asyncio.run_coroutine_threadsafe(_progress(run_id, value, stage), loop)

        result = await asyncio.to_thread(
            rules.build_schedule, loaded.problem, time_limit_seconds=limit, on_progress=on_progress
        )
        await _progress(run_id, 90, N_("checking and saving"))
        violations = checker.check_schedule(loaded.problem, result.items)
        await _store(run_id, hackathon["id"], result, violations)
    except Exception as exc:
        log.exception("schedule run %s failed", run_id)
        await ScheduleRun.update(
            {
                ScheduleRun.status: RunStatus.FAILED,
                ScheduleRun.error: str(exc)[:2000],
                ScheduleRun.finished_at: utc_now(),
            }
        ).where(ScheduleRun.id == run_id)


def _unplaced_out(unplaced: rules.Unplaced) -> dict[str, Any]:
    return {
        "kind": unplaced.kind.value,
        "team_id": unplaced.team_id,
        "number": unplaced.number,
        "reason": unplaced.reason.value,
        "message": unplaced.message,
        "params": {k: v for k, v in unplaced.params.items()},
        "mentor_id": unplaced.mentor_id,
    }


async def _store(
    run_id: int, hackathon_id: int, result: rules.ScheduleResult, violations: list[checker.Violation]
) -> None:
    async with db.transaction():
        hackathon = await load_hackathon(hackathon_id)
        if is_published(hackathon):
            raise StateConflict(N_("The schedule was published while it was being built; nothing was replaced."))
        await ScheduleItem.delete().where(ScheduleItem.hackathon == hackathon_id)
        zone = ZoneInfo(hackathon["timezone"])
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
                ScheduleRun.unplaced: [_unplaced_out(u) for u in result.unplaced],
                ScheduleRun.violations: [violation_out(v) for v in violations],
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


async def latest_run(hackathon_id: int) -> dict[str, Any] | None:
    return await (
        ScheduleRun.select()
        .where(ScheduleRun.hackathon == hackathon_id)
        .order_by(ScheduleRun.id, ascending=False)
        .first()
        .output(load_json=True)
    )
