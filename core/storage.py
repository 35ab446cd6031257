"""Where uploaded bytes live: a folder outside the web root, or an S3-compatible bucket.

Everything goes through `Storage`, so swapping the backend touches nothing else. STORAGE_URL
chooses: unset (or a path) is the local folder UPLOAD_DIR, `s3://bucket/prefix` an S3 API
(AWS, MinIO, Ceph RGW, Garage...; only the plain S3 calls every one of them implements).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

import anyio.to_thread

from core.clock import utc_now
from core.settings import Settings, get_settings

S3Client = Any  # boto3's clients are built at run time; no stubs are installed

T = TypeVar("T")
# Half-written uploads older than this belong to no request still running: the sweeper removes them.
ABANDONED_AFTER = timedelta(days=1)


class StorageWriter(Protocol):
    key: str

    def write(self, chunk: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class Storage(Protocol):
    # True when every call waits on the network (S3): async code then calls it from a worker thread.
    blocking: bool

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

    def sweep_abandoned(self, older_than: timedelta = ABANDONED_AFTER) -> int:
        """Remove uploads a killed process left half-written; how many."""
        ...


async def off_loop(storage: Storage, func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` without holding up the event loop when `storage` blocks."""
    if storage.blocking:
        return await anyio.to_thread.run_sync(func, *args)
    return func(*args)


def new_key() -> str:
    # Never derived from the user's file name: no traversal, no collisions, no guessing.
    return secrets.token_hex(16)


def _check_key(key: str) -> str:
    if not key.isalnum():
        raise ValueError("storage keys are generated hex strings")
    return key


class _LocalWriter:
    def __init__(self, root: Path, key: str | None = None) -> None:
        self.key = _check_key(key) if key else new_key()
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
    blocking = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / _check_key(key)

    def writer(self, key: str | None = None) -> _LocalWriter:
        """`key`: an existing object's, to write it anew (storage-migrate); otherwise a fresh one."""
        return _LocalWriter(self.root, key)

    def writer_for(self, key: str) -> _LocalWriter:
        return self.writer(_check_key(key))

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def sweep_abandoned(self, older_than: timedelta = ABANDONED_AFTER) -> int:
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for partial in self.root.glob("*/*.part"):
            with contextlib.suppress(FileNotFoundError):  # a concurrent abort got there first
                if partial.stat().st_mtime < cutoff:
                    partial.unlink()
                    removed += 1
        return removed


# S3 refuses parts under 5 MiB (all but the last); AWS caps an upload at 10,000 parts.
MIN_PART_SIZE = 5 * 1024 * 1024


