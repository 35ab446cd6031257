"""Backups of the database and the uploaded files, their restore, and a restore rehearsed.

A backup folder holds the database (`pg_dump --format=custom`, or an SQLite copy made with the
online backup API), every file a `StoredFile` row names, fanned out under `files/`, and
`manifest.json`, written last, so a folder without one is an interrupted backup.

Consistency: the database is copied first and everything else is read from that copy (on
PostgreSQL, from the exported snapshot pg_dump dumps), so the manifest describes exactly what the
dump holds. Files are immutable once written and keys are never reused, so copying them after the
dump gets every file the dump names, unchanged; a file uploaded meanwhile is simply not named.

The database side speaks to DATABASE_URLs directly (sqlite3, asyncpg, the PostgreSQL client
tools), not through Piccolo's engine: restore-check works on a scratch database the app never
configured. Files only go through the `Storage` protocol, whatever backs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from core.rules.backups import (
    MANIFEST_VERSION,
    FileEntry,
    file_path,
    pending_migrations,
    restore_differences,
    unknown_migrations,
)
from core.settings import PROJECT_ROOT
from core.storage import LocalStorage, Storage

MANIFEST = "manifest.json"
SQLITE_COPY = "database.sqlite"
POSTGRES_DUMP = "database.dump"
_CHUNK = 1024 * 1024
_STORED_FILES = "SELECT key, size, sha256 FROM stored_file ORDER BY id"
_MIGRATIONS = "SELECT app_name, name FROM migration"

Rows = Callable[[str], Awaitable[list[tuple[Any, ...]]]]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class BackupResult:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    files: int = 0
    migrations_run: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    manifest: dict[str, Any]
    differences: list[str]
    pending_migrations: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        rows = sum(self.manifest["tables"].values())
        size = sum(entry["size"] for entry in self.manifest["files"])
        what = (
            f"{len(self.manifest['tables'])} tables, {rows:,} rows and {len(self.manifest['files'])} files "
            f"({size / 1e6:.1f} MB) of the {self.manifest['engine']} backup made {self.manifest['created_at']}"
        )
        if self.ok:
            lines = [f"restore-check: OK: {what} restored and match the manifest"]
        else:
            lines = [f"restore-check: FAILED: {len(self.differences)} differences restoring {what}"]
            lines += [f"  {difference}" for difference in self.differences]
        if self.pending_migrations:
            count = len(self.pending_migrations)
            lines.append(f"  (restore will then apply {count} newer migration{'s' if count > 1 else ''})")
        return lines


def without_password(database_url: str) -> str:
    """The URL as it may be shown: in an error, a log or a process list."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _libpq_target(database_url: str) -> tuple[str, dict[str, str]]:
    """pg_dump's --dbname without the password, which goes in the environment (PGPASSWORD): a
    command line is visible to every local user in `ps` while the dump runs."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url, {}
    netloc = parts.netloc.replace(f":{parts.password}@", "@", 1)
    return urlunsplit(parts._replace(netloc=netloc)), {"PGPASSWORD": unquote(parts.password)}


def engine_of(database_url: str) -> str:
    if database_url.startswith("sqlite:///"):
        return "sqlite"
    if database_url.startswith(("postgres://", "postgresql://")):
        return "postgresql"
    raise BackupError(f"DATABASE_URL must start with sqlite:/// or postgres://, got {without_password(database_url)!r}")


def _sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def code_migrations() -> set[tuple[str, str]]:
    """Every (app, migration id) this code ships."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    from piccolo_conf import APP_REGISTRY

    manager = BaseMigrationManager()
    return {
        (config.app_name, migration_id)
        for config in APP_REGISTRY.app_configs.values()
        for migration_id in manager.get_migration_modules(str(config.migrations_folder_path))
    }


# ---- reading a database, whichever engine ----------------------------------------------------


@contextlib.contextmanager
def _sqlite_rows(path: Path) -> Iterator[Rows]:
    connection = sqlite3.connect(path, timeout=30)

    async def rows(sql: str) -> list[tuple[Any, ...]]:
        return connection.execute(sql).fetchall()

    try:
        yield rows
    finally:
        connection.close()


def _postgres_rows(connection: asyncpg.Connection) -> Rows:
    async def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(record) for record in await connection.fetch(sql)]

    return rows


