"""Timed jobs: exactly one APScheduler per deployment, however many workers run.

APScheduler 3 fires a job once per scheduler instance, and a shared job store does not stop
two schedulers from running the same tick (measured: 2 processes, 19 runs for 10 ticks). So
every worker campaigns for leadership and only the leader runs a scheduler:

* PostgreSQL: the session-level advisory lock of a dedicated connection. If the leader dies,
  its connection closes, the lock is released and another worker takes over within seconds.
* SQLite: an exclusive file lock next to the database (one machine, released by the OS).

Job state (next run, last run, last error) is persisted in `job_state`: a restarted leader
resumes each job at its stored next run, and a run missed while no leader was up fires once
(coalesced). Each run also claims its tick with a conditional UPDATE, so even two leaders
in a split-brain moment cannot both run it. Jobs themselves are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import asyncpg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from core import audit, db, metrics
from core.clock import utc_now
from core.enums import JobRunStatus
from core.settings import Settings
from core.tables import JobRun, JobState

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x5C17_C4A1  # any constant shared by all workers of this deployment
CAMPAIGN_INTERVAL_SECONDS = 2.0
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[], Awaitable[Any]]
    trigger: BaseTrigger
    description: str


_registry: dict[str, JobSpec] = {}


def register_job(spec: JobSpec) -> None:
    """Domains register their timed jobs at import time of the composition root."""
    _registry[spec.id] = spec


def registered_jobs() -> list[JobSpec]:
    return sorted(_registry.values(), key=lambda spec: spec.id)


def _next_fire(spec: JobSpec, now: datetime) -> datetime | None:
    fire_at: datetime | None = spec.trigger.get_next_fire_time(None, now)
    return fire_at


async def _ensure_state(spec: JobSpec, now: datetime) -> datetime | None:
    state = await JobState.select(JobState.next_run_at).where(JobState.job_id == spec.id).first()
    if state is not None:
        stored: datetime | None = state["next_run_at"]
        return stored
    next_run = _next_fire(spec, now)
    await JobState.insert(JobState(job_id=spec.id, next_run_at=next_run))
    return next_run


async def run_job(job_id: str) -> bool:
    """Run one registered job if its tick is due or a run was requested; record it. True if it ran."""
    spec = _registry[job_id]
    now = utc_now()
    due = await _ensure_state(spec, now)
    next_run = _next_fire(spec, now)
    claimed = await (
        JobState.update({JobState.next_run_at: next_run, JobState.last_run_at: now, JobState.run_requested: False})
        .where(JobState.job_id == job_id)
        .where((JobState.next_run_at <= now) | (JobState.run_requested == True))  # noqa: E712
        .returning(JobState.id)
    )
    if not claimed:
        return False
    # The tick it runs for (a run asked for with "run now" is due when asked): how late it starts
    # is the job lag operators watch (challenge_job_lag_seconds).
    scheduled_for = due if due is not None and due <= now else now
    run = (
        await JobRun.insert(JobRun(job_id=job_id, scheduled_for=scheduled_for, worker=WORKER_ID)).returning(JobRun.id)
    )[0]
    status, error = JobRunStatus.ERROR, "cancelled (the worker stopped leading or shut down)"
    try:
        await spec.func()
        status, error = JobRunStatus.OK, ""
    except Exception as exc:
        log.exception("job %s failed", job_id)
        error = f"{type(exc).__name__}: {exc}"[:4000]
    finally:
        # Also on cancellation: a run is never left looking as if it were still going.
        metrics.JOB_RUNS.labels(job_id, status.value).inc()
        await asyncio.shield(_finish_run(job_id=job_id, run_id=run["id"], status=status, error=error))
    return True


async def _finish_run(*, job_id: str, run_id: int, status: JobRunStatus, error: str) -> None:
    await JobRun.update({JobRun.status: status, JobRun.error: error, JobRun.finished_at: utc_now()}).where(
        JobRun.id == run_id
    )
    await JobState.update({JobState.last_status: status, JobState.last_error: error}).where(JobState.job_id == job_id)


class _Leadership(ABC):
    @abstractmethod
    async def try_acquire(self) -> bool: ...

    @abstractmethod
    async def still_held(self) -> bool: ...

    @abstractmethod
    async def release(self) -> None: ...


class PostgresLeadership(_Leadership):
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.connection: asyncpg.Connection | None = None

    async def try_acquire(self) -> bool:
        if self.connection is None or self.connection.is_closed():
            self.connection = await asyncpg.connect(self.dsn, timeout=10)
        return bool(await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_LOCK_KEY, timeout=10))

    async def still_held(self) -> bool:
        if self.connection is None or self.connection.is_closed():
            return False
        try:
            return bool(await self.connection.fetchval("SELECT 1", timeout=5))
        except (TimeoutError, asyncpg.PostgresError, OSError):
            return False

    async def release(self) -> None:
        if self.connection is not None and not self.connection.is_closed():
            with contextlib.suppress(asyncpg.PostgresError, OSError):
                await self.connection.close(timeout=5)
        self.connection = None


class FileLeadership(_Leadership):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    async def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    async def still_held(self) -> bool:
        return self.handle is not None

    async def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class SchedulerService:
    """Campaigns for leadership in the background and runs the scheduler while it leads."""

    def __init__(self, settings: Settings) -> None:
        if settings.is_sqlite:
            self.leadership: _Leadership = FileLeadership(Path(settings.sqlite_path + ".scheduler.lock"))
        else:
            self.leadership = PostgresLeadership(settings.database_url)
        self.scheduler: AsyncIOScheduler | None = None
        self.task: asyncio.Task[None] | None = None
        self.is_leader = False

    async def start(self) -> None:
        self.task = asyncio.create_task(self._campaign(), name="scheduler-campaign")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self._step_down()

    async def _campaign(self) -> None:
        while True:
            try:
                if not self.is_leader:
                    await self._try_to_lead()
                elif not await self.leadership.still_held():
                    log.warning("scheduler leadership lost by %s", WORKER_ID)
                    await self._step_down()
                else:
                    await self._serve_requests()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A blip (the database restarting): keep leading while the lock is still held.
                log.exception("scheduler campaign step failed; retrying")
            await asyncio.sleep(CAMPAIGN_INTERVAL_SECONDS)

    async def _try_to_lead(self) -> None:
        if not await self.leadership.try_acquire():
            return
        try:
            await self._lead()
        except BaseException:
            await self._step_down()
            raise

    async def _lead(self) -> None:
        self.is_leader = True
        metrics.set_leader(True)
        log.info("scheduler leader: %s", WORKER_ID)
        scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        now = utc_now()
        for spec in registered_jobs():
            stored_next = await _ensure_state(spec, now)
            scheduler.add_job(
                run_job,
                trigger=spec.trigger,
                args=[spec.id],
                id=spec.id,
                name=spec.description,
                # A run missed while no leader was up fires once now, then the trigger resumes.
                next_run_time=max(stored_next, now) if stored_next else None,
                misfire_grace_time=None,
            )
        scheduler.start()
        self.scheduler = scheduler

    async def _serve_requests(self) -> None:
        """Runs an organiser asked for with "run now", from whichever worker served the click."""
        requested = await JobState.select(JobState.job_id).where(JobState.run_requested == True)  # noqa: E712
        for row in requested:
            if self.scheduler is not None and self.scheduler.get_job(row["job_id"]) is not None:
                # Through APScheduler, so that max_instances=1 still holds.
                self.scheduler.modify_job(row["job_id"], next_run_time=utc_now())

    async def _step_down(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.is_leader:
            self.is_leader = False
            metrics.set_leader(False)
        await self.leadership.release()


async def request_run(job_id: str, *, actor_id: int) -> None:
    """Ask the leader to run a job now (whichever worker served the click); it runs once."""
    if job_id not in _registry:
        raise KeyError(job_id)
    async with db.transaction():
        now = utc_now()
        await _ensure_state(_registry[job_id], now)
        await JobState.update({JobState.run_requested: True}).where(JobState.job_id == job_id)
        await audit.record(actor_id=actor_id, action="job.run_requested", entity="job", entity_id=job_id)
