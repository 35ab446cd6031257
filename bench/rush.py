"""The deadline rush: 2,000 startups save, upload a 5 MB deck and submit before the deadline.

The same generated edition as bench/applications.py, but every application is still a draft and
applications close RUSH_MINUTES (default 10) after the rush starts. Each startup, signed in
earlier (a session row, as the login form leaves it), opens its form, saves the draft, then uploads
its 5 MB PDF deck with "Submit" (the form saves first, then submits). BENCH_USERS startups (default
64) are at it at any moment, as fast as the server lets them, while two organisers page through the
application list. Afterwards the database is checked: every submission the server acknowledged
before the deadline is there exactly once, with its status event, its audit record, its mail and
its 5 MB deck on disk, and nothing else was submitted.

Prints the rate held, p50/p99 per step, errors and the server's peak RSS. Runs against one worker
on SQLite and on PostgreSQL, and with
BENCH_RUSH_WORKERS (default 1,2) workers on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import generated_edition as world  # noqa: E402  (the 2,000-application edition; bench/ is no package)
import load  # noqa: E402
import serving  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "64"))
RUSH_MINUTES = float(os.environ.get("RUSH_MINUTES", "10"))
DECK_BYTES = 5 * 1024 * 1024
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
PG_WORKERS = [int(n) for n in os.environ.get("BENCH_RUSH_WORKERS", "1,2").split(",")]
VERSION = re.compile(r'name="version" value="(\d+)"')


# --- Data (child process) --------------------------------------------------------------------------


async def populate() -> dict[str, Any]:
    """The edition with every application back to a draft, and a signed-in session per founder."""
    from challenge.tables import Application, ApplicationEvent, ApplicationProblem
    from core import db

    await db.open_pool()
    try:
        built = await world.populate()
        await ApplicationEvent.delete(force=True)
        await Application.update(
            {Application.status: "draft", Application.submitted_at: None, Application.version: 1}, force=True
        )
        links = defaultdict(list)
        for row in await ApplicationProblem.select(ApplicationProblem.application, ApplicationProblem.problem):
            links[row["application"]].append(row["problem"])
        rows = await Application.select(
            Application.id,
            Application.startup,
            Application.solution,
            Application.why_us,
            Application.traction,
            Application.pilot_plan,
            Application.impact,
            Application.sdgs,
            Application.support_needed,
            Application.video_url,
        ).output(load_json=True)
        founders = {
            row["startup"]: row["user"]
            for row in await world_members()  # the contact person of each startup
        }
        startups = []
        for row in rows:
            form = {key: row[key] for key in ("solution", "why_us", "traction", "pilot_plan", "impact", "video_url")}
            form |= {
                "problems": [str(p) for p in links[row["id"]]],
                "sdgs": [str(g) for g in row["sdgs"]],
                "support_needed": row["support_needed"],
            }
            sid = await load._session(founders[row["startup"]])
            startups.append({"application": row["id"], "sid": sid, "form": form})
        if not db.is_sqlite():
            await db.engine().run_ddl("ANALYZE")
        organiser = await load._session(await _organiser_id())
        return {"edition_id": built["edition_id"], "startups": startups, "organiser_sid": organiser}
    finally:
        await db.close_pool()


async def world_members() -> list[dict[str, Any]]:
    from challenge.tables import StartupMember

    return await StartupMember.select(StartupMember.startup, StartupMember.user)


async def _organiser_id() -> int:
    from core.tables import User

    return (await User.select(User.id).where(User.email == world.ORGANISER_EMAIL).first())["id"]


async def set_deadline(edition_id: int, closes_at: datetime) -> None:
    """Applications close at `closes_at` (screening starts), no grace: the deadline holds to the second."""
    from challenge.enums import Phase
    from challenge.tables import Edition, EditionPhase
    from core import db

    await db.open_pool()
    try:
        await EditionPhase.update({EditionPhase.starts_at: closes_at - timedelta(days=30)}).where(
            EditionPhase.edition == edition_id, EditionPhase.phase == Phase.APPLICATIONS
        )
        await EditionPhase.update({EditionPhase.starts_at: closes_at}).where(
            EditionPhase.edition == edition_id, EditionPhase.phase == Phase.SCREENING
        )
        await EditionPhase.update({EditionPhase.starts_at: closes_at + timedelta(days=30)}).where(
            EditionPhase.edition == edition_id, EditionPhase.phase == Phase.MENTORING
        )
        await Edition.update({Edition.application_grace_minutes: 0}).where(Edition.id == edition_id)
    finally:
        await db.close_pool()


async def check(acknowledged: dict[int, float], deadline: datetime, upload_dir: str) -> dict[str, Any]:
    """What the database holds after the rush, against what the server acknowledged."""
    from challenge.tables import Application, ApplicationEvent
    from core import db
    from core.tables import AuditEvent, OutboxMessage, StoredFile

    await db.open_pool()
    try:
        submitted = {
            row["id"]: row
            for row in await Application.select(
                Application.id, Application.submitted_at, Application.pitch_deck.key.as_alias("key")
            ).where(Application.status == "submitted")
        }
        events = defaultdict(int)
        for row in await ApplicationEvent.select(ApplicationEvent.application).where(
            ApplicationEvent.to_status == "submitted"
        ):
            events[row["application"]] += 1
        audits = await AuditEvent.count().where(AuditEvent.action == "application.submitted")
        mails = await OutboxMessage.count()
        decks = await StoredFile.select(StoredFile.key, StoredFile.size).where(StoredFile.purpose == "pitch_deck")
    finally:
        await db.close_pool()
    on_disk = [k for k in (r["key"] for r in submitted.values()) if k and _size(upload_dir, k) == DECK_BYTES]
    return {
        "acknowledged": len(acknowledged),
        "in_database": len(submitted),
        "acknowledged_missing": sorted(set(acknowledged) - set(submitted)),
        "submitted_unacknowledged": sorted(set(submitted) - set(acknowledged)),
        "doubled_events": sorted(a for a, n in events.items() if n != 1),
        "late": sorted(a for a, r in submitted.items() if r["submitted_at"] > deadline),
        "audit_records": audits,
        "mails_queued": mails,
        "decks_stored": len(decks),
        "decks_on_disk_5mb": len(on_disk),
    }


def _size(upload_dir: str, key: str) -> int:
    path = Path(upload_dir) / key[:2] / key  # core.storage's layout
    return path.stat().st_size if path.exists() else -1


# --- Load ------------------------------------------------------------------------------------------


class Timings:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def line(self, step: str, wall: float) -> str:
        ordered = sorted(self.samples[step])
        if not ordered:
            return f"{step:34} no successful requests; errors {len(self.errors[step])}"
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"{step:34} {len(ordered) / wall:8.1f} {statistics.median(ordered) * 1000:9.1f}"
            f" {p99 * 1000:9.1f} {len(ordered):8} {len(self.errors[step]):6}"
        )


async def rush(base: str, built: dict[str, Any], deadline: datetime) -> tuple[dict[int, float], Timings, float]:
    import httpx

    head, tail = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    deck = head + os.urandom(DECK_BYTES - len(head) - len(tail)) + tail  # exactly 5 MiB
    timings = Timings()
    acknowledged: dict[int, float] = {}
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for startup in built["startups"]:
        queue.put_nowait(startup)
    done = asyncio.Event()

    async def timed(step: str, call: Any, ok: tuple[int, ...]) -> Any:
        start = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as exc:
            timings.errors[step].append(type(exc).__name__)
            return None
        if response.status_code not in ok:
            timings.errors[step].append(f"HTTP {response.status_code}")
            return None
        timings.samples[step].append(time.perf_counter() - start)
        return response

    async def startup_user() -> None:
        while not queue.empty():
            startup = queue.get_nowait()
            application = startup["application"]
            url = f"/startup/applications/{application}/edit"
            async with httpx.AsyncClient(base_url=base, cookies={"sid": startup["sid"]}, timeout=120) as http:
                form_page = await timed("open the form", http.get(url), (200,))
                if form_page is None:
                    continue
                token = http.cookies["csrftoken"]
                fields = {**startup["form"], "version": VERSION.search(form_page.text).group(1), "_csrf_token": token}
                # As a browser sends the form: multipart, with an empty file part for the deck not chosen.
                no_file = {"pitch_deck": ("", b"", "application/octet-stream")}
                saved = await timed(
                    "save the draft", http.post(url, data={**fields, "action": "save"}, files=no_file), (302, 303)
                )
                if saved is None:
                    continue
                fields["version"] = str(int(fields["version"]) + 1)
                files = {"pitch_deck": ("pitch-deck.pdf", deck, "application/pdf")}
                submitted = await timed(
                    "upload 5 MB deck + submit",
                    http.post(url, data={**fields, "action": "submit"}, files=files),
                    (302, 303),
                )
                if submitted is not None and submitted.headers["location"].endswith(f"/applications/{application}"):
                    acknowledged[application] = time.time()

    async def organiser() -> None:
        pages = f"/organiser/editions/{built['edition_id']}/applications/"
        async with httpx.AsyncClient(base_url=base, cookies={"sid": built["organiser_sid"]}, timeout=120) as http:
            number = 1
            while not done.is_set():
                await timed("organiser list (while rushing)", http.get(f"{pages}?page_number={number}"), (200,))
                number = number % 40 + 1

    started = time.perf_counter()
    browsing = [asyncio.create_task(organiser()) for _ in range(2)]
    await asyncio.gather(*(startup_user() for _ in range(USERS)))
    wall = time.perf_counter() - started
    done.set()
    await asyncio.gather(*browsing)
    if datetime.now(UTC) > deadline:
        print(f"  the rush ran past the deadline ({RUSH_MINUTES:g} min): late submissions were refused, as they must")
    return acknowledged, timings, wall


def run(name: str, database_url: str | None, workers: int) -> None:
    var = Path(tempfile.mkdtemp(prefix="challenge-rush-"))
    env = serving.server_env(var, database_url, UPLOAD_DIR=str(var / "uploads"), MAX_UPLOAD_BYTES=str(15 * 1024 * 1024))
    try:
        start = time.perf_counter()
        serving.run([sys.executable, "-m", "core", "migrate"], env)
        built = json.loads(serving.run([sys.executable, __file__, "--populate"], env).strip().splitlines()[-1])
        built_in = time.perf_counter() - start
        print(f"\n{name}, {workers} worker(s): {len(built['startups'])} drafts built in {built_in:.0f} s")
        port = serving.free_port()
        server = load.serve("core", env, port, workers, var / "server.log")
        try:
            deadline = datetime.now(UTC) + timedelta(minutes=RUSH_MINUTES)
            serving.run([sys.executable, __file__, "--deadline", str(built["edition_id"]), deadline.isoformat()], env)
            peak = [0.0]

            async def sample() -> None:
                while True:
                    peak[0] = max(peak[0], load.rss_mb(server.pid))
                    await asyncio.sleep(0.25)

            async def measured() -> tuple[dict[int, float], Timings, float]:
                sampler = asyncio.create_task(sample())
                try:
                    return await rush(f"http://127.0.0.1:{port}", built, deadline)
                finally:
                    sampler.cancel()

            acknowledged, timings, wall = asyncio.run(measured())
        finally:
            load.stop(server)
        found = json.loads(
            serving.run(
                [
                    sys.executable,
                    __file__,
                    "--check",
                    deadline.isoformat(),
                    str(var / "uploads"),
                    json.dumps(acknowledged),
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        deck_mb = found["decks_on_disk_5mb"] * DECK_BYTES / 1e6
        print(
            f"  {found['acknowledged']} submissions acknowledged in {wall:.0f} s"
            f" ({found['acknowledged'] / wall * 60:.0f} per minute;"
            f" the deadline needs {len(built['startups']) / RUSH_MINUTES:.0f}),"
            f" {deck_mb / wall:.0f} MB/s of decks; server peak RSS {peak[0]:.0f} MB"
        )
        print(f"  {'step':34} {'req/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'n':>8} {'errors':>6}")
        for step in ("open the form", "save the draft", "upload 5 MB deck + submit", "organiser list (while rushing)"):
            print("  " + timings.line(step, wall))
        errors = {step: sorted(set(kinds)) for step, kinds in timings.errors.items() if kinds}
        if errors:
            print(f"  errors by kind: {errors}")
        lost = len(found["acknowledged_missing"]) + len(found["doubled_events"]) + len(found["late"])
        print(
            f"  in the database: {found['in_database']} submitted, {len(found['acknowledged_missing'])} acknowledged"
            f" but missing, {len(found['submitted_unacknowledged'])} submitted but unacknowledged,"
            f" {len(found['doubled_events'])} doubled, {len(found['late'])} after the deadline;"
            f" {found['audit_records']} audit records, {found['mails_queued']} mails queued,"
            f" {found['decks_on_disk_5mb']} decks of 5 MB on disk"
        )
        restarts = sum("Child process" in line for line in (var / "server.log").read_text().splitlines())
        print(f"  uvicorn worker restarts during the rush: {restarts}")
        if lost:
            raise SystemExit(f"{name}: {lost} acknowledged submissions lost, doubled or late")
    finally:
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    print(f"machine: {serving.machine()}")
    print(
        f"rush: {USERS} startups at a time (httpx, this process), deadline {RUSH_MINUTES:g} min after the start,"
        " 2 organisers browsing; `python -m core serve`, scheduler off"
    )
    for engine in ENGINES:
        if engine == "sqlite":
            run("sqlite", None, 1)
        else:
            for workers in PG_WORKERS:
                with load.postgres_database("bench_rush") as url:
                    if url:
                        run("postgres", url, workers)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--populate"]:
        print(json.dumps(asyncio.run(populate())))
    elif sys.argv[1:2] == ["--deadline"]:
        asyncio.run(set_deadline(int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])))
    elif sys.argv[1:2] == ["--check"]:
        acknowledged = {int(k): v for k, v in json.loads(sys.argv[4]).items()}
        print(json.dumps(asyncio.run(check(acknowledged, datetime.fromisoformat(sys.argv[2]), sys.argv[3]))))
    else:
        main()
