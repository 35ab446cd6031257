"""Faults, 3: the mail server is down when the outbox job runs, then comes back.

The real server (`python -m core serve`) runs as a process with its SMTP port closed: the mail
waits in the outbox and goes out once the SMTP server is back.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from core.clock import utc_now
from core.enums import JobRunStatus, OutboxStatus
from core.tables import JobRun, OutboxMessage
from tests.factories import make_edition_taking_applications, make_municipality, make_problem
from tests.fixtures import Mailbox, free_port, start_server, stop_server, wait_until_up
from tests.integration.core.faults import SUBMITTED_SUBJECT, make_submission, send_action

pytestmark = pytest.mark.slow

# ---------------------------------------------------------------------------------------------
# 3. The mail server is down when the outbox job runs, then comes back.


async def _outbox_row(address: str) -> dict[str, Any] | None:
    return await OutboxMessage.select().where(OutboxMessage.to_address == address).first()


async def _wait_for(check: Any, *, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


async def _after_outbox_runs(count: int) -> None:
    """Wait until the outbox job has run `count` more times (ticks, not a guessed sleep)."""

    async def finished() -> int:
        return await JobRun.count().where(JobRun.job_id == "outbox.send", JobRun.finished_at.is_not_null())

    target = await finished() + count

    async def reached() -> bool:
        return await finished() >= target

    await _wait_for(reached)


async def test_mail_survives_the_smtp_server_being_down_and_goes_out_once_it_is_back() -> None:
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    submission = await make_submission(edition, problem["id"], 1)
    smtp_port = free_port()  # nothing listens here yet
    server = start_server(
        port=free_port(),
        extra_env={
            "SCHEDULER_ENABLED": "true",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "OUTBOX_INTERVAL": "1",
        },
    )
    mailbox = Mailbox()
    controller: Controller | None = None
    try:
        wait_until_up(server)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            submitted = await send_action(http, submission)
        assert submitted.status_code == 302

        async def failed_once() -> dict[str, Any] | None:
            row = await _outbox_row(submission.founder_email)
            return row if row and row["attempts"] >= 1 else None

        failed = await _wait_for(failed_once)
        await _after_outbox_runs(2)  # the backoff holds: no new attempt at every tick
        held = await _outbox_row(submission.founder_email)
        job_runs = await JobRun.select(JobRun.status, JobRun.error).where(JobRun.job_id == "outbox.send")

        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        # The 30 s backoff elapses (the server's clock cannot be moved; the row's due time can).
        await OutboxMessage.update({OutboxMessage.next_attempt_at: utc_now()}).where(OutboxMessage.id == failed["id"])
        delivered = await mailbox.wait_for(submission.founder_email)
        await _after_outbox_runs(2)  # a second delivery would happen within these
        sent = await _outbox_row(submission.founder_email)
    finally:
        stop_server(server)
        if controller is not None:
            controller.stop()

    assert (failed["status"], failed["attempts"], failed["sent_at"]) == (OutboxStatus.PENDING, 1, None)
    assert "connect" in failed["last_error"].lower() and failed["next_attempt_at"] > failed["created_at"]
    assert (held["status"], held["attempts"]) == (OutboxStatus.PENDING, 1)
    assert job_runs and {run["status"] for run in job_runs} == {JobRunStatus.OK}, job_runs
    assert delivered["Subject"].startswith(SUBMITTED_SUBJECT)
    assert len(mailbox.to(submission.founder_email)) == 1
    assert (sent["status"], sent["attempts"], sent["sent_at"] is not None) == (OutboxStatus.SENT, 2, True)
    assert await OutboxMessage.count() == 1
