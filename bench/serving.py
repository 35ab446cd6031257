"""The benchmarked server as a process of its own: its environment, starting steps in a child
process, waiting until it answers, a database of its own on PostgreSQL, and the machine it ran on.

Shared by the benchmarks that drive the real server (applications, load, rush, hostile).
"""

from __future__ import annotations

import os
import platform
import socket
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def machine() -> str:
    return (
        f"{platform.node()} · {platform.platform()} · {os.cpu_count()} cores"
        f" · Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
    )


def server_stack() -> str:
    """What serves the requests: uvicorn's version and the event loop and HTTP parser it picks."""
    import importlib.util

    import uvicorn

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn {uvicorn.__version__} ({loop}, {http})"


def run(command: list[str], env: dict[str, str]) -> str:
    """Run a step in a child process with this engine's environment; its output, or its errors."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within 30 s:\n{log.read_text()[-2000:]}")


def server_env(var: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a benchmarked server: its own files under `var`, its database (a SQLite
    file of its own when None), no scheduler."""
    return {
        **os.environ,
        "VAR_DIR": str(var),
        "DATABASE_URL": database_url or f"sqlite:///{var / 'bench.sqlite'}",
        "SCHEDULER_ENABLED": "false",
        "PICCOLO_CONF": "piccolo_conf",
        **extra,
    }


def postgres_url(database: str) -> str:
    parts = urlsplit(POSTGRES_ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def postgres(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
