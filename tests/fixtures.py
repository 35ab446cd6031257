"""Fixtures shared by the database and browser tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar

from core.enums import Role
from tests import s3
from tests.conftest import ROOT
from tests.db import empty_all_tables, migrate_fresh
from tests.factories import PASSWORD, make_user
from tests.web import WebClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def database() -> None:
    migrate_fresh()


@pytest.fixture
async def clean_db(database: None, pool: None) -> AsyncIterator[None]:
    """Empty tables and an empty upload folder."""
    from core.settings import get_settings

    await empty_all_tables()
    shutil.rmtree(get_settings().upload_dir, ignore_errors=True)
    s3.empty_storage()
    yield


@pytest.fixture(scope="session")
async def pool(database: None) -> AsyncIterator[None]:
    """The PostgreSQL pool, opened in the tests' own event loop (a no-op on SQLite)."""
    from core import db

    await db.open_pool()
    yield
    await db.close_pool()


@pytest.fixture(scope="session")
def app(database: None) -> Litestar:
    from core.app import create_app

    return create_app(run_scheduler=False)


def http_client(app: Litestar, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    # Litestar's AsyncTestClient runs the lifespan on a portal thread with its own event loop,
    # where a pool would be bound to the wrong loop; the ASGI transport stays in ours.
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(app: Litestar, clean_db: None, pool: None) -> AsyncIterator[WebClient]:
    async with http_client(app) as http:
        yield WebClient(http)


@pytest.fixture
async def logged_in(app: Litestar, clean_db: None, pool: None) -> AsyncIterator[Callable[..., Awaitable[WebClient]]]:
    """`await logged_in(Role.JUDGE)` gives a client signed in as a new user with that role."""
    opened: list[httpx.AsyncClient] = []

    async def open_as(role: Role | None = None, **user_fields: Any) -> WebClient:
        user = await make_user(role=role, **user_fields)
        http = http_client(app)
        opened.append(http)
        web = WebClient(http)
        web.user = user  # type: ignore[attr-defined]
        await web.login(user["email"], PASSWORD)
        return web

    yield open_as
    for http in opened:
        await http.aclose()


@dataclass
class Mailbox:
    """What the local SMTP server received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, *, timeout: float = 15.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := self.to(address):
                return found[-1]
            await asyncio.sleep(0.1)
        raise AssertionError(f"no mail to {address} within {timeout} s; got {[m['To'] for m in self.messages]}")


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=port, mailbox=mailbox)
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    smtp_server.mailbox.messages.clear()
    return smtp_server.mailbox


DeliveredMail = Callable[[str], Awaitable[str]]  # the `delivered` fixture


@pytest.fixture
def delivered(smtp_server: SmtpServer, mailbox: Mailbox) -> DeliveredMail:
    """Send the outbox over the test SMTP server, then read the latest mail to an address.

    Mailed links exist only in what SMTP receives: the outbox keeps them hidden.
    """
    from core.mail import send_pending
    from core.settings import SmtpSettings

    async def body_to(address: str) -> str:
        await send_pending(smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
        found = mailbox.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in mailbox.messages]}"
        return body_of(found[-1])

    return body_to


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    port: int


def start_server(*, port: int, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> ServerProcess:
    """`python -m core serve` in its own process, against the test database."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "core", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return ServerProcess(url=f"http://127.0.0.1:{port}", process=process, port=port)


def wait_until_up(server: ServerProcess, timeout: float = 120.0) -> None:
    # Polls, so a quick start returns at once; a cold start on two cores at load 10 took over 30 s.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server on port {server.port} exited with {server.process.returncode}")
        try:
            if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {server.port} did not start")


def stop_server(server: ServerProcess) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def s3_bucket() -> str:
    """A bucket of this run's own on the local S3 server (tests/s3.py)."""
    return s3.new_bucket()


@pytest.fixture
def s3_storage(s3_bucket: str) -> Any:
    """An S3Storage under a prefix of this test's own, in parts of the smallest size S3 takes."""
    import secrets

    from core.storage import MIN_PART_SIZE, S3Storage

    return S3Storage(client=s3.client(), bucket=s3_bucket, prefix=f"t-{secrets.token_hex(4)}", part_size=MIN_PART_SIZE)


@pytest.fixture
def storage_env() -> Iterator[Callable[..., None]]:
    """`storage_env(STORAGE_URL=..., ...)`: the app's storage settings for this test only."""
    from core.settings import get_settings

    saved: dict[str, str | None] = {}

    def apply(**values: str) -> None:
        for name, value in values.items():
            saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        get_settings.cache_clear()

    yield apply
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()
