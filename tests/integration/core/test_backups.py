"""Backups: the database and the stored files out, back in, and a restore checked against its manifest."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from challenge.tables import Edition
from core import db
from core.backups import BackupError, _new_folder, code_migrations, make_backup, restore, restore_check
from core.enums import Role
from core.rules.backups import file_path
from core.settings import get_settings
from core.storage import get_storage
from core.tables import StoredFile, User
from pilots.tables import Pilot
from tests import s3
from tests.conftest import ENGINE, ROOT
from tests.factories import make_edition, make_user
from tests.web import WebClient

DECK = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"pitch deck " * 3000 + b"\n%%EOF\n"
OTHER = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"budget " * 500 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def _postgres_client_tools() -> None:
    if ENGINE == "postgres" and (shutil.which("pg_dump") is None or shutil.which("pg_restore") is None):
        pytest.skip("pg_dump/pg_restore are not installed: the PostgreSQL backup tests need postgresql-client")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _upload(client: WebClient, name: str, data: bytes) -> dict[str, Any]:
    response = await client.upload("/api/v1/files", {"file": (name, data, "application/pdf")})
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def pool_closed_while() -> AsyncIterator[Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]]:
    """Run a step with the app's pool closed (the database is replaced under it), reopened after."""

    async def run(step: Callable[[], Awaitable[Any]]) -> Any:
        await db.close_pool()
        try:
            return await step()
        finally:
            await db.open_pool()

    yield run


async def _wipe() -> None:
    """The database and the uploads (folder or bucket) gone, as on a new server."""
    url = get_settings().database_url
    if ENGINE == "postgres":
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    shutil.rmtree(get_settings().upload_dir, ignore_errors=True)  # never made when uploads go to S3
    s3.empty_storage()


async def test_a_restored_backup_brings_back_the_data_and_the_deck_downloads_with_the_same_bytes(
    logged_in, pool_closed_while, tmp_path: Path
) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    edition = await make_edition(name="Smart Villages 2026")
    deck = await _upload(client, "Pitch deck.pdf", DECK)
    key = (await StoredFile.select(StoredFile.key).first())["key"]
    users = await User.count()
    storage = get_storage()

    made = await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=storage)
    await pool_closed_while(_wipe)
    assert not storage.exists(key)
    restored = await pool_closed_while(
        lambda: restore(tmp_path / "backup", database_url=get_settings().database_url, storage=storage)
    )

    assert made.problems == []
    assert made.manifest["file_count"] == 1
    assert made.manifest["files"] == [{"key": key, "size": len(DECK), "sha256": _sha256(DECK)}]
    assert made.manifest["tables"]["stored_file"] == 1
    assert (restored.files, restored.problems, restored.migrations_run) == (1, [], [])
    assert await User.count() == users
    assert (await Edition.select(Edition.name).where(Edition.id == edition["id"]).first())["name"] == edition["name"]
    download = await client.get(deck["url"])  # the session was restored too: still signed in
    assert download.status_code == 200
    assert download.content == DECK


async def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    logged_in, pool_closed_while, tmp_path: Path
) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    url = get_settings().database_url
    await make_backup(tmp_path / "backup", database_url=url, storage=get_storage())
    added_later = await make_user(email="after.the.backup@example.org")

    with pytest.raises(BackupError) as refused:
        await restore(tmp_path / "backup", database_url=url, storage=get_storage())
    still_there = await User.exists().where(User.id == added_later["id"])
    forced = await pool_closed_while(
        lambda: restore(tmp_path / "backup", database_url=url, storage=get_storage(), force=True)
    )

    assert str(refused.value).startswith("the target database already has ")
    assert str(refused.value).endswith(" tables: restore replaces them only with --force")
    assert still_there
    assert forced.problems == []
    assert not await User.exists().where(User.id == added_later["id"])


async def test_restore_check_passes_on_a_good_backup(logged_in, tmp_path: Path) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await make_edition()
    await _upload(client, "Pitch deck.pdf", DECK)
    await _upload(client, "Budget.pdf", OTHER)
    made = await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=get_storage())

    verdict = await restore_check(tmp_path / "backup", server_url=get_settings().database_url)

    assert verdict.differences == []
    assert verdict.ok
    assert verdict.pending_migrations == []
    assert verdict.lines()[0].startswith(f"restore-check: OK: {len(made.manifest['tables'])} tables, ")
    if ENGINE == "postgres":  # the scratch database is gone again
        connection = await asyncpg.connect(get_settings().database_url)
        try:
            left = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE '%_restore_check_%'")
        finally:
            await connection.close()
        assert [row["datname"] for row in left if row["datname"].startswith(_database_name())] == []


def _database_name() -> str:
    return get_settings().database_url.rsplit("/", 1)[1]


async def test_restore_check_fails_on_a_changed_file(logged_in, tmp_path: Path) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    key = (await StoredFile.select(StoredFile.key).first())["key"]
    await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=get_storage())
    tampered = DECK.replace(b"pitch", b"patch", 1)
    (tmp_path / "backup" / file_path(key)).write_bytes(tampered)

    verdict = await restore_check(tmp_path / "backup", server_url=get_settings().database_url)

    assert verdict.differences == [
        f"file {key}: missing after restore",
        f"file {key}: sha256 {_sha256(tampered)} in the backup, the manifest recorded {_sha256(DECK)}",
    ]
    assert not verdict.ok


