"""Timed jobs: each tick runs once, state survives restarts, one leader among many workers."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import utc_now
from core.enums import JobRunStatus, Role
from core.scheduler import JobSpec, _registry, register_job, run_job
from core.tables import AuditEvent, JobRun, JobState
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up

calls: list[str] = []


async def _probe() -> None:
    calls.append("ran")


async def _failing() -> None:
    raise RuntimeError("the SMTP relay is on fire")


@pytest.fixture
def probe_jobs() -> Iterator[None]:
    calls.clear()
    register_job(JobSpec(id="test.probe", func=_probe, trigger=IntervalTrigger(hours=1), description="probe"))
    register_job(JobSpec(id="test.failing", func=_failing, trigger=IntervalTrigger(hours=1), description="fails"))
    yield
    _registry.pop("test.probe")
    _registry.pop("test.failing")


async def test_job_that_is_not_due_does_not_run(probe_jobs: None) -> None:
    ran = await run_job("test.probe")

    assert ran is False
    assert calls == []
    assert await JobRun.count() == 0


async def test_due_job_runs_once_and_moves_its_next_run(probe_jobs: None) -> None:
    await JobState.insert(JobState(job_id="test.probe", next_run_at=utc_now() - timedelta(seconds=1)))

    first, second = await run_job("test.probe"), await run_job("test.probe")

    assert (first, second) == (True, False)
    assert calls == ["ran"]
    state = await JobState.select().where(JobState.job_id == "test.probe").first()
    assert state["next_run_at"] > utc_now() + timedelta(minutes=59)
    assert state["last_status"] == JobRunStatus.OK
    runs = await JobRun.select(JobRun.status).where(JobRun.job_id == "test.probe")
    assert runs == [{"status": JobRunStatus.OK}]


async def test_failing_job_records_its_error(probe_jobs: None) -> None:
    await JobState.insert(
        JobState(job_id="test.failing", next_run_at=utc_now() + timedelta(hours=1), run_requested=True)
    )

    await run_job("test.failing")

    state = (
        await JobState.select(JobState.last_status, JobState.last_error)
        .where(JobState.job_id == "test.failing")
        .first()
    )
    assert state == {"last_status": JobRunStatus.ERROR, "last_error": "RuntimeError: the SMTP relay is on fire"}


async def test_requested_run_happens_even_when_not_due(probe_jobs: None) -> None:
    await JobState.insert(JobState(job_id="test.probe", next_run_at=utc_now() + timedelta(hours=1), run_requested=True))

    ran = await run_job("test.probe")

    assert ran is True
    assert calls == ["ran"]


async def test_the_jobs_page_lists_every_job_and_run_now_runs_it_once(probe_jobs: None, logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await JobState.insert(JobState(job_id="test.probe", next_run_at=utc_now() + timedelta(hours=1)))

    page = (await organiser.get("/organiser/jobs")).text
    clicked = await organiser.post_form("/organiser/jobs/test.probe/run")
    unknown = await organiser.post_form("/organiser/jobs/no.such.job/run")
    first, second = await run_job("test.probe"), await run_job("test.probe")

    for job_id in ("challenge.phases", "challenge.deadline_reminders", "mentoring.session_reminders", "outbox.send"):
        assert job_id in page
    assert clicked.status_code == 302 and unknown.status_code == 404
    assert (first, second) == (True, False)
    assert calls == ["ran"]
    assert await AuditEvent.count().where(AuditEvent.action == "job.run_requested") == 1


def _pid(worker: str) -> int:
    return int(worker.rsplit(":", 1)[1])


async def _runs_of(job_id: str) -> list[dict]:
    return await JobRun.select(JobRun.worker, JobRun.started_at).where(JobRun.job_id == job_id).order_by(JobRun.id)


async def _wait_for_runs(job_id: str, count: int, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = await _runs_of(job_id)
        if len(runs) >= count:
            return runs
        await asyncio.sleep(0.2)
    raise AssertionError(f"{job_id} ran {len(await _runs_of(job_id))} times, expected {count}")


@pytest.mark.slow
async def test_three_workers_run_a_due_job_exactly_once_and_hand_over_leadership() -> None:
    # The outbox job ticks hourly here; its first tick is due in a few seconds.
    await JobState.insert(JobState(job_id="outbox.send", next_run_at=utc_now() + timedelta(seconds=4)))
    env = {"SCHEDULER_ENABLED": "true", "OUTBOX_INTERVAL": "3600"}
    workers: list[ServerProcess] = [start_server(port=free_port(), extra_env=env) for _ in range(3)]
    try:
        for worker in workers:
            wait_until_up(worker, timeout=90)  # three cold starts at once on two busy cores

        first = await _wait_for_runs("outbox.send", 1, timeout=30)
        await asyncio.sleep(3)
        assert len(await _runs_of("outbox.send")) == 1
        leader_pid = _pid(first[0]["worker"])
        assert leader_pid in {w.process.pid for w in workers}

        # The job is due again; then the leader dies without a chance to clean up.
        await JobState.update({JobState.next_run_at: utc_now() + timedelta(seconds=3)}).where(
            JobState.job_id == "outbox.send"
        )
        os.kill(leader_pid, signal.SIGKILL)

        runs = await _wait_for_runs("outbox.send", 2, timeout=30)
        await asyncio.sleep(3)
        assert len(await _runs_of("outbox.send")) == 2
        new_leader = _pid(runs[1]["worker"])
        assert new_leader != leader_pid
        assert new_leader in {w.process.pid for w in workers}
    finally:
        for worker in workers:
            stop_server(worker)
