"""The public catalogue and the organiser dashboard with hundreds of problems.

Generates 300 published problems (plus 60 in other states) across 40 municipalities, then
times the pages in-process through the ASGI app. Prints figures; asserts nothing. Uses a
throw-away SQLite file, or BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random

from in_process import migrate, sample, sign_in_as_demo_organiser, timed  # sets the database: first

PROBLEMS = 300


async def generate() -> int:
    from challenge.enums import SettlementKind, Track
    from challenge.tables import Edition, Municipality, Problem
    from core.clock import utc_now
    from core.demo import load_demo

    await load_demo()
    rng = random.Random(7)  # reproducible data
    edition_id = (await Edition.select(Edition.id).where(Edition.slug == "2026").first())["id"]
    towns = []
    for n in range(40):
        kind = rng.choice(list(SettlementKind))
        row = await Municipality.insert(
            Municipality(name=f"Opština {n}", region=f"Region {n % 9}", population=5_000 + n * 1_000, kind=kind)
        ).returning(Municipality.id)
        towns.append(row[0]["id"])
    now = utc_now()
    rows = []
    for n in range(PROBLEMS + 60):
        sdgs = sorted(rng.sample(range(1, 18), 3))
        rows.append(
            Problem(
                edition=edition_id,
                municipality=rng.choice(towns),
                status="published" if n < PROBLEMS else rng.choice(["draft", "submitted", "archived"]),
                track=rng.choice(list(Track)),
                title=f"Problem {n}: {rng.choice(['water', 'parking', 'heating', 'school transport', 'lighting'])}",
                summary="A realistic summary of a local problem. " * 3,
                context="Context " * 80,
                affected_groups="Residents",
                affected_count=rng.randint(100, 100_000),
                data_available="Open data",
                sdgs=sdgs,
                sdg_tags="".join(f",{g}," for g in sdgs),
                endorsement_count=rng.randint(0, 50),
                published_at=now,
                submitted_at=now,
            )
        )
    await Problem.insert(*rows)
    return edition_id


async def main() -> None:
    import logging

    import httpx

    from core import db
    from core.app import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)
    await db.open_pool()
    edition_id = await generate()
    machine = f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores"
    print(f"machine: {machine} · Python {platform.python_version()}")
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]} · {PROBLEMS} published problems of 360")
    app = create_app(run_scheduler=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        pages = [
            ("catalogue, first page", "/problems?edition=2026"),
            ("catalogue, rural + SDG 11", "/problems?edition=2026&kind=rural&sdg=11"),
            ("catalogue, search, page 3", "/problems?edition=2026&q=water&page_number=3"),
            ("catalogue, most endorsed", "/problems?edition=2026&sort=endorsed"),
            ("problem page", "/problems/50"),
            ("API problem list", "/api/v1/editions/2026/problems?sdg=6"),
        ]
        for label, path in pages:
            samples = await sample(client, path, 200)
            print(f"{label:27} {timed(samples)}")
        await sign_in_as_demo_organiser(client)
        for label, path in [
            ("organiser dashboard", f"/organiser/editions/{edition_id}/dashboard"),
            ("CSV export (360 rows)", f"/organiser/editions/{edition_id}/problems.csv"),
        ]:
            samples = await sample(client, path, 30)
            print(f"{label:27} {timed(samples)}")
    await db.close_pool()


if __name__ == "__main__":
    migrate()
    asyncio.run(main())
