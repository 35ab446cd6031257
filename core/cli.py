"""Command line: `python -m core serve|migrate|demo|create-organiser`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import subprocess
import sys

from core.settings import PROJECT_ROOT


def migrate() -> int:
    env = {**os.environ, "PICCOLO_CONF": "piccolo_conf"}
    piccolo = [sys.executable, "-m", "piccolo.main"]
    return subprocess.call([*piccolo, "migrations", "forwards", "all"], cwd=PROJECT_ROOT, env=env)  # noqa: S603


def serve(host: str, port: int, workers: int, reload: bool, app: str = "core.app:create_app") -> None:
    """uvicorn as production runs it; bench/floor_app.py serves its bare app through this too."""
    import uvicorn

    uvicorn.run(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        proxy_headers=True,
        # uvicorn kills a worker that misses a 5 s health ping, dropping its in-flight requests; on a
        # saturated machine (the deadline rush, 5 MB uploads) a busy but healthy worker can miss one.
        timeout_worker_healthcheck=30,
        log_level="info",
    )


async def _demo() -> None:
    from core import db
    from core.demo import load_demo

    await db.open_pool()
    try:
        await load_demo()
    finally:
        await db.close_pool()


async def _create_organiser(email: str, name: str, password: str) -> None:
    from core import db
    from core.accounts.services import create_organiser

    await db.open_pool()
    try:
        await create_organiser(email=email, name=name, password=password)
    finally:
        await db.close_pool()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="challenge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve HTTP (the scheduler runs on the elected worker)")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--workers", type=int, default=1)
    serve_cmd.add_argument("--reload", action="store_true")
    commands.add_parser("migrate", help="apply all database migrations")
    commands.add_parser("demo", help="load the demo edition (once; running it again changes nothing)")
    organiser = commands.add_parser("create-organiser", help="create an organiser account")
    organiser.add_argument("email")
    organiser.add_argument("--name", default="Organiser")
    args = parser.parse_args(argv)

    if args.command == "serve":
        serve(args.host, args.port, args.workers, args.reload)
    elif args.command == "migrate":
        sys.exit(migrate())
    elif args.command == "demo":
        asyncio.run(_demo())
    elif args.command == "create-organiser":
        password = os.environ.get("ORGANISER_PASSWORD") or getpass.getpass("Password: ")
        from core.errors import ValidationFailed

        try:
            asyncio.run(_create_organiser(args.email, args.name, password))
        except ValidationFailed as exc:
            for field_name, message in exc.errors.items():
                print(f"{field_name}: {message}", file=sys.stderr)
            sys.exit(2)
        print(f"Organiser {args.email} is ready.")