@contextlib.asynccontextmanager
async def _database_rows(database_url: str) -> AsyncIterator[Rows]:
    if engine_of(database_url) == "sqlite":
        with _sqlite_rows(_sqlite_path(database_url)) as rows:
            yield rows
        return
    connection = await asyncpg.connect(database_url)
    try:
        yield _postgres_rows(connection)
    finally:
        await connection.close()


async def _table_names(rows: Rows, engine: str) -> list[str]:
    if engine == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    return [name for (name,) in await rows(sql)]


async def _table_counts(rows: Rows, engine: str) -> dict[str, int]:
    counts = {}
    for name in await _table_names(rows, engine):
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = int((await rows(f"SELECT count(*) FROM {quoted}"))[0][0])  # noqa: S608 - catalogue names
    return counts


async def _contents(rows: Rows, engine: str) -> tuple[dict[str, int], list[FileEntry], set[tuple[str, str]]]:
    """Row counts of every table, the stored files, the migrations applied."""
    counts = await _table_counts(rows, engine)
    stored = await rows(_STORED_FILES) if "stored_file" in counts else []
    files = [FileEntry(key, size, sha256) for key, size, sha256 in stored]
    applied = {(app, name) for app, name in await rows(_MIGRATIONS)} if "migration" in counts else set()
    return counts, files, applied


# ---- backup -----------------------------------------------------------------------------------


async def make_backup(folder: Path, *, database_url: str, storage: Storage) -> BackupResult:
    """Write a backup into `folder` (new or empty); problems are files missing or corrupt in storage."""
    engine = engine_of(database_url)
    _new_folder(folder)
    if engine == "sqlite":
        database_file = folder / SQLITE_COPY
        counts, files, applied = await _sqlite_backup(_sqlite_path(database_url), database_file)
    else:
        database_file = folder / POSTGRES_DUMP
        counts, files, applied = await _postgres_backup(database_url, database_file)
    copied, problems = await asyncio.to_thread(_copy_files_out, files, storage, folder)
    manifest = {
        "version": MANIFEST_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": {
            "file": database_file.name,
            "size": database_file.stat().st_size,
            "sha256": _sha256(database_file),
        },
        "migrations": sorted(f"{app}:{name}" for app, name in applied),
        "tables": counts,
        "file_count": len(files),
        "files": [{"key": f.key, "size": f.size, "sha256": f.sha256} for f in copied],
        "problems": problems,
    }
    partial = folder / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.replace(folder / MANIFEST)
    return BackupResult(manifest=manifest, problems=problems)


def _new_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give each backup a folder of its own")
    # It holds password hashes, live sessions and every upload: readable by its owner only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


async def _sqlite_backup(source: Path, target: Path) -> tuple[dict[str, int], list[FileEntry], set[tuple[str, str]]]:
    def copy() -> None:
        if not source.exists():
            raise BackupError(f"no SQLite database at {source}")
        # The online backup API copies a consistent state while the app goes on writing.
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as live,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
            # One self-contained file: no -wal or -shm beside it in the backup folder.
            copy.execute("PRAGMA journal_mode=DELETE")

    await asyncio.to_thread(copy)
    with _sqlite_rows(target) as rows:
        return await _contents(rows, "sqlite")


async def _postgres_backup(
    database_url: str, target: Path
) -> tuple[dict[str, int], list[FileEntry], set[tuple[str, str]]]:
    _require_client("pg_dump")
    connection = await asyncpg.connect(database_url)
    try:
        # pg_dump dumps the snapshot this transaction exported, and the manifest is read in the
        # same transaction: both see the database at one instant.
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            dbname, secret = _libpq_target(database_url)
            await _run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={dbname}",
                env=secret,
            )
            return await _contents(_postgres_rows(connection), "postgresql")
    finally:
        await connection.close()


