"""What the in-process probes (kernel.py, catalogue.py) share: a throw-away database of their own,
chosen on import, before the app is imported; the demo organiser signed in; a page timed.

Uses a throw-away SQLite file, or BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def migrate() -> None:
    """Bring the throw-away database to the current schema (a child process, as `make migrate` does)."""
    subprocess.run([sys.executable, "-m", "core", "migrate"], cwd=ROOT, check=True, capture_output=True)


def timed(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms · p99 {p99 * 1000:7.2f} ms · n={len(ordered)}"


async def sign_in_as_demo_organiser(client: Any) -> None:
    from core.demo import DEMO_PASSWORD

    await client.get("/login")
    await client.post(
        "/login",
        data={
            "email": "organiser@demo.smartchallenge.rs",
            "password": DEMO_PASSWORD,
            "_csrf_token": client.cookies["csrftoken"],
        },
    )


async def sample(client: Any, path: str, times: int) -> list[float]:
    """`times` requests for `path`, one after the other: how long each took, in seconds."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        response = await client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return samples
