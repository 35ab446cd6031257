"""Two app servers that share nothing but PostgreSQL (and, for files, the S3 bucket).

Each server has its own VAR_DIR and upload folder, as two machines behind a load balancer
would: whatever one of them knows must come from the database, so a visitor may land on
either server for any request.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from core import csrf
from core.clock import utc_now
from core.tables import JobRun, JobState
from tests.conftest import ENGINE
from tests.factories import PASSWORD, make_user
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENGINE != "postgres", reason="several servers share PostgreSQL; SQLite is one process"),
]


def _machine_env(name: str) -> dict[str, str]:
    # A folder of its own for everything a server keeps on disk: nothing is shared through it.
    var = Path(tempfile.mkdtemp(prefix=f"challenge-{name}-"))
    return {"VAR_DIR": str(var), "UPLOAD_DIR": str(var / "uploads"), "SCHEDULER_ENABLED": "true"}


@contextmanager
def _two_servers(env: dict[str, str] | None = None) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    # The outbox job ticks hourly here, so only the ticks a test makes due ever run.
    shared = {"OUTBOX_INTERVAL": "3600", **(env or {})}
    pair = (
        start_server(port=free_port(), extra_env={**shared, **_machine_env("a")}),
        start_server(port=free_port(), extra_env={**shared, **_machine_env("b")}),
    )
    try:
        for server in pair:
            wait_until_up(server, timeout=90)  # two cold starts at once on two busy cores
        yield pair
    finally:
        for server in pair:
            stop_server(server)


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with _two_servers() as pair:
        yield pair


async def _runs_of(job_id: str) -> list[dict]:
    return await JobRun.select(JobRun.worker).where(JobRun.job_id == job_id).order_by(JobRun.id)


# First in the module: the module's pair below would otherwise be up and hold the lead.
async def test_a_timed_job_fires_once_across_both_servers() -> None:
    # Due soon after both servers are up: each would fire it if each ran a scheduler.
    await JobState.insert(JobState(job_id="outbox.send", next_run_at=utc_now() + timedelta(seconds=8)))
    with _two_servers() as pair:
        deadline = time.monotonic() + 60
        while not await _runs_of("outbox.send") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        # A second run would come from the other server's scheduler, which must not exist;
        # a few more seconds catch a late duplicate.
        await asyncio.sleep(3)
        runs = await _runs_of("outbox.send")
        pids = {server.process.pid for server in pair}

    assert len(runs) == 1
    assert int(runs[0]["worker"].rsplit(":", 1)[1]) in pids


async def _anonymous_token(http: httpx.AsyncClient) -> str:
    response = await http.get("/login")
    token = response.cookies.get(csrf.MIRROR_COOKIE)
    assert token, "the CSRF cookie was not set"
    return token


async def _sign_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = http.cookies.get(csrf.MIRROR_COOKIE) or await _anonymous_token(http)
    return await http.post(
        "/login", data={"email": email, "password": password, csrf.FORM_FIELD: token}, follow_redirects=False
    )


def _clients(servers: tuple[ServerProcess, ServerProcess]) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    return tuple(httpx.AsyncClient(base_url=server.url, timeout=30) for server in servers)  # type: ignore[return-value]


async def test_a_session_started_on_one_server_is_valid_on_the_other(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    await make_user(email="ana@example.org", name="Ana Petrović")
    first, second = _clients(servers)
    async with first, second:
        signed_in = await _sign_in(first, "ana@example.org")
        assert signed_in.status_code == 302
        second.cookies = first.cookies  # the load balancer sends the next request elsewhere

        me = await second.get("/api/v1/me")
        account = await second.get("/account")
        await first.post("/logout", data={csrf.FORM_FIELD: first.cookies[csrf.MIRROR_COOKIE]}, follow_redirects=False)
        after_logout = await second.get("/api/v1/me")

    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.org"
    assert account.status_code == 200
    assert "Ana Petrović" in account.text
    assert after_logout.status_code == 401  # signed out on one, signed out on both


async def test_failed_sign_ins_count_across_both_servers(servers: tuple[ServerProcess, ServerProcess]) -> None:
    await make_user(email="milan@example.org")
    first, second = _clients(servers)
    statuses = []
    async with first, second:
        # Five wrong passwords per account are allowed (LOGIN_LIMIT_PER_ACCOUNT), spread over both.
        for http in (first, second, first, second, first):
            statuses.append((await _sign_in(http, "milan@example.org", "not the password")).status_code)
        on_the_other = await _sign_in(second, "milan@example.org")

    assert statuses == [422] * 5
    assert on_the_other.status_code == 429  # even the right password waits, on the server that saw two
