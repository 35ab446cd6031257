"""Where uploaded bytes live: a folder outside the web root now, object storage later.

Everything goes through `Storage`, so swapping the backend touches nothing else.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from core.settings import get_settings


class StorageWriter(Protocol):
    key: str

    def write(self, chunk: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class Storage(Protocol):
    def writer(self) -> StorageWriter:
        """A writer for a new object under a freshly generated key."""
        ...

    def writer_for(self, key: str) -> StorageWriter:
        """A writer for the object under `key`, a key `new_key()` generated earlier.

        Only restoring a backup calls it, to put each file back under the key its `StoredFile`
        row names. Like `writer()`, nothing is visible under the key before `commit()`, which
        replaces an object already there in one step (S3: a multipart upload completed on
        `commit()`, aborted on `abort()`); the caller checks the bytes' hash before committing.
        """
        ...

    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    # Never derived from the user's file name: no traversal, no collisions, no guessing.
    return secrets.token_hex(16)


class _LocalWriter:
    def __init__(self, root: Path, key: str) -> None:
        self.key = key
        self._final = root / self.key[:2] / self.key
        self._final.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self._final.with_suffix(".part")
        self._handle: BinaryIO | None = self._partial.open("wb")

    def write(self, chunk: bytes) -> None:
        assert self._handle is not None
        self._handle.write(chunk)

    def commit(self) -> None:
        assert self._handle is not None
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None
        # Atomic: a reader never sees half a file, a crash leaves only a .part to sweep.
        self._partial.replace(self._final)

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._partial.unlink(missing_ok=True)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("storage keys are generated hex strings")
        return self.root / key[:2] / key

    def writer(self) -> _LocalWriter:
        return _LocalWriter(self.root, new_key())

    def writer_for(self, key: str) -> _LocalWriter:
        self._path(key)  # the same check as every other access by key
        return _LocalWriter(self.root, key)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def get_storage() -> Storage:
    return LocalStorage(get_settings().upload_dir)
