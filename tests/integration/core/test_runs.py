"""core.runs on a real database: one run at a time per scope, progress, failure, waiting."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from core.clock import utc_now
from core.errors import StateConflict
from core.runs import BackgroundRuns, RunStatus
from core.tables import AuditEvent
from mentoring.tables import Match, MatchRun
from tests.factories import make_edition, make_user

STILL_GOING = "Still going; wait."


def _runs(*, while_running: bool = False) -> BackgroundRuns:
    return BackgroundRuns(
        name="test",
        scope=MatchRun.edition,
        stale_after_seconds=600,
        still_going=STILL_GOING,
        progress_while_running=while_running,
    )


async def _run(run_id: int) -> dict:
    return await MatchRun.select().where(MatchRun.id == run_id).first()


async def _finish(run_id: int) -> None:
    await MatchRun.update({MatchRun.status: RunStatus.DONE, MatchRun.progress: 100}).where(MatchRun.id == run_id)


async def _start(runs: BackgroundRuns, edition_id: int, user_id: int, execute, **kwargs) -> int:
    return await runs.start(
        row=MatchRun(edition=edition_id, created_by=user_id, stage="queued"),
        scope_id=edition_id,
        actor_id=user_id,
        action="test.started",
        entity="edition",
        after={"extra": 1},
        execute=execute,
        **kwargs,
    )


async def test_a_run_is_inserted_audited_and_executed_in_the_background(clean_db) -> None:
    edition, user = await make_edition(), await make_user()
    runs = _runs()
    seen: list[int] = []

    async def execute(run_id: int) -> None:
        await runs.progress(run_id, 40, "working")
        seen.append(run_id)
        await _finish(run_id)

    run_id = await _start(runs, edition["id"], user["id"], execute)
    await runs.wait()

    run = await _run(run_id)
    audit = await AuditEvent.select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.after)
    assert seen == [run_id] and runs.tasks == set()
    assert (run["status"], run["progress"], run["stage"], run["created_by"]) == ("done", 100, "working", user["id"])
    assert [(a["action"], a["entity"], a["entity_id"]) for a in audit] == [
        ("test.started", "edition", str(edition["id"]))
    ]
    assert audit[0]["after"] in ({"run": run_id, "extra": 1}, f'{{"run": {run_id}, "extra": 1}}')


async def test_a_second_run_of_the_same_scope_is_refused_while_the_first_is_fresh(clean_db) -> None:
    edition, other, user = await make_edition(), await make_edition(), await make_user()
    runs = _runs()
    release = asyncio.Event()

    async def execute(run_id: int) -> None:
        await release.wait()
        await _finish(run_id)

    await _start(runs, edition["id"], user["id"], execute)
    with pytest.raises(StateConflict) as refused:
        await _start(runs, edition["id"], user["id"], execute)
    await _start(runs, other["id"], user["id"], execute)
    release.set()
    await runs.wait()

    assert refused.value.message == STILL_GOING
    assert await MatchRun.count().where(MatchRun.edition == edition["id"]) == 1
    assert await MatchRun.count().where(MatchRun.edition == other["id"]) == 1


async def test_a_stale_run_is_marked_abandoned_and_a_new_one_starts(clean_db) -> None:
    edition, user = await make_edition(), await make_user()
    runs = _runs()
    stale = (
        await MatchRun.insert(MatchRun(edition=edition["id"], started_at=utc_now() - timedelta(seconds=601))).returning(
            MatchRun.id
        )
    )[0]["id"]

    async def execute(run_id: int) -> None:
        await _finish(run_id)

    fresh = await _start(runs, edition["id"], user["id"], execute)
    await runs.wait()

    old = await _run(stale)
    assert (old["status"], old["error"]) == ("failed", "abandoned")
    assert (await _run(fresh))["status"] == "done"


async def test_the_domains_checks_run_first_and_a_refusal_leaves_nothing(clean_db) -> None:
    edition, user = await make_edition(), await make_user()
    runs = _runs()

    async def checks() -> None:
        raise StateConflict("published")

    async def execute(run_id: int) -> None:
        raise AssertionError("never started")

    with pytest.raises(StateConflict):
        await _start(runs, edition["id"], user["id"], execute, checks=checks)

    assert await MatchRun.count() == 0 and await AuditEvent.count() == 0 and runs.tasks == set()


async def test_a_failing_run_is_marked_failed_with_its_error_and_finish_time(clean_db) -> None:
    edition, user = await make_edition(), await make_user()
    runs = _runs()

    async def execute(run_id: int) -> None:
        async with runs.recording_failure(run_id):
            await runs.progress(run_id, 10, "loading")
            raise ValueError("x" * 3000)

    run_id = await _start(runs, edition["id"], user["id"], execute)
    await runs.wait()

    run = await _run(run_id)
    assert (run["status"], run["progress"], run["error"]) == ("failed", 10, "x" * 2000)
    assert run["finished_at"] is not None


async def test_progress_may_be_limited_to_running_runs(clean_db) -> None:
    edition = await make_edition()
    run_id = (await MatchRun.insert(MatchRun(edition=edition["id"])).returning(MatchRun.id))[0]["id"]
    await _finish(run_id)

    await _runs(while_running=True).progress(run_id, 50, "late report")
    kept = await _run(run_id)
    await _runs().progress(run_id, 50, "late report")
    moved = await _run(run_id)

    assert (kept["progress"], kept["stage"]) == (100, "")
    assert (moved["progress"], moved["stage"]) == (50, "late report")


async def test_a_solvers_thread_reports_progress_through_the_event_loop(clean_db) -> None:
    edition = await make_edition()
    run_id = (await MatchRun.insert(MatchRun(edition=edition["id"])).returning(MatchRun.id))[0]["id"]
    runs = _runs(while_running=True)
    report = runs.thread_reporter(run_id)
    threads: list[str] = []

    def solve() -> None:
        threads.append(threading.current_thread().name)
        report(60, "solving")

    await asyncio.to_thread(solve)
    for _ in range(100):
        if (await _run(run_id))["progress"] == 60:
            break
        await asyncio.sleep(0.02)

    run = await _run(run_id)
    assert threads != [threading.current_thread().name]
    assert (run["progress"], run["stage"]) == (60, "solving")


def test_a_table_without_the_run_columns_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="Match lacks the run columns progress, stage, error"):
        BackgroundRuns(name="bad", scope=Match.edition, stale_after_seconds=1, still_going="")
