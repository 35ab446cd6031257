"""What a backup promises, and how a restore is judged against it.

The manifest is written at backup time from the dumped database itself (not the live one), so
what it records is what the dump holds; a restore is good when it holds the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class FileEntry:
    key: str
    size: int
    sha256: str


def file_path(key: str) -> str:
    """Where a file sits inside a backup folder: fanned out as local storage does it."""
    if not key.isalnum():
        raise ValueError(f"not a storage key: {key!r}")
    return f"files/{key[:2]}/{key}"


def pending_migrations(*, applied: Iterable[tuple[str, str]], known: Iterable[tuple[str, str]]) -> list[str]:
    """Migrations of this code that a database (restored from a backup) has not run yet."""
    done = set(applied)
    return sorted(f"{app}:{name}" for app, name in set(known) - done)


def unknown_migrations(*, applied: Iterable[tuple[str, str]], known: Iterable[tuple[str, str]]) -> list[str]:
    """Migrations a backup ran that this code does not have: the backup is newer than the code."""
    return sorted(f"{app}:{name}" for app, name in set(applied) - set(known))


def restore_differences(
    *,
    expected_rows: Mapping[str, int],
    restored_rows: Mapping[str, int],
    expected_files: Iterable[FileEntry],
    restored_hashes: Mapping[str, str | None],
    backup_problems: Iterable[str] = (),
) -> list[str]:
    """Every way a restore differs from its manifest, one sentence each; empty when it is faithful.

    `restored_hashes` maps each key to the sha256 read back from storage, None when absent.
    """
    differences = [f"the backup itself was incomplete: {problem}" for problem in backup_problems]
    for table in sorted(set(expected_rows) | set(restored_rows)):
        expected, restored = expected_rows.get(table), restored_rows.get(table)
        if expected is None:
            differences.append(f"table {table}: not in the backup, restored with {restored} rows")
        elif restored is None:
            differences.append(f"table {table}: {expected} rows in the backup, missing after restore")
        elif expected != restored:
            differences.append(f"table {table}: {expected} rows in the backup, {restored} after restore")
    for entry in expected_files:
        found = restored_hashes.get(entry.key)
        if found is None:
            differences.append(f"file {entry.key}: missing after restore")
        elif found != entry.sha256:
            differences.append(f"file {entry.key}: sha256 {found}, the backup recorded {entry.sha256}")
    return differences