async def test_a_damaged_backup_is_refused_before_the_database_is_touched(logged_in, tmp_path: Path) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    key = (await StoredFile.select(StoredFile.key).first())["key"]
    await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=get_storage())
    (tmp_path / "backup" / file_path(key)).write_bytes(DECK.replace(b"pitch", b"patch", 1))
    await make_edition(name="Made after the backup")

    with pytest.raises(BackupError, match="the backup is damaged, nothing was restored") as refused:
        await restore(tmp_path / "backup", database_url=get_settings().database_url, storage=get_storage(), force=True)

    assert f"file {key}: sha256" in str(refused.value)
    assert await Edition.select(Edition.name).where(Edition.name == "Made after the backup").first() is not None


def test_a_backup_folder_is_its_owners_only(tmp_path: Path) -> None:
    _new_folder(tmp_path / "backup")

    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o700


async def test_restore_check_fails_on_a_missing_file(logged_in, tmp_path: Path) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    await _upload(client, "Budget.pdf", OTHER)
    first, second = [row["key"] for row in await StoredFile.select(StoredFile.key).order_by(StoredFile.id)]
    await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=get_storage())
    (tmp_path / "backup" / file_path(second)).unlink()

    verdict = await restore_check(tmp_path / "backup", server_url=get_settings().database_url)

    assert verdict.differences == [f"file {second}: missing after restore", f"file {second}: missing from the backup"]
    assert first not in " ".join(verdict.differences)


async def test_a_backup_reports_missing_and_corrupt_files_and_keeps_the_rest(logged_in, tmp_path: Path) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    for name in ("Gone.pdf", "Rotten.pdf", "Fine.pdf"):
        await _upload(client, name, DECK if name != "Fine.pdf" else OTHER)
    gone, rotten, fine = [row["key"] for row in await StoredFile.select(StoredFile.key).order_by(StoredFile.id)]
    storage = get_storage()
    storage.delete(gone)
    writer = storage.writer_for(rotten)  # the bytes changed in storage behind the row's back
    writer.write(b"%PDF-1.7 something else")
    writer.commit()

    made = await make_backup(tmp_path / "backup", database_url=get_settings().database_url, storage=storage)
    verdict = await restore_check(tmp_path / "backup", server_url=get_settings().database_url)

    rotten_problem = (
        f"file {rotten}: corrupt in storage (23 bytes, sha256 {_sha256(b'%PDF-1.7 something else')}; "
        f"recorded {len(DECK)} bytes, sha256 {_sha256(DECK)})"
    )
    assert made.problems == [f"file {gone}: missing from storage", rotten_problem]
    assert made.manifest["file_count"] == 3
    assert made.manifest["files"] == [{"key": fine, "size": len(OTHER), "sha256": _sha256(OTHER)}]
    assert (tmp_path / "backup" / file_path(fine)).read_bytes() == OTHER
    assert verdict.differences == [
        f"the backup itself was incomplete: file {gone}: missing from storage",
        f"the backup itself was incomplete: {rotten_problem}",
    ]


ROLLED_BACK = ("pilots", "2026-12-07T15:30:17:215357")  # adds a column: piccolo can take it back


async def test_a_backup_older_than_the_code_is_restored_and_then_migrated(
    logged_in, pool_closed_while, tmp_path: Path
) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    app, migration_id = ROLLED_BACK
    newer = sorted(f"{a}:{m}" for a, m in code_migrations() if a == app and m >= migration_id)
    url = get_settings().database_url
    back = await pool_closed_while(
        lambda: asyncio.to_thread(
            _piccolo, "migrations", "backwards", app, f"--migration_id={migration_id}", "--auto_agree"
        )
    )
    try:
        made = await make_backup(tmp_path / "backup", database_url=url, storage=get_storage())
        await pool_closed_while(_wipe)
        restored = await pool_closed_while(
            lambda: restore(tmp_path / "backup", database_url=url, storage=get_storage())
        )
    finally:
        # Whatever failed above, the tests after this one get the schema they were migrated to.
        await pool_closed_while(lambda: asyncio.to_thread(_piccolo, "migrations", "forwards", "all"))

    assert back.returncode == 0, back.stdout + back.stderr
    assert [m for m in newer if m in made.manifest["migrations"]] == []
    assert (restored.problems, restored.migrations_run) == ([], newer)
    assert (await restore_check(tmp_path / "backup", server_url=url)).pending_migrations == newer
    assert await Pilot.select(Pilot.language).run() == []  # the column the rolled-back migration adds is back


def _piccolo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "piccolo.main", *args],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=os.environ, capture_output=True, text=True, check=False
    )


async def test_the_commands_exit_zero_on_a_good_backup_and_non_zero_on_a_tampered_one(
    logged_in, tmp_path: Path
) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    await _upload(client, "Pitch deck.pdf", DECK)
    key = (await StoredFile.select(StoredFile.key).first())["key"]
    folder = str(tmp_path / "backup")

    backup = _cli("backup", folder)
    good = _cli("restore-check", folder)
    (tmp_path / "backup" / file_path(key)).write_bytes(OTHER)
    bad = _cli("restore-check", folder)
    again = _cli("backup", folder)

    assert (backup.returncode, good.returncode, bad.returncode, again.returncode) == (0, 0, 1, 2)
    assert backup.stdout.endswith(f"and 1 of 1 files written to {folder}\n")
    assert good.stdout.startswith("restore-check: OK: ")
    assert "restore-check: FAILED: 2 differences restoring " in bad.stderr
    assert f"backup: {folder} is not empty: give each backup a folder of its own" in again.stderr
