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
        from core.db import engine

        await engine().run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    else:
        path = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path, timeout=30) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            for name in names:
                connection.execute(f"DELETE FROM {name}")
    await _seed_reference_data()


async def _seed_reference_data() -> None:
    """What the migrations seed (the expertise vocabulary) is put back after emptying."""
    from challenge.rules.expertise import EXPERTISE_TAGS
    from challenge.tables import ExpertiseTag

    await ExpertiseTag.insert(*(ExpertiseTag(slug=slug, name=name) for slug, name in EXPERTISE_TAGS.items()))
