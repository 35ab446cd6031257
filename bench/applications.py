"""The organiser's application list under concurrent load, with 2,000 applications, on both engines.

Builds one realistic edition (40 municipalities, 300 published problems, 2,000 startups each with
one submitted application addressing 1-3 problems) with a fixed seed, bulk-inserted through the
Piccolo tables. Then starts the real server (`python -m core serve`, one worker, scheduler off),
signs in once as an organiser and drives it with concurrent clients for a fixed time per URL.
Prints requests/s, p50 and p99 latency and errors per URL, first on SQLite (a temp file), then on
PostgreSQL (a database of its own on 127.0.0.1:5432, skipped when unreachable). Asserts nothing
beyond the data being what the pages report.

Tunable through BENCH_SECONDS (per URL, default 8), BENCH_CONCURRENCY (default 16) and
BENCH_POSTGRES_URL (the server to create the database on, default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SERIAL_REQUESTS = 10
POSTGRES_DATABASE = "bench_applications"
SEARCH_WORD = "sensor"

import generated_edition  # noqa: E402  (bench/ is no package: its scripts import each other from their folder)
import serving  # noqa: E402
from generated_edition import ORGANISER_EMAIL, PASSWORD, STARTUPS  # noqa: E402


@dataclass(frozen=True)
class Measured:
    label: str
    rows: int | None
    serial: list[float]
    samples: list[float]
    errors: int
    wall: float

    def line(self) -> str:
        ordered = sorted(self.samples)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
        p50 = statistics.median(ordered) if ordered else float("nan")
        rows = "" if self.rows is None else str(self.rows)
        rate, serial = len(self.samples) / self.wall, statistics.median(self.serial)
        return (
            f"{self.label:44} {rows:>5} {rate:8.1f} {serial * 1000:9.1f}"
            f" {p50 * 1000:9.1f} {p99 * 1000:9.1f} {len(self.samples):7} {self.errors:6}"
        )


HEADER = (
    f"{'URL':44} {'rows':>5} {'req/s':>8} {'1 client':>9} {'p50 ms':>9} {'p99 ms':>9} {'n':>7} {'errors':>6}\n"
    f"{'':44} {'':>5} {'':>8} {'p50 ms':>9}"
)


async def _sign_in(client: Any) -> None:
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": ORGANISER_EMAIL, "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]},
    )
    if response.status_code != 302 or "sid" not in client.cookies:
        raise RuntimeError(f"signing in as the organiser failed: HTTP {response.status_code}")


async def _measure(client: Any, label: str, path: str, rows: int | None) -> Measured:
    import httpx

    serial = []
    for _ in range(SERIAL_REQUESTS):  # one client at a time: the service time without queueing; also warms up
        start = time.perf_counter()
        response = await client.get(path)
        serial.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
    samples: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                samples.append(time.perf_counter() - start)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return Measured(label, rows, serial, samples, errors, time.perf_counter() - started)


async def drive(base_url: str, edition_id: int) -> list[Measured]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        await _sign_in(client)
        filters = f"kind=rural&status=submitted&q={SEARCH_WORD}"
        api = f"/api/v1/organiser/applications?edition_id={edition_id}"
        everything = (await client.get(api)).json()["total"]
        filtered = (await client.get(f"{api}&{filters}")).json()["total"]
        if everything != STARTUPS:
            raise RuntimeError(f"the organiser list shows {everything} applications, not {STARTUPS}")
        pages = f"/organiser/editions/{edition_id}/applications"
        return [
            await _measure(client, "list, first page", f"{pages}/", everything),
            await _measure(client, f"list, {filters.replace('&', ' ')}", f"{pages}/?{filters}", filtered),
            await _measure(client, "list, page 20 by startup name", f"{pages}/?sort=startup&page_number=20", 50),
            await _measure(client, "CSV export, all", f"{pages}/export.csv", everything),
            await _measure(client, "API list, first page", api, everything),
        ]


# --- Orchestration ---------------------------------------------------------------------------------------------


def run_engine(name: str, database_url: str | None) -> None:
    """Migrate, build the data, serve and measure; `database_url` None means a SQLite file of its own."""
    var = Path(tempfile.mkdtemp(prefix="challenge-bench-"))
    env = serving.server_env(var, database_url)
    try:
        start = time.perf_counter()
        serving.run([sys.executable, "-m", "core", "migrate"], env)
        migrated = time.perf_counter() - start
        start = time.perf_counter()
        built = json.loads(serving.run([sys.executable, __file__, "--populate"], env).strip().splitlines()[-1])
        print(
            f"\n{name}: migrated in {migrated:.1f} s · data in {time.perf_counter() - start:.1f} s:"
            f" {built['municipalities']} municipalities · {built['problems']} published problems ·"
            f" {built['applications']} applications addressing {built['links']} problems"
        )
        port = serving.free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = var / "server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "core", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            serving.wait_until_up(server, base_url, log)
            results = asyncio.run(drive(base_url, built["edition_id"]))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print(HEADER)
        for result in results:
            print(result.line())
    finally:
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    import asyncpg

    print(f"machine: {serving.machine()}")
    print(
        f"load: {CONCURRENCY} concurrent clients (httpx, in this process) for {SECONDS:g} s per URL"
        f" against `python -m core serve` (one worker, scheduler off); '1 client' is {SERIAL_REQUESTS} requests"
        " one at a time"
    )
    run_engine("sqlite", None)
    try:
        asyncio.run(serving.postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))
        asyncio.run(serving.postgres(f"CREATE DATABASE {POSTGRES_DATABASE}"))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        print(f"\npostgres: skipped, cannot create a database through {serving.POSTGRES_ADMIN_URL} ({exc})")
        return
    try:
        run_engine("postgres", serving.postgres_url(POSTGRES_DATABASE))
    finally:
        asyncio.run(serving.postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--populate"]:
        asyncio.run(generated_edition.populate_main())
    else:
        main()
