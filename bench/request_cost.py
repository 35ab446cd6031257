"""What one request costs inside the application, without HTTP: the app called as ASGI, in-process.

    DATABASE_URL=postgres://.../bench_x .venv/bin/python bench/request_cost.py PATH [SID] [--profile]

Times PATH (a median over 2,000 calls after a warm-up, or --times=N) as an anonymous first
visitor (no cookie, as wrk's requests are) or, given SID, as that session's holder; with
--profile, prints where one such call spends its time (cProfile, cumulative, or PROFILE_SORT=
tottime); with --queries, the SQL statements one call sends. Uvicorn's share (parsing, the
socket) is not in it: that is the floor's. Run it against a copy of the benchmark's database
(bench/load.py --populate), with the organiser's or the judge's sid.
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("SCHEDULER_ENABLED", "false")


async def call(app: Any, path: str, sid: str | None) -> int:
    headers = [(b"host", b"127.0.0.1"), (b"accept", b"text/html")]
    if sid:
        headers.append((b"cookie", f"sid={sid}".encode()))
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _queries(app: Any, path: str, sid: str | None) -> list[str]:
    """The statements one call sends, as the engine receives them (the pool's or a new connection's)."""
    from core import db

    engine = type(db.engine())
    original = engine.run_querystring
    sent: list[str] = []

    async def counting(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine.run_querystring = counting  # type: ignore[method-assign]
    try:
        await call(app, path, sid)
    finally:
        engine.run_querystring = original  # type: ignore[method-assign]
    return sent


async def main(path: str, sid: str | None, profile: bool, times: int, queries: bool = False) -> None:
    from core import db
    from core.app import create_app

    app = create_app(run_scheduler=False)
    await db.open_pool()
    try:
        for _ in range(50):
            status = await call(app, path, sid)
        if status != 200:
            sys.exit(f"GET {path} answered {status}")
        samples = []
        for _ in range(times):
            start = time.perf_counter()
            await call(app, path, sid)
            samples.append(time.perf_counter() - start)
        print(
            f"{path} {'as ' + sid[:6] + '…' if sid else 'anonymous'}: median {statistics.median(samples) * 1000:.3f} ms"
            f" · mean {statistics.fmean(samples) * 1000:.3f} ms · n={times}"
        )
        if queries:
            sent = await _queries(app, path, sid)
            print(f"{len(sent)} queries:")
            for sql in sent:
                print("  " + " ".join(sql.split())[:300])
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(500):
                await call(app, path, sid)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
    finally:
        await db.close_pool()


def _times() -> int:
    """--times=N: fewer calls for a slow page (2,000 of a 60 ms page is two minutes)."""
    given = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--times=")]
    return int(given[-1]) if given else 2000


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(
        main(args[0], args[1] if len(args) > 1 else None, "--profile" in sys.argv, _times(), "--queries" in sys.argv)
    )
