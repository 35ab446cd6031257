"""A clean, migrated database for each engine, emptied between tests."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import asyncpg

from tests.conftest import ENGINE, ROOT


def migrate_fresh() -> None:
    url = os.environ["DATABASE_URL"]
    if ENGINE == "postgres":
        import asyncio

        async def reset() -> None:
            connection = await asyncpg.connect(url)
            try:
                await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            finally:
                await connection.close()

        asyncio.run(reset())
    else:
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
    result = subprocess.run(
        [sys.executable, "-m", "core", "migrate"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrations failed:\n{result.stdout}\n{result.stderr}")


def table_names() -> list[str]:
    from piccolo_conf import APP_REGISTRY

    return [
        table._meta.tablename
        for app_name in APP_REGISTRY.apps
        for table in APP_REGISTRY.get_table_classes(app_name.rsplit(".", 1)[0])
    ]


async def empty_all_tables() -> None:
    names = table_names()
    if ENGINE == "postgres":
        await _empty_postgres(names)
    else:
        path = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path, timeout=30) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            for name in names:
                connection.execute(f"DELETE FROM {name}")
    await _seed_reference_data()


# Per table DELETE with the foreign keys' triggers off, then each emptied table's sequences back to
# 1 (what TRUNCATE ... RESTART IDENTITY did): TRUNCATE gives 65 tables new files, which took 0.3-1 s
# a test here, some 10 minutes of the PostgreSQL lane; this takes about 20 ms.
_RESTART_SEQUENCES = """
SELECT setval(sequence.oid, 1, false)
FROM pg_class sequence
JOIN pg_depend owner ON owner.objid = sequence.oid AND owner.deptype IN ('a', 'i')
JOIN pg_class owned ON owned.oid = owner.refobjid
WHERE sequence.relkind = 'S' AND owned.relname IN ({})
"""


async def _empty_postgres(names: list[str]) -> None:
    from core.db import engine

    pool = engine().pool  # type: ignore[attr-defined]
    connection = await pool.acquire() if pool is not None else await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        async with connection.transaction():
            # Replica mode skips the foreign-key triggers (superuser only, as the test role is).
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute("".join(f"DELETE FROM {name};" for name in names))
            await connection.execute(_RESTART_SEQUENCES.format(", ".join(f"'{name}'" for name in names)))
    finally:
        if pool is not None:
            await pool.release(connection)
        else:
            await connection.close()


async def _seed_reference_data() -> None:
    """What the migrations seed (the expertise vocabulary) is put back after emptying."""
    from challenge.rules.expertise import EXPERTISE_TAGS
    from challenge.tables import ExpertiseTag

    await ExpertiseTag.insert(*(ExpertiseTag(slug=slug, name=name) for slug, name in EXPERTISE_TAGS.items()))
