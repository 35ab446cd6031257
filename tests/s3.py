"""A real S3 API for the tests: moto's standalone server on a free local port.

TEST_STORAGE=s3 (tests/conftest.py) stores every upload of the run there; the object-storage tests
(tests/integration/core/test_s3_storage.py) use it whatever the switch says.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from pathlib import Path
from typing import Any

REGION = "us-east-1"
# Never a real account's: the tests cannot reach AWS, and must not try with someone's keys.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
_server: Any = None
_endpoint = ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def endpoint() -> str:
    """The address of this process's moto server, started on first use (stopped at exit)."""
    global _server, _endpoint
    if _server is None:
        import atexit

        from moto.server import ThreadedMotoServer

        os.environ.update(CREDENTIALS)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
        port = _free_port()
        _server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        _server.start()
        atexit.register(_server.stop)
        _endpoint = f"http://127.0.0.1:{port}"
    return _endpoint


def client() -> Any:
    from core.storage import s3_client

    return s3_client(endpoint(), REGION)


def new_bucket() -> str:
    """A bucket of this test run's own."""
    name = f"challenge-test-{secrets.token_hex(6)}"
    client().create_bucket(Bucket=name)
    return name


def use_for_uploads() -> None:
    """Make this run's uploads go to a fresh bucket: called before anything imports the app."""
    os.environ.update(
        {
            "STORAGE_URL": f"s3://{new_bucket()}/uploads",
            "S3_ENDPOINT_URL": endpoint(),
            "S3_REGION": REGION,
            "S3_PART_SIZE": str(5 * 1024 * 1024),
        }
    )


def _s3_storage() -> Any:
    from core.storage import S3Storage, get_storage

    storage = get_storage()
    return storage if isinstance(storage, S3Storage) else None


def stored_files() -> list[Path]:
    """Everything the upload storage holds, half-written uploads included, as paths of the upload
    folder's layout: on S3, each object under the prefix as `ab/abcd...`, each pending multipart
    upload as `ab/abcd....part`, as the folder would hold them."""
    from core.settings import get_settings

    root = get_settings().upload_dir
    storage = _s3_storage()
    if storage is None:
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    found = [root / key.removeprefix(storage.prefix) for key in _object_keys(storage)]
    found += [root / (upload["Key"].removeprefix(storage.prefix) + ".part") for upload in storage.pending_uploads()]
    return sorted(found)


def _object_keys(storage: Any) -> list[str]:
    keys: list[str] = []
    for page in storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket, Prefix=storage.prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return keys


def empty_storage() -> None:
    """On S3, no object or pending upload under the prefix (the folder is emptied by clean_db)."""
    storage = _s3_storage()
    if storage is None:
        return
    for key in _object_keys(storage):
        storage.client.delete_object(Bucket=storage.bucket, Key=key)
    for upload in storage.pending_uploads():
        storage.client.abort_multipart_upload(Bucket=storage.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
