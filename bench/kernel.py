"""Costs every request of the kernel pays: password hashing, session and user lookup, a page.

Prints figures; asserts nothing. Run with `make bench` (uses a throw-away SQLite file, or
BENCH_DATABASE_URL=postgres://... for PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import platform
import time

from in_process import migrate, sample, sign_in_as_demo_organiser, timed  # sets the database: first


def machine() -> str:
    return f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}"


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
                await sign_in_as_demo_organiser(client)
            samples = await sample(client, path, 300)
            print(f"{label:22} {timed(samples)} · {len(samples) / sum(samples):7.0f} req/s in-process")
    await db.close_pool()


if __name__ == "__main__":
    migrate()
    asyncio.run(main())