def _copy_files_out(files: list[FileEntry], storage: Storage, folder: Path) -> tuple[list[FileEntry], list[str]]:
    copied: list[FileEntry] = []
    problems: list[str] = []
    for entry in files:
        target = folder / file_path(entry.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        try:
            with storage.open(entry.key) as source, partial.open("wb") as out:
                digest, size = _stream(source, out.write)
        except FileNotFoundError:
            problems.append(f"file {entry.key}: missing from storage")
            partial.unlink(missing_ok=True)
            continue
        except OSError as exc:
            problems.append(f"file {entry.key}: could not be read: {exc}")
            partial.unlink(missing_ok=True)
            continue
        if (digest, size) != (entry.sha256, entry.size):
            problems.append(
                f"file {entry.key}: corrupt in storage ({size} bytes, sha256 {digest}; "
                f"recorded {entry.size} bytes, sha256 {entry.sha256})"
            )
            partial.unlink()
            continue
        partial.replace(target)
        copied.append(entry)
    return copied, problems


# ---- restore ----------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup, or one that did not finish")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(f"{path}: manifest version {manifest.get('version')!r}, this code reads {MANIFEST_VERSION}")
    database = folder / manifest["database"]["file"]
    if not database.exists():
        raise BackupError(f"{database} is missing")
    if _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError(f"{database} does not match the sha256 the manifest recorded: the backup is damaged")
    return manifest


async def restore(
    folder: Path,
    *,
    database_url: str,
    storage: Storage,
    force: bool = False,
    migrate: bool = True,
    damaged_ok: bool = False,
) -> RestoreResult:
    """Restore a backup into `database_url` and `storage`; a non-empty database needs `force`.

    A backup whose files are missing or changed is refused before anything is replaced: restored,
    its database would name files the storage does not hold. `damaged_ok` (restore-check) restores
    it anyway, into scratch places, to list every difference.
    """
    manifest = read_manifest(folder)
    if not damaged_ok and (damage := await asyncio.to_thread(_damaged_files, manifest, folder)):
        raise BackupError("the backup is damaged, nothing was restored:\n  " + "\n  ".join(damage))
    engine = engine_of(database_url)
    if manifest["engine"] != engine:
        raise BackupError(f"this is a {manifest['engine']} backup; DATABASE_URL names a {engine} database")
    known = code_migrations()
    backed_up = {(app, name) for app, _, name in (entry.partition(":") for entry in manifest["migrations"])}
    if newer := unknown_migrations(applied=backed_up, known=known):
        raise BackupError(f"the backup is newer than this code (it ran {', '.join(newer)}): upgrade the code first")
    tables = await _existing_tables(database_url, engine)
    if tables and not force:
        raise BackupError(
            f"the target database already has {len(tables)} tables: restore replaces them only with --force"
        )
    if engine == "sqlite":
        await asyncio.to_thread(_sqlite_restore, folder / SQLITE_COPY, _sqlite_path(database_url))
    else:
        _require_client("pg_restore")
        clean = ["--clean", "--if-exists"] if tables else []
        dbname, secret = _libpq_target(database_url)
        await _run(
            "pg_restore",
            *clean,
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dbname}",
            str(folder / POSTGRES_DUMP),
            env=secret,
        )
    entries = [FileEntry(e["key"], e["size"], e["sha256"]) for e in manifest["files"]]
    result = RestoreResult(problems=await asyncio.to_thread(_copy_files_in, entries, folder, storage))
    result.files = len(entries) - len(result.problems)
    if migrate:
        async with _database_rows(database_url) as rows:
            applied = (await _contents(rows, engine))[2]
        result.migrations_run = pending_migrations(applied=applied, known=known)
        if result.migrations_run:
            await _run(sys.executable, "-m", "core", "migrate", env={"DATABASE_URL": database_url})
    return result


async def _existing_tables(database_url: str, engine: str) -> list[str]:
    if engine == "sqlite" and not _sqlite_path(database_url).exists():
        return []
    async with _database_rows(database_url) as rows:
        return await _table_names(rows, engine)


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API rather than a file copy: it replaces the whole database, -wal included.
    with contextlib.closing(sqlite3.connect(source)) as backup, contextlib.closing(sqlite3.connect(target)) as live:
        backup.backup(live)
        live.execute("PRAGMA journal_mode=WAL")


def _damaged_files(manifest: dict[str, Any], folder: Path) -> list[str]:
    damage = []
    for entry in manifest["files"]:
        try:
            source = folder / file_path(entry["key"])
        except ValueError:
            damage.append(f"file {entry['key']!r}: not a storage key")
            continue
        if not source.exists():
            damage.append(f"file {entry['key']}: missing from the backup")
            continue
        with source.open("rb") as handle:
            digest, _ = _stream(handle, lambda _chunk: None)
        if digest != entry["sha256"]:
            damage.append(
                f"file {entry['key']}: sha256 {digest} in the backup, the manifest recorded {entry['sha256']}"
            )
    return damage


