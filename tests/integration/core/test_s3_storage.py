"""Uploads in S3-compatible object storage, against a real S3 API (moto's server, tests/s3.py)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import httpx

from core.enums import Role
from core.storage import MIN_PART_SIZE, LocalStorage, S3Storage
from core.tables import StoredFile
from tests import s3
from tests.conftest import ROOT
from tests.web import WebClient

PDF = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 40 + b"%%EOF\n"
MB = 1024 * 1024


def _content(size: int) -> bytes:
    block = hashlib.sha256(str(size).encode()).digest() * (1024 // 32)
    return (block * (size // len(block) + 1))[:size]


def _read(storage: S3Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


def _write(storage: Any, content: bytes, chunk: int = 64 * 1024) -> Any:
    writer = storage.writer()
    for start in range(0, len(content), chunk):
        writer.write(content[start : start + chunk])
    return writer


def test_a_small_file_is_one_put_at_commit(s3_storage: S3Storage) -> None:
    writer = _write(s3_storage, b"small" * 200)

    assert not s3_storage.exists(writer.key)
    assert s3_storage.pending_uploads() == []  # under one part: nothing sent before commit
    writer.commit()
    assert _read(s3_storage, writer.key) == b"small" * 200
    assert s3_storage.size(writer.key) == 1000
    stored = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=s3_storage.object_key(writer.key))
    assert "-" not in stored["ETag"]  # a plain PUT's ETag, not a multipart one


def test_a_file_over_one_part_streams_as_a_multipart_upload(s3_storage: S3Storage) -> None:
    content = _content(2 * MIN_PART_SIZE + MB)
    writer = _write(s3_storage, content[: MIN_PART_SIZE + 1])

    # A part went up as soon as it was full, yet nothing is visible under the key.
    assert [u["Key"] for u in s3_storage.pending_uploads()] == [s3_storage.object_key(writer.key)]
    assert not s3_storage.exists(writer.key)
    for start in range(MIN_PART_SIZE + 1, len(content), 64 * 1024):
        writer.write(content[start : start + 64 * 1024])
    writer.commit()

    assert _read(s3_storage, writer.key) == content
    assert s3_storage.pending_uploads() == []
    stored = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=s3_storage.object_key(writer.key))
    assert stored["ETag"].strip('"').endswith("-3")  # 5 MiB + 5 MiB + the short last part
    assert s3_storage.object_key(writer.key) == f"{s3_storage.prefix}{writer.key[:2]}/{writer.key}"


def test_abort_leaves_no_object_and_no_pending_upload(s3_storage: S3Storage) -> None:
    writer = _write(s3_storage, _content(MIN_PART_SIZE + 10))
    assert len(s3_storage.pending_uploads()) == 1

    writer.abort()
    writer.abort()  # twice (a rejected file, then the whole form) is harmless

    assert s3_storage.pending_uploads() == []
    assert not s3_storage.exists(writer.key)


def test_the_sweeper_aborts_only_uploads_older_than_a_day(s3_storage: S3Storage) -> None:
    _write(s3_storage, _content(MIN_PART_SIZE))  # a process died here, the upload never finished
    done = _write(s3_storage, b"kept")
    done.commit()

    # Ages come from the server's `Initiated` (moto says 2010-11-10T20:48:33Z for every upload).
    (initiated,) = [upload["Initiated"] for upload in s3_storage.pending_uploads()]
    assert s3_storage.sweep_abandoned(now=initiated + timedelta(hours=23)) == 0  # may still be streaming in
    assert len(s3_storage.pending_uploads()) == 1
    assert s3_storage.sweep_abandoned(now=initiated + timedelta(hours=25)) == 1
    assert s3_storage.pending_uploads() == []
    assert _read(s3_storage, done.key) == b"kept"


async def test_the_sweeping_job_removes_day_old_part_files(tmp_path, storage_env) -> None:
    from core.jobs import sweep_abandoned_uploads

    storage_env(STORAGE_URL=str(tmp_path))
    storage = LocalStorage(tmp_path)
    old, fresh, done = storage.writer(), storage.writer(), _write(storage, PDF)
    done.commit()
    old.write(b"half")
    fresh.write(b"half")
    old_part = tmp_path / old.key[:2] / f"{old.key}.part"
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_part, (two_days_ago, two_days_ago))

    await sweep_abandoned_uploads()

    assert not old_part.exists()
    assert (tmp_path / fresh.key[:2] / f"{fresh.key}.part").exists()
    assert storage.exists(done.key)


def _use_s3(storage_env, storage: S3Storage, **extra: str) -> None:
    storage_env(
        STORAGE_URL=f"s3://{storage.bucket}/{storage.prefix}",
        S3_ENDPOINT_URL=s3.endpoint(),
        S3_REGION=s3.REGION,
        **extra,
    )


async def _upload(client: WebClient, content: bytes = PDF, name: str = "Plan ünd deck.pdf") -> dict[str, Any]:
    response = await client.upload("/api/v1/files", {"file": (name, content, "application/pdf")})
    assert response.status_code == 201, response.text[:300]
    return response.json()


async def test_downloads_stream_from_the_bucket_through_the_permission_check(
    logged_in, s3_storage, storage_env
) -> None:
    _use_s3(storage_env, s3_storage)
    owner = await logged_in(Role.STARTUP)
    stranger = await logged_in(Role.STARTUP)
    content = PDF + _content(MB)
    uploaded = await _upload(owner, content)
    row = await StoredFile.select().where(StoredFile.id == uploaded["id"]).first()
    assert _read(s3_storage, row["key"]) == content  # the bytes are in the bucket, not the folder

    download = await owner.get(uploaded["url"])
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="Plan nd deck.pdf"')
    assert (await stranger.get(uploaded["url"])).status_code == 404


async def test_presigned_downloads_redirect_after_the_permission_check(logged_in, s3_storage, storage_env) -> None:
    _use_s3(storage_env, s3_storage, S3_PRESIGNED_DOWNLOADS="true")
    owner = await logged_in(Role.STARTUP)
    stranger = await logged_in(Role.STARTUP)
    uploaded = await _upload(owner)

    redirect = await owner.get(uploaded["url"])
    assert (await stranger.get(uploaded["url"])).status_code == 404  # no address for those not allowed

    assert redirect.status_code == 303
    assert redirect.headers["cache-control"] == "private, no-store"
    location = redirect.headers["location"]
    assert location.startswith(s3.endpoint() + "/") and "X-Amz-Expires=60" in location
    # The bucket itself answers, with the handler's own headers.
    fetched = httpx.get(location, timeout=30)
    assert fetched.status_code == 200
    assert fetched.content == PDF
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["content-disposition"] == (
        "attachment; filename=\"Plan nd deck.pdf\"; filename*=UTF-8''Plan%20%C3%BCnd%20deck.pdf"
    )


async def test_size_limit_and_locale_reach_the_parser_in_its_worker_thread(
    app, logged_in, s3_storage, storage_env
) -> None:
    from core.settings import get_settings

    _use_s3(storage_env, s3_storage)
    client = await logged_in(Role.STARTUP)
    await client.post_form("/locale", {"locale": "sr_Cyrl", "next": "/"})
    too_big = PDF + b"0" * (get_settings().max_upload_bytes + 1)

    response = await client.upload("/api/v1/files", {"file": ("big.pdf", too_big, "application/pdf")})

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": "Датотека је већа од 2 MB."}
    assert s3_storage.pending_uploads() == []
    assert s3.client().list_objects_v2(Bucket=s3_storage.bucket, Prefix=s3_storage.prefix).get("KeyCount") == 0


async def test_a_client_gone_mid_upload_aborts_the_multipart_upload(
    app, logged_in, s3_storage, storage_env, monkeypatch
) -> None:
    _use_s3(storage_env, s3_storage)
    # Parts this small never complete on S3 (5 MiB at least), but abort does not care: a part goes
    # up within the upload limit, so the client leaves with a multipart upload under way.
    monkeypatch.setattr(s3_storage, "part_size", 256 * 1024)
    monkeypatch.setattr("core.files_controllers.get_storage", lambda: s3_storage)
    client = await logged_in(Role.STARTUP)
    token = await client.csrf_token()
    boundary = "----gone" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="deck.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF
    chunks = [head] + [b"0" * (64 * 1024)] * 12
    pending_when_gone: list[Any] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        pending_when_gone.extend(s3_storage.pending_uploads())
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    cookie = "; ".join(f"{name}={value}" for name, value in client.http.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/files",
        "raw_path": b"/api/v1/files",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"cookie", cookie.encode()),
            (b"x-csrftoken", token.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # Whatever the app makes of a vanished client, the bucket is what counts.
    with contextlib.suppress(Exception):
        await app(scope, receive, send)

    assert len(pending_when_gone) == 1  # the upload was streaming into the bucket when the client left
    assert s3_storage.pending_uploads() == []
    assert await StoredFile.count() == 0


def _migrate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core", "storage-migrate", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_storage_migrate_copies_verifies_and_is_idempotent(clean_db, s3_storage, tmp_path) -> None:
    from tests.factories import make_user

    local = LocalStorage(tmp_path / "uploads")
    owner = await make_user()
    keys: list[str] = []
    for content in (PDF, _content(MIN_PART_SIZE + 3)):
        writer = _write(local, content)
        writer.commit()
        await _record(writer.key, content, owner_id=owner["id"])
        keys.append(writer.key)
    env = {
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "STORAGE_URL": f"s3://{s3_storage.bucket}/{s3_storage.prefix}",
        "S3_ENDPOINT_URL": s3.endpoint(),
        "S3_REGION": s3.REGION,
    }

    first = _migrate(env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "copied 2, already there 0, missing 0, mismatched 0" in first.stdout
    assert [_read(s3_storage, key) for key in keys] == [PDF, _content(MIN_PART_SIZE + 3)]
    assert all(local.exists(key) for key in keys)  # kept without --delete-local

    again = _migrate("--delete-local", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "copied 0, already there 2, missing 0, mismatched 0, local copies deleted 2" in again.stdout
    assert not any(local.exists(key) for key in keys)


async def _record(key: str, content: bytes, *, owner_id: int) -> None:
    """The row an upload of `content` would have left, whatever the stored bytes are now."""
    await StoredFile.insert(
        StoredFile(
            key=key,
            original_name="f.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            owner=owner_id,
            purpose="general",
        )
    )


async def test_storage_migrate_fails_on_a_copy_that_does_not_verify(clean_db, s3_storage, tmp_path) -> None:
    from tests.factories import make_user

    local = LocalStorage(tmp_path / "uploads")
    owner = await make_user()
    good, rotten = _write(local, PDF), _write(local, b"%PDF-1.7\nchanged on disk since it was recorded")
    good.commit()
    rotten.commit()
    for writer, recorded in ((good, PDF), (rotten, b"%PDF-1.7\nthe bytes as uploaded")):
        await _record(writer.key, recorded, owner_id=owner["id"])
    env = {
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "STORAGE_URL": f"s3://{s3_storage.bucket}/{s3_storage.prefix}",
        "S3_ENDPOINT_URL": s3.endpoint(),
        "S3_REGION": s3.REGION,
    }

    result = _migrate("--delete-local", env=env)

    assert result.returncode == 1
    assert "mismatch: file" in result.stdout and rotten.key in result.stdout
    assert "copied 1, already there 0, missing 0, mismatched 1, local copies deleted 1" in result.stdout
    assert local.exists(rotten.key)  # never deleted unverified
    assert not local.exists(good.key)


def test_storage_migrate_refuses_without_an_s3_target(tmp_path) -> None:
    result = _migrate(env={"STORAGE_URL": str(tmp_path)})
    assert result.returncode == 2
    assert "STORAGE_URL" in result.stderr


def test_the_switch_chooses_the_runs_storage() -> None:
    from core.storage import get_storage
    from tests.conftest import STORAGE

    # run_suite's TEST_STORAGE=s3 run must really store in the bucket, or it proves nothing.
    assert isinstance(get_storage(), S3Storage if STORAGE == "s3" else LocalStorage)
