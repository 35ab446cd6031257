"""Background runs: a solver run a page shows the progress of, one at a time per scope.

Matching runs (one per edition) and schedule builds (one per hackathon) share this machinery.
A domain declares its runs once, next to the service that starts them:

    RUNS = BackgroundRuns(
        name="matching",
        scope=MatchRun.edition,
        stale_after_seconds=600,
        still_going=N_("A matching run for this edition is still going; wait for it to finish."),
    )

`start` inserts the run row and its audit record in one transaction (after the domain's own
checks, made inside it) and starts the domain's work as an asyncio task; the work reports its
stage with `progress` (or, from a solver's thread, through `thread_reporter`) and is wrapped in
`recording_failure`, which marks the run failed with the error's text. Any Piccolo table with the
columns status, progress, stage, error, started_at, finished_at and created_by will do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from core import audit, db
from core.clock import utc_now
from core.errors import StateConflict

log = logging.getLogger(__name__)

# The columns a run table must have: what this module reads and writes.
RUN_COLUMNS = ("status", "progress", "stage", "error", "started_at", "finished_at", "created_by")
# The error of a run whose worker died (the server stopped mid-run).
ABANDONED = "abandoned"
# Stored error texts are cut here: a solver's traceback message can be long.
MAX_ERROR = 2000


class RunStatus(StrEnum):
    """The values of a run table's `status` column (the domains' own enums share them)."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class BackgroundRuns:
    """One kind of background run: its table, the scope it is one-at-a-time in, and its tasks.

    Attributes:
        name: Named in the log when a run fails ("matching", "schedule").
        scope: The run table's column naming the scope (`MatchRun.edition`); its table is the
            run table.
        stale_after_seconds: A running row older than this is taken for a dead worker's run:
            marked failed ("abandoned") so that a new run may start.
        still_going: The message a second start gets while a fresh run is still going.
        progress_while_running: Progress only moves a run still running, so a late report from
            a solver's thread never overwrites the finished run's "done".
        logger: Where a failed run's traceback goes (the domain's own logger).
        tasks: The runs of this process under way (tests and shutdown wait for them).
    """

    name: str
    scope: Column
    stale_after_seconds: int
    still_going: str
    progress_while_running: bool = False
    logger: logging.Logger = log
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        present = {column._meta.name for column in self.table._meta.columns}
        missing = [name for name in RUN_COLUMNS if name not in present]
        if missing:
            raise TypeError(f"{self.table.__name__} lacks the run columns {', '.join(missing)}")

    @property
    def table(self) -> type[Table]:
        return self.scope._meta.table

    def _column(self, name: str) -> Column:
        return self.table._meta.get_column_by_name(name)

    async def _claim(self, scope_id: int) -> None:
        """Refuse while a fresh run of the scope is going; mark a dead worker's runs failed."""
        table, pk = self.table, self.table._meta.primary_key
        started_at = self._column("started_at")
        running = await table.select(pk.as_alias("id"), started_at.as_alias("started_at")).where(
            self.scope == scope_id, self._column("status") == RunStatus.RUNNING
        )
        for run in running:
            if (utc_now() - run["started_at"]).total_seconds() < self.stale_after_seconds:
                raise StateConflict(self.still_going)
            await table.update({self._column("status"): RunStatus.FAILED, self._column("error"): ABANDONED}).where(
                pk == run["id"]
            )

    async def start(
        self,
        *,
        row: Table,
        scope_id: int,
        actor_id: int,
        action: str,
        entity: str,
        after: dict[str, Any],
        execute: Callable[[int], Coroutine[Any, Any, None]],
        checks: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Insert the run and its audit record in one transaction, then start `execute(run_id)`.

        Args:
            row: The new run row (its scope, `created_by`, any columns of the domain's own).
            scope_id: The scope the run is one-at-a-time in (the edition, the hackathon).
            actor_id: Who started it, for the audit record.
            action: The audit action; `entity` and `scope_id` name what it is recorded against.
            after: The audit record's payload beside the run's id.
            execute: The domain's work; wrap its body in `recording_failure`.
            checks: The domain's own checks, made first inside the transaction (locks, state).
        """
        async with db.transaction():
            if checks is not None:
                await checks()
            await self._claim(scope_id)
            pk = self.table._meta.primary_key
            inserted = await self.table.insert(row).returning(pk)
            run_id = int(inserted[0][pk._meta.name])
            await audit.record(
                actor_id=actor_id, action=action, entity=entity, entity_id=scope_id, after={"run": run_id, **after}
            )
        task = asyncio.create_task(execute(run_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return run_id

    async def progress(self, run_id: int, progress: int, stage: str) -> None:
        """Show how far the run is and what it is doing."""
        pk = self.table._meta.primary_key
        query = self.table.update({self._column("progress"): progress, self._column("stage"): stage})
        if self.progress_while_running:
            await query.where(pk == run_id, self._column("status") == RunStatus.RUNNING)
        else:
            await query.where(pk == run_id)

    def thread_reporter(self, run_id: int) -> Callable[[int, str], None]:
        """`progress` for a solver's thread: each report is handed to this event loop."""
        loop = asyncio.get_running_loop()

        def report(progress: int, stage: str) -> None:
            asyncio.run_coroutine_threadsafe(self.progress(run_id, progress, stage), loop)

        return report

    async def fail(self, run_id: int, error: BaseException) -> None:
        """Mark the run failed with the error's text, finished now."""
        await self.table.update(
            {
                self._column("status"): RunStatus.FAILED,
                self._column("error"): str(error)[:MAX_ERROR],
                self._column("finished_at"): utc_now(),
            }
        ).where(self.table._meta.primary_key == run_id)

    @asynccontextmanager
    async def recording_failure(self, run_id: int) -> AsyncIterator[None]:
        """Wrap a run's work: an error is logged and stored on the run, never raised to the task."""
        try:
            yield
        except Exception as exc:
            self.logger.exception("%s run %s failed", self.name, run_id)
            await self.fail(run_id, exc)

    async def wait(self) -> None:
        """Let the runs under way finish (tests, shutdown); runs they start are waited for too."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
