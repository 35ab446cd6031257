"""Costs every request of the kernel pays: password hashing, session and user lookup, a page.

Prints figures; asserts nothing. Run with `make bench` (uses a throw-away SQLite file, or
BENCH_DATABASE_URL=postgres://... for PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_var = Path(tempfile.mkdtemp(prefix="challenge-bench-"))
os.environ.update(
    {
        "VAR_DIR": str(_var),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_var / 'bench.sqlite'}"),
        "SCHEDULER_ENABLED": "false",
        "PICCOLO_CONF": "piccolo_conf",
    }
)


def machine() -> str:
    return f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}"


def timed(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms · p99 {p99 * 1000:7.2f} ms · n={len(ordered)}"


async def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)

    import httpx

    from core import db
    from core.app import create_app
    from core.auth import hash_password, verify_password
    from core.demo import DEMO_PASSWORD, load_demo

    await db.open_pool()
    await load_demo()
    print(f"machine: {machine()}")
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}")

    hashes = []
    for _ in range(10):
        start = time.perf_counter()
        hashed = hash_password(DEMO_PASSWORD)
        hashes.append(time.perf_counter() - start)
    verifies = []
    for _ in range(10):
        start = time.perf_counter()
        verify_password(hashed, DEMO_PASSWORD)
        verifies.append(time.perf_counter() - start)
    print(f"argon2 hash           {timed(hashes)}")
    print(f"argon2 verify (login) {timed(verifies)}")

    app = create_app(run_scheduler=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for label, path, signed_in in [
            ("GET /healthz (floor)", "/healthz", False),
            ("GET / anonymous", "/", False),
            ("GET /account signed in", "/account", True),
            ("GET /organiser/audit", "/organiser/audit", True),
        ]:
            if signed_in and client.cookies.get("sid", "v.").startswith("v."):  # still an anonymous visitor
                await client.get("/login")
                await client.post(
                    "/login",
                    data={
                        "email": "organiser@demo.smartchallenge.rs",
                        "password": DEMO_PASSWORD,
                        "_csrf_token": client.cookies["csrftoken"],
                    },
                )
            samples = []
            for _ in range(300):
                start = time.perf_counter()
                response = await client.get(path)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code)
            print(f"{label:22} {timed(samples)} · {len(samples) / sum(samples):7.0f} req/s in-process")
    await db.close_pool()


if __name__ == "__main__":
    subprocess.run([sys.executable, "-m", "core", "migrate"], cwd=ROOT, check=True, capture_output=True)
    asyncio.run(main())
