"""Two app servers that share nothing but PostgreSQL and an S3 bucket.

Each server has its own VAR_DIR and upload folder, as two machines behind a load balancer
would: whatever one of them knows must come from the database, so a visitor may land on
either server for any request.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import signal
import socket
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
from core.storage import MIN_PART_SIZE, S3Storage
from core.tables import JobRun, JobState, StoredFile
from tests import s3
from tests.conftest import ENGINE
from tests.factories import PASSWORD, make_user
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENGINE != "postgres", reason="several servers share PostgreSQL; SQLite is one process"),
]


PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
MAX_UPLOAD = 16 * 1024 * 1024  # room for a file of more than one part


@pytest.fixture(scope="module")
def bucket() -> S3Storage:
    """The bucket both servers store uploads in, seen from the test as the servers see it."""
    return S3Storage(client=s3.client(), bucket=s3.new_bucket(), prefix="uploads", part_size=MIN_PART_SIZE)


def _storage_env(bucket: S3Storage) -> dict[str, str]:
    return {
        "STORAGE_URL": f"s3://{bucket.bucket}/{bucket.prefix}",
        "S3_ENDPOINT_URL": s3.endpoint(),
        "S3_REGION": s3.REGION,
        "S3_PART_SIZE": str(MIN_PART_SIZE),
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD),
    }


def _objects(bucket: S3Storage) -> list[str]:
    answer = bucket.client.list_objects_v2(Bucket=bucket.bucket, Prefix=bucket.prefix)
    return sorted(item["Key"] for item in answer.get("Contents", []))


_VAR_DIRS: dict[int, Path] = {}  # each server's own folder, by port


def _machine(name: str, env: dict[str, str]) -> ServerProcess:
    # A folder of its own for everything a server keeps on disk: nothing is shared through it.
    var = Path(tempfile.mkdtemp(prefix=f"challenge-{name}-"))
    port = free_port()
    _VAR_DIRS[port] = var
    extra = {**env, "VAR_DIR": str(var), "UPLOAD_DIR": str(var / "uploads"), "SCHEDULER_ENABLED": "true"}
    return start_server(port=port, extra_env=extra)


@contextmanager
def _two_servers(env: dict[str, str] | None = None) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    # The outbox job ticks hourly here, so only the ticks a test makes due ever run.
    shared = {"OUTBOX_INTERVAL": "3600", **(env or {})}
    pair = (_machine("a", shared), _machine("b", shared))
    try:
        for server in pair:
            wait_until_up(server, timeout=90)  # two cold starts at once on two busy cores
        yield pair
    finally:
        for server in pair:
            stop_server(server)


@pytest.fixture(scope="module")
def servers(bucket: S3Storage) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with _two_servers(_storage_env(bucket)) as pair:
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


async def _upload(http: httpx.AsyncClient, name: str, content: bytes) -> httpx.Response:
    return await http.post(
        "/api/v1/files",
        files={"file": (name, content, "application/pdf")},
        headers={csrf.HEADER: http.cookies[csrf.MIRROR_COOKIE]},
    )


async def test_a_deck_uploaded_through_one_server_downloads_through_the_other(
    servers: tuple[ServerProcess, ServerProcess], bucket: S3Storage
) -> None:
    await make_user(email="jelena@example.org")
    # Larger than one part: it reaches the bucket as a multipart upload, in two parts.
    deck = PDF + secrets.token_bytes(MIN_PART_SIZE + 1024)
    first, second = _clients(servers)
    async with first, second:
        await _sign_in(first, "jelena@example.org")
        second.cookies = first.cookies
        uploaded = await _upload(first, "Pitch deck.pdf", deck)
        downloaded = await second.get(uploaded.json()["url"])

    assert uploaded.status_code == 201
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == hashlib.sha256(deck).hexdigest()
    row = await StoredFile.select(StoredFile.key).first()
    assert _objects(bucket) == [bucket.object_key(row["key"])]
    for server in servers:  # nothing reached either machine's own disk
        assert [p for p in _VAR_DIRS[server.port].rglob("*") if "uploads" in p.parts] == []


def _stalled_upload(server: ServerProcess, cookies: httpx.Cookies, *, sent: int, total: int) -> socket.socket:
    """A POST /api/v1/files that announces `total` bytes of file and sends only `sent`."""
    boundary = "----two-servers"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="deck.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    request = (
        f"POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nCookie: {cookie}\r\n"
        f"{csrf.HEADER}: {cookies[csrf.MIRROR_COOKIE]}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + total + len(tail)}\r\n\r\n"
    ).encode()
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    connection.sendall(request + head + PDF + b"\0" * (sent - len(PDF)))
    return connection


# Last in the module: it kills one of the module's two servers.
async def test_a_server_killed_mid_upload_leaves_no_half_object_and_no_row(
    servers: tuple[ServerProcess, ServerProcess], bucket: S3Storage
) -> None:
    await make_user(email="marko@example.org")
    victim, survivor = servers
    async with httpx.AsyncClient(base_url=victim.url, timeout=30) as http:
        await _sign_in(http, "marko@example.org")
        cookies = http.cookies
    before = _objects(bucket)
    # More than a part sent, so the server has started a multipart upload; then it dies.
    connection = _stalled_upload(victim, cookies, sent=MIN_PART_SIZE + 64 * 1024, total=MAX_UPLOAD - 1024)
    try:
        deadline = time.monotonic() + 120
        while not bucket.pending_uploads() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert bucket.pending_uploads(), "the server never started the multipart upload"
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait(timeout=30)
    finally:
        connection.close()

    assert _objects(bucket) == before  # the half-sent deck is no object anyone can read
    assert await StoredFile.count() == 0  # and no row names it
    # The abandoned parts are the sweeper's, which the surviving server runs on its schedule.
    assert bucket.sweep_abandoned(timedelta(0), now=utc_now() + timedelta(days=2)) == 1
    assert bucket.pending_uploads() == []
    async with httpx.AsyncClient(base_url=survivor.url, timeout=30) as http:
        await _sign_in(http, "marko@example.org")
        still_served = await _upload(http, "deck.pdf", PDF)
    assert still_served.status_code == 201
