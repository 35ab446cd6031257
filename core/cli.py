"""Command line: `python -m core serve|migrate|demo|create-organiser|backup|restore|restore-check|storage-migrate`."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import getpass
import logging
import logging.config
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn
from uvicorn.supervisors import ChangeReload, Multiprocess

from core.logs import dict_config
from core.settings import PROJECT_ROOT, default_base_url_to, get_settings, served_base_url

_STARTED = time.monotonic()  # `serve --announce` counts from here (the imports above take ~0.1 s)


def migrate() -> int:
    env = {**os.environ, "PICCOLO_CONF": "piccolo_conf"}
    piccolo = [sys.executable, "-m", "piccolo.main"]
    return subprocess.call([*piccolo, "migrations", "forwards", "all"], cwd=PROJECT_ROOT, env=env)  # noqa: S603


class _Config(uvicorn.Config):
    """uvicorn's settings, with Nagle's algorithm off on the socket it binds for several workers.

    asyncio turns Nagle off only on sockets whose protocol number says TCP; the socket uvicorn
    binds itself for `--workers N` (and for reload) carries protocol 0, so every response written
    in two sends waited ~40 ms for the client's delayed ACK: 700 req/s at most, however fast the
    app. Linux hands TCP_NODELAY on from the listening socket to the connections it accepts.
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def _announce_first_page(host: str, port: int, *, timeout: float = 120.0) -> None:
    """Ask for "/" until it answers, then print one line: how long since `serve` began, and where.

    `make run` serves with `--announce` so that its last step line says when the first page was there.
    """
    probe_host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104 - naming, not binding
    url = served_base_url(probe_host, port) + "/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own http:// address
                response.read()
        except OSError:  # refused until uvicorn listens; an HTTPError is an OSError too
            time.sleep(0.1)
            continue
        print(f"{'serve':9} {time.monotonic() - _STARTED:5.1f} s  first page at {url}", flush=True)
        return
    print(f"serve: no page at {url} after {timeout:.0f} s", file=sys.stderr, flush=True)


def _share_metrics_between_workers() -> None:
    """A fresh folder where every worker writes its metrics, so that any one of them can answer a
    scrape with the sum (prometheus_client's multiprocess mode). Set before the workers start: they
    choose the mode when they import prometheus_client. Removed when `serve` ends."""
    if own := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The operator's own folder: what an earlier `serve` left there is not this one's.
        for stale in Path(own).glob("*.db"):
            stale.unlink(missing_ok=True)
        return
    var_dir = get_settings().var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="metrics-", dir=var_dir)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def serve(
    host: str, port: int, workers: int, reload: bool, app: str = "core.app:create_app", *, announce: bool = False
) -> None:
    """uvicorn as production runs it; bench/floor_app.py serves its bare app through this too."""
    default_base_url_to(host, port, hostname=socket.getfqdn())
    if workers > 1 and not reload:
        _share_metrics_between_workers()
    if announce:
        threading.Thread(target=_announce_first_page, args=(host, port), daemon=True).start()
    config = _Config(
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
        # Applied by uvicorn in every worker before it imports the app; core.telemetry writes the
        # access events, with route and request id, instead of uvicorn.
        log_config=dict_config(get_settings().observability.log_format),
        access_log=False,
    )
    server = uvicorn.Server(config)
    # What uvicorn.run does with a Config of its own making.
    if config.should_reload:
        ChangeReload(config, target=server.run, sockets=[config.bind_socket()]).run()
    elif config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
        if not server.started:
            sys.exit(3)  # uvicorn's STARTUP_FAILURE


async def _demo() -> None:
    from core import db
    from core.demo import demo_present, print_logins

    await db.open_pool()
    try:
        if await demo_present():  # a repeated `make run`: no need to import the app to say so
            print_logins(loaded=False)
            return
        from core.app import register_domain_labels
        from core.demo import load_demo

        register_domain_labels()  # the demo's mail names stored values as the app's pages do
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


