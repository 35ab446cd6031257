"""`python -m core storage-migrate`: the local upload folder's files copied into the configured
object storage, each read back and checked against its row before the local copy may go."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from core.settings import Settings
from core.storage import LocalStorage, Storage
from core.tables import StoredFile

CHUNK = 1024 * 1024


@dataclass
class MigrationCounts:
    copied: int = 0
    already_there: int = 0
    missing: int = 0
    mismatched: int = 0
    deleted_local: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.missing or self.mismatched)


def _matches(storage: Storage, row: dict[str, Any]) -> bool:
    """Whether `storage` holds the row's exact bytes: read back whole, size and sha256 compared."""
    try:
        handle = storage.open(row["key"])
    except FileNotFoundError:
        return False
    digest, size = hashlib.sha256(), 0
    with handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return bool(size == row["size"] and digest.hexdigest() == row["sha256"])


def _copy(source: LocalStorage, target: Storage, key: str) -> None:
    writer = target.writer(key=key)  # type: ignore[call-arg]  # both backends take an existing key
    try:
        with source.open(key) as handle:
            while chunk := handle.read(CHUNK):
                writer.write(chunk)
        writer.commit()
    except BaseException:
        writer.abort()
        raise


def migrate_rows(
    rows: list[dict[str, Any]],
    *,
    source: LocalStorage,
    target: Storage,
    delete_local: bool,
    say: Callable[[str], None],
) -> MigrationCounts:
    counts = MigrationCounts()
    for row in rows:
        key = row["key"]
        if _matches(target, row):
            # Idempotent: a second run (or one after an interruption) copies nothing twice.
            counts.already_there += 1
        elif not source.exists(key):
            counts.missing += 1
            say(f"missing: file {row['id']} (key {key}) is in neither storage")
            continue
        else:
            _copy(source, target, key)
            if not _matches(target, row):
                # Rows are the truth: bytes that no longer hash to them are reported, never deleted.
                counts.mismatched += 1
                say(f"mismatch: file {row['id']} (key {key}) read back with another size or sha256")
                continue
            counts.copied += 1
        if delete_local and source.exists(key):
            source.delete(key)
            counts.deleted_local += 1
    return counts


async def migrate(
    settings: Settings, target: Storage, *, delete_local: bool, say: Callable[[str], None]
) -> MigrationCounts:
    rows = await StoredFile.select(StoredFile.id, StoredFile.key, StoredFile.size, StoredFile.sha256).order_by(
        StoredFile.id
    )
    source = LocalStorage(settings.upload_dir)

    def run() -> MigrationCounts:
        return migrate_rows(rows, source=source, target=target, delete_local=delete_local, say=say)

    return await anyio.to_thread.run_sync(run)