def _copy_files_in(entries: list[FileEntry], folder: Path, storage: Storage) -> list[str]:
    problems = []
    for entry in entries:
        source = folder / file_path(entry.key)
        if not source.exists():
            problems.append(f"file {entry.key}: missing from the backup")
            continue
        writer = storage.writer_for(entry.key)
        try:
            with source.open("rb") as handle:
                digest, _ = _stream(handle, writer.write)
        except BaseException:
            writer.abort()
            raise
        if digest != entry.sha256:
            writer.abort()
            problems.append(f"file {entry.key}: sha256 {digest} in the backup, the manifest recorded {entry.sha256}")
            continue
        writer.commit()
        if (read_back := _stored_sha256(storage, entry.key)) != entry.sha256:
            problems.append(f"file {entry.key}: reads back from storage as sha256 {read_back}")
    return problems


# ---- restore-check ----------------------------------------------------------------------------


async def restore_check(folder: Path, *, server_url: str | None) -> Verdict:
    """Restore into a scratch database and storage folder, compare with the manifest, clean up.

    A PostgreSQL backup needs `server_url`, a database URL on a server where this user may create
    databases; the scratch one is created next to it and dropped afterwards.
    """
    manifest = read_manifest(folder)
    entries = [FileEntry(e["key"], e["size"], e["sha256"]) for e in manifest["files"]]
    with tempfile.TemporaryDirectory(prefix="restore-check-") as scratch:
        storage = LocalStorage(Path(scratch) / "uploads")
        async with _scratch_database(manifest["engine"], Path(scratch), server_url) as database_url:
            try:
                restored = await restore(
                    folder, database_url=database_url, storage=storage, migrate=False, damaged_ok=True
                )
            except BackupError as exc:
                return Verdict(manifest, [f"the restore failed: {exc}"], [])
            async with _database_rows(database_url) as rows:
                counts, _, applied = await _contents(rows, manifest["engine"])
            hashes = {entry.key: await asyncio.to_thread(_stored_sha256, storage, entry.key) for entry in entries}
    differences = restore_differences(
        expected_rows=manifest["tables"],
        restored_rows=counts,
        expected_files=entries,
        restored_hashes=hashes,
        backup_problems=manifest["problems"],
    )
    differences += [p for p in restored.problems if p not in differences]
    if len(entries) + len(manifest["problems"]) != manifest["file_count"]:
        differences.append(f"the manifest names {manifest['file_count']} stored files but lists {len(entries)}")
    return Verdict(manifest, differences, pending_migrations(applied=applied, known=code_migrations()))


@contextlib.asynccontextmanager
async def _scratch_database(engine: str, scratch: Path, server_url: str | None) -> AsyncIterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{scratch / 'restore-check.sqlite'}"
        return
    if not server_url or engine_of(server_url) != "postgresql":
        raise BackupError("a PostgreSQL backup is checked on a PostgreSQL server: set DATABASE_URL or --server-url")
    parts = urlsplit(server_url)
    # PostgreSQL keeps 63 bytes of a name: the random tail must survive a long database name.
    name = f"{(parts.path.lstrip('/') or 'postgres')[:40]}_restore_check_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path="/" + name))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


# ---- shared -----------------------------------------------------------------------------------


def _stream(source: BinaryIO, write: Callable[[bytes], object]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        write(chunk)
    return digest.hexdigest(), size


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _stream(handle, lambda _chunk: None)[0]


def _stored_sha256(storage: Storage, key: str) -> str | None:
    try:
        with storage.open(key) as handle:
            return _stream(handle, lambda _chunk: None)[0]
    except FileNotFoundError:
        return None


def _require_client(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools (postgresql-client)")


async def _run(*command: str, env: dict[str, str] | None = None) -> None:
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        shown = command[0] if command[0] != sys.executable else "python " + " ".join(command[1:4])
        raise BackupError(f"{shown} failed ({process.returncode}):\n{output.decode(errors='replace').strip()}")