def _backups(args: argparse.Namespace) -> int:
    """backup, restore and restore-check: 0 when all went well, 1 on a file problem, 2 when refused."""
    import asyncpg

    from core import backups
    from core.settings import get_settings
    from core.storage import get_storage

    database_url = get_settings().database_url
    try:
        if args.command == "backup":
            made = asyncio.run(backups.make_backup(args.dir, database_url=database_url, storage=get_storage()))
            for problem in made.problems:
                print(f"backup: {problem}", file=sys.stderr)
            manifest = made.manifest
            print(
                f"backup: {manifest['engine']} database ({sum(manifest['tables'].values()):,} rows) and "
                f"{len(manifest['files'])} of {manifest['file_count']} files written to {args.dir}"
            )
            return 1 if made.problems else 0
        if args.command == "restore":
            restored = asyncio.run(
                backups.restore(args.dir, database_url=database_url, storage=get_storage(), force=args.force)
            )
            for problem in restored.problems:
                print(f"restore: {problem}", file=sys.stderr)
            count = len(restored.migrations_run)
            ran = f"; {count} newer migration{'s' if count > 1 else ''} applied" if count else ""
            print(f"restore: database and {restored.files} files restored from {args.dir}{ran}")
            return 1 if restored.problems else 0
        verdict = asyncio.run(backups.restore_check(args.dir, server_url=args.server_url or database_url))
    except backups.BackupError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:  # no such database, refused, denied: say so, not a traceback
        print(f"{args.command}: the database at DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return 2
    print("\n".join(verdict.lines()), file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1


async def _storage_migrate(delete_local: bool) -> int:
    from core import db
    from core.settings import get_settings
    from core.storage import S3Storage, get_storage
    from core.storage_migration import migrate

    settings = get_settings()
    target = get_storage()
    if not isinstance(target, S3Storage):
        print("storage-migrate: set STORAGE_URL to the s3://bucket/prefix to copy the uploads into.", file=sys.stderr)
        return 2
    await db.open_pool()
    try:
        counts = await migrate(settings, target, delete_local=delete_local, say=lambda line: print(line, flush=True))
    finally:
        await db.close_pool()
    print(
        f"copied {counts.copied}, already there {counts.already_there}, missing {counts.missing}, "
        f"mismatched {counts.mismatched}, local copies deleted {counts.deleted_local}"
    )
    return 1 if counts.failed else 0


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
    serve_cmd.add_argument("--announce", action="store_true", help='print when "/" first answers, and where')
    commands.add_parser("migrate", help="apply all database migrations")
    commands.add_parser("demo", help="load the demo edition (once; running it again changes nothing)")
    organiser = commands.add_parser("create-organiser", help="create an organiser account")
    organiser.add_argument("email")
    organiser.add_argument("--name", default="Organiser")
    backup = commands.add_parser("backup", help="back up the database and every stored file into DIR")
    backup.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")
    restore = commands.add_parser("restore", help="restore a backup into DATABASE_URL and the storage")
    restore.add_argument("dir", type=Path, metavar="DIR")
    restore.add_argument("--force", action="store_true", help="replace a database that is not empty")
    check = commands.add_parser(
        "restore-check", help="restore a backup into a scratch database and folder and compare it with its manifest"
    )
    check.add_argument("dir", type=Path, metavar="DIR")
    check.add_argument(
        "--server-url", help="PostgreSQL backups: where to create the scratch database (default DATABASE_URL)"
    )
    storage_cmd = commands.add_parser(
        "storage-migrate", help="copy the local uploads into the S3 storage of STORAGE_URL, verifying each"
    )
    storage_cmd.add_argument(
        "--delete-local", action="store_true", help="remove each local copy once its object is verified"
    )
    args = parser.parse_args(argv)

    if args.command == "serve":
        logging.config.dictConfig(dict_config(get_settings().observability.log_format))
        serve(args.host, args.port, args.workers, args.reload, announce=args.announce)
    elif args.command == "migrate":
        sys.exit(migrate())
    elif args.command == "demo":
        asyncio.run(_demo())
    elif args.command in {"backup", "restore", "restore-check"}:
        sys.exit(_backups(args))
    elif args.command == "storage-migrate":
        sys.exit(asyncio.run(_storage_migrate(args.delete_local)))
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
