"""The floor for bench/load.py: a bare Litestar JSON "hello", served exactly as the product is.

`python bench/floor_app.py PORT WORKERS` runs it through `core.cli.serve`, the function behind
`python -m core serve`, so uvicorn's settings (workers, proxy headers, access log) are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from litestar import Litestar, get

ROOT = Path(__file__).resolve().parent.parent


@get("/hello", sync_to_thread=False)
def hello() -> dict[str, str]:
    return {"hello": "world"}


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app() -> Litestar:
    return Litestar([hello, healthz])


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from core.cli import serve

    serve("127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), reload=False, app="floor_app:create_app")
