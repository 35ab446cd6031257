"""Uploaded files: recorded after their bytes are safely in storage, served only to those allowed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import msgspec

from core import audit, db
from core.auth import CurrentUser
from core.errors import NotFound
from core.rules import N_
from core.storage import Storage, off_loop
from core.tables import StoredFile
from core.uploads import ReceivedFile


class FileRow(msgspec.Struct, frozen=True, kw_only=True):
    """A stored upload: its bytes are in storage under `key`."""

    id: int
    key: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    owner: int | None
    purpose: str
    created_at: datetime


DownloadPolicy = Callable[[CurrentUser | None, FileRow], Awaitable[bool]]
_policies: dict[str, list[DownloadPolicy]] = {}
# Every upload starts here, however it arrived (a page's form or POST /api/v1/files): only its
# owner and the organisers read it until something attaches it.
UNATTACHED = "general"


def register_download_policy(purpose: str, policy: DownloadPolicy) -> None:
    """Domains say who else may read their files (e.g. judges assigned to an application); any
    policy of the purpose that says yes lets the reader in."""
    if policy not in _policies.setdefault(purpose, []):
        _policies[purpose].append(policy)


async def record_upload(*, owner_id: int, received: ReceivedFile) -> FileRow:
    async with db.transaction():
        row = (
            await StoredFile.insert(
                StoredFile(
                    key=received.key,
                    original_name=received.original_name,
                    content_type=received.content_type,
                    size=received.size,
                    sha256=received.sha256,
                    owner=owner_id,
                    purpose=UNATTACHED,
                )
            ).returning(*StoredFile.all_columns())
        )[0]
        await audit.record(
            actor_id=owner_id,
            action="file.uploaded",
            entity="file",
            entity_id=row["id"],
            after={"name": received.original_name, "type": received.content_type, "size": received.size},
        )
    return msgspec.convert(row, FileRow, strict=False)


async def attach_uploads(
    *, file_ids: list[int], owner_id: int, purpose: str, content_types: frozenset[str] | None = None
) -> list[int]:
    """Give uploads the purpose of what they are being attached to; the ids that may be attached.

    Attaching, not uploading, decides who else reads a file (the download policies of `purpose`),
    so a file reaches the same readers whichever path uploaded and attached it. Only the owner's
    own files of an accepted type qualify, and never one already attached for another purpose
    (that would open it to a second set of readers). Call it inside the transaction that links them.
    """
    if not file_ids:
        return []
    conditions = [
        StoredFile.id.is_in(file_ids),
        StoredFile.owner == owner_id,
        StoredFile.purpose.is_in([UNATTACHED, purpose]),
    ]
    if content_types is not None:
        conditions.append(StoredFile.content_type.is_in(sorted(content_types)))
    rows = await StoredFile.update({StoredFile.purpose: purpose}).where(*conditions).returning(StoredFile.id)
    return sorted(row["id"] for row in rows)


async def readable_file(*, user: CurrentUser | None, file_id: int) -> FileRow:
    """The file's row if `user` (None: an anonymous visitor) may read it; 404 rather than 403 so
    ids reveal nothing."""
    stored = await StoredFile.select().where(StoredFile.id == file_id).first()
    if stored is None:
        raise NotFound(N_("This file does not exist."))
    row = msgspec.convert(stored, FileRow, strict=False)
    if user is not None and (row.owner == user.id or user.is_organiser):
        return row
    for policy in _policies.get(row.purpose, []):
        if await policy(user, row):
            return row
    raise NotFound(N_("This file does not exist."))


async def discard_received(storage: Storage, files: dict[str, ReceivedFile]) -> None:
    for received in files.values():
        await off_loop(storage, storage.delete, received.key)
