"""Test configuration: the environment is set here, before anything imports the app.

TEST_ENGINE=sqlite (default) or postgres chooses the database of the run; tests/run_suite.sh
runs the database tests once on each. TEST_STORAGE=s3 stores the run's uploads in a bucket of a
local S3 server (tests/s3.py) instead of the upload folder; run_suite runs the upload tests so too.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
_VAR = Path(tempfile.mkdtemp(prefix=f"challenge-test-{ENGINE}-"))
os.environ.update(
    {
        "VAR_DIR": str(_VAR),
        "UPLOAD_DIR": str(_VAR / "uploads"),
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
        "SCHEDULER_ENABLED": "false",
        # Factories write behind the services' back; tests/integration/core/test_page_cache.py turns it on.
        "PAGE_CACHE": "false",
        "PICCOLO_CONF": "piccolo_conf",
        "BASE_URL": "http://testserver",
        "MAX_UPLOAD_BYTES": str(2 * 1024 * 1024),
        # argon2's cheapest figures: the suite signs in thousands of times, and at the production
        # cost (64 MiB, 3 passes, 4 lanes) each took 0.1-0.6 s of two busy cores.
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "8",
        "ARGON2_PARALLELISM": "1",
        "DATABASE_URL": (
            os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
            if ENGINE == "postgres"
            else f"sqlite:///{_VAR / 'test.sqlite'}"
        ),
    }
)
for name in (
    "SMTP_HOST",
    "DEBUG",
    "DEFAULT_LOCALE",
    "TIMEZONE",
    "STORAGE_URL",
    "S3_ENDPOINT_URL",
    "S3_PRESIGNED_DOWNLOADS",
    "S3_PART_SIZE",
):
    os.environ.pop(name, None)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import s3  # noqa: E402 - needs ROOT on the path; imports nothing of the app

os.environ.update(s3.CREDENTIALS)
STORAGE = os.environ.get("TEST_STORAGE", "local")
if STORAGE == "s3":
    s3.use_for_uploads()

pytest_plugins = ["tests.fixtures"]


@pytest.fixture(scope="session", autouse=True)
def domain_labels() -> None:
    """Every domain's value labels, registered as the app registers them: unit tests, the demo
    and mail render labels without an app."""
    from core.app import register_domain_labels

    register_domain_labels()