@lru_cache(maxsize=4)
def s3_client(endpoint_url: str, region: str) -> S3Client:
    """One client per process and endpoint: building one costs ~50 ms, and clients are thread-safe."""
    import boto3
    from botocore.config import Config

    config = Config(
        # Self-hosted servers (MinIO, Garage, moto) seldom resolve bucket.host names.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        signature_version="s3v4",
        retries={"max_attempts": 5, "mode": "standard"},
        # Newer boto3 adds CRC checksums some S3 servers do not know; only when the call needs one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config)


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class _S3Writer:
    """Bytes go up as they arrive, one part at a time: no upload is ever held whole in memory or
    on disk, and nothing is visible under the key before `commit`."""

    def __init__(self, storage: S3Storage, key: str | None = None) -> None:
        self.key = _check_key(key) if key else new_key()
        self._storage = storage
        self._object = storage.object_key(self.key)
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._finished = False

    def write(self, chunk: bytes) -> None:
        assert not self._finished
        self._buffer += chunk
        size = self._storage.part_size
        while len(self._buffer) >= size:
            self._send_part(bytes(self._buffer[:size]))
            del self._buffer[:size]

    def _send_part(self, body: bytes) -> None:
        client, bucket = self._storage.client, self._storage.bucket
        if self._upload_id is None:
            self._upload_id = client.create_multipart_upload(Bucket=bucket, Key=self._object)["UploadId"]
        number = len(self._parts) + 1
        answer = client.upload_part(
            Bucket=bucket, Key=self._object, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def commit(self) -> None:
        assert not self._finished
        client, bucket = self._storage.client, self._storage.bucket
        try:
            if self._upload_id is None:
                # Smaller than one part: a single request.
                client.put_object(Bucket=bucket, Key=self._object, Body=bytes(self._buffer))
            else:
                if self._buffer:
                    self._send_part(bytes(self._buffer))  # the last part may be short
                client.complete_multipart_upload(
                    Bucket=bucket, Key=self._object, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
                )
        except BaseException:
            self.abort()
            raise
        self._finished = True
        self._buffer = bytearray()

    def abort(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._buffer = bytearray()
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            try:
                self._storage.client.abort_multipart_upload(
                    Bucket=self._storage.bucket, Key=self._object, UploadId=upload_id
                )
            except Exception as exc:
                if _error_code(exc) != "NoSuchUpload":
                    raise


class S3Storage:
    blocking = True

    def __init__(self, *, client: S3Client, bucket: str, prefix: str = "", part_size: int = MIN_PART_SIZE) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 parts must be at least {MIN_PART_SIZE} bytes")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size

    def object_key(self, key: str) -> str:
        # The local folder's layout, so a migrated bucket reads like the folder it came from.
        return f"{self.prefix}{key[:2]}/{_check_key(key)}"

    def writer(self, key: str | None = None) -> _S3Writer:
        """`key`: an existing object's, to write it anew (storage-migrate); otherwise a fresh one."""
        return _S3Writer(self, key)

    def writer_for(self, key: str) -> _S3Writer:
        return self.writer(_check_key(key))

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as exc:
            if _error_code(exc) in {"NoSuchKey", "404"}:
                # What LocalStorage raises: callers that tolerate a missing file catch OSError.
                raise FileNotFoundError(key) from exc
            raise
        body: BinaryIO = answer["Body"]
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        """The stored object's size, None when there is none."""
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as exc:
            if _error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(answer["ContentLength"])

    def presigned_download(self, key: str, *, disposition: str, content_type: str, expires: int = 60) -> str:
        """A GET address valid `expires` seconds that answers with our headers, not the stored ones."""
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_key(key),
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires,
        )
        return url

    def pending_uploads(self) -> list[dict[str, Any]]:
        """Multipart uploads started under the prefix and neither completed nor aborted."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
        while True:
            answer = self.client.list_multipart_uploads(**params)
            found.extend(answer.get("Uploads", []))
            if not answer.get("IsTruncated"):
                return found
            params["KeyMarker"] = answer.get("NextKeyMarker", "")
            params["UploadIdMarker"] = answer.get("NextUploadIdMarker", "")

    def sweep_abandoned(self, older_than: timedelta = ABANDONED_AFTER, *, now: datetime | None = None) -> int:
        # Invisible but billed: a process killed mid-upload never aborts its multipart upload.
        # Ages by the server's own clock (`Initiated`), `now` is the caller's.
        cutoff = (now or utc_now()) - older_than
        removed = 0
        for upload in self.pending_uploads():
            if upload["Initiated"] >= cutoff:
                continue  # may still be streaming in
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            except Exception as exc:
                if _error_code(exc) != "NoSuchUpload":
                    raise
            removed += 1
        return removed


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` as (bucket, prefix)."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise RuntimeError(f"STORAGE_URL names no bucket: {url!r}")
    return bucket, prefix.strip("/")


def storage_for(settings: Settings) -> Storage:
    if settings.storage_url.startswith("s3://"):
        bucket, prefix = parse_s3_url(settings.storage_url)
        client = s3_client(settings.s3_endpoint_url, settings.s3_region)
        return S3Storage(client=client, bucket=bucket, prefix=prefix, part_size=settings.s3_part_size)
    return LocalStorage(Path(settings.storage_url) if settings.storage_url else settings.upload_dir)


def get_storage() -> Storage:
    return storage_for(get_settings())


async def store_bytes(content: bytes) -> StorageWriter:
    """Bytes made by the platform itself (the demo's documents) stored as an upload is; the writer
    names the key."""
    storage = get_storage()

    def store() -> StorageWriter:
        writer = storage.writer()
        try:
            writer.write(content)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        return writer

    return await off_loop(storage, store)
