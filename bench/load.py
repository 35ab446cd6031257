"""The pages people load most, under 32 concurrent clients, against the framework's floor.

Builds one realistic edition with a fixed seed (40 municipalities, 300 published problems,
2,000 startups with submitted applications, 300 mentors with profiles, 100 judges, three judging
rounds with 7,800 submitted score sheets, 200 pilots x 10 KPIs x 50 measurements), serves it
with `python -m core serve` (the production command, scheduler off) and loads each page with wrk
(Debian's package; `make bench` installs it):
32 connections for BENCH_SECONDS (default 10) per URL. The floor is a bare Litestar JSON "hello"
(bench/floor_app.py) served by the same uvicorn settings; the ratio page / floor is the figure
that matters. Runs on SQLite and PostgreSQL, and on PostgreSQL again with two workers, and at
the end prints one table of all of it: per page and run, req/s, the share of that run's floor,
p50, p99, the one-client service time and the server's peak memory (RSS, all its processes),
under the machine's line.

BENCH_ENGINES=sqlite,postgres (default both), BENCH_WORKERS=1,2 and BENCH_SECONDS choose what runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import generated_edition as world  # noqa: E402  (the 2,000-application edition; bench/ is no package)
import generated_pilots  # noqa: E402
import serving  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
WORKER_COUNTS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2").split(",")]
MENTORS = 300
JUDGES = 100
ROUNDS = ((2_000, 3, "closed"), (300, 5, "closed"), (30, 10, "open"))  # entries, judges each, status
CRITERIA = (("Impact", 3.0), ("Feasibility", 2.0), ("Team", 2.0), ("Municipality fit", 1.0))


# --- Data: runs in a child process whose Piccolo engine comes from its DATABASE_URL ----------------


async def _users(role: str, count: int, edition_id: int, password_hash: str) -> list[int]:
    from core.tables import Membership, User

    emails = [f"{role}{n}@bench.example.org" for n in range(count)]
    await world.insert_batched(
        User,
        [
            User(email=e, name=f"{role.title()} {n}", password_hash=password_hash, is_verified=True)
            for n, e in enumerate(emails)
        ],
    )
    ids = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    users = [ids[e] for e in emails]
    await world.insert_batched(Membership, [Membership(user=u, role=role, edition_id=edition_id) for u in users])
    return users


async def _mentors(rng: Any, edition_id: int, password_hash: str) -> None:
    from challenge.rules.expertise import EXPERTISE_TAGS
    from mentoring.tables import MentorProfile

    users = await _users("mentor", MENTORS, edition_id, password_hash)
    tags = sorted(EXPERTISE_TAGS)
    await world.insert_batched(
        MentorProfile,
        [
            MentorProfile(
                user=u,
                edition=edition_id,
                key=f"{edition_id}:{u}",
                bio=world.text_between(rng, 200, 500),
                organisation=f"Company {rng.randint(1, 120)}",
                expertise=rng.sample(tags, rng.randint(2, 5)),
                sectors=rng.sample(["water", "energy", "mobility", "waste", "agriculture", "health"], 2),
                languages=rng.choice([["sr", "en"], ["en"], ["sr"], ["en", "de"], ["sr", "en", "hu"]]),
                capacity=rng.randint(2, 8),
                availability=[[d, 9 * 60, 17 * 60] for d in rng.sample(range(5), rng.randint(1, 3))],
            )
            for u in users
        ],
    )


async def _judging(rng: Any, edition_id: int, password_hash: str) -> dict[str, int]:
    """Three rounds, each entry scored by its panel; the last round still open and half scored."""
    from challenge.tables import Application
    from judging.rules.rubrics import Criterion as RubricCriterion
    from judging.rules.rubrics import weighted_total
    from judging.tables import Criterion, JudgeAssignment, JudgeProfile, Round, RoundApplication, ScoreSheet

    judges = await _users("judge", JUDGES, edition_id, password_hash)
    await world.insert_batched(
        JudgeProfile, [JudgeProfile(user=j, edition=edition_id, key=f"{edition_id}:{j}") for j in judges]
    )
    offsets = {j: rng.gauss(0, 1.2) for j in judges}  # lenient and strict judges, as in life
    entries = [r["id"] for r in await Application.select(Application.id).where(Application.edition == edition_id)]
    round_ids = []
    for position, (count, panel, status) in enumerate(ROUNDS, start=1):
        entries = sorted(rng.sample(entries, count))
        round_id = (
            await Round.insert(
                Round(
                    edition=edition_id,
                    name=f"Round {position}",
                    position=position,
                    status=status,
                    judges_per_application=panel,
                    max_per_judge=-(-count * panel // JUDGES),
                    advance_count=count // 10,
                )
            ).returning(Round.id)
        )[0]["id"]
        round_ids.append(round_id)
        await world.insert_batched(
            Criterion,
            [
                Criterion(round=round_id, position=n, name=name, weight=weight, scale_min=1, scale_max=10)
                for n, (name, weight) in enumerate(CRITERIA, start=1)
            ],
        )
        criteria = await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position)
        rubric = [
            RubricCriterion(id=c["id"], name=c["name"], weight=c["weight"], scale_min=1, scale_max=10) for c in criteria
        ]
        await world.insert_batched(
            RoundApplication, [RoundApplication(round=round_id, application=a, key=f"{round_id}:{a}") for a in entries]
        )
        seats = [(judges[(n * panel + k) % JUDGES], a) for n, a in enumerate(entries) for k in range(panel)]
        await world.insert_batched(
            JudgeAssignment,
            [JudgeAssignment(round=round_id, judge=j, application=a, key=f"{round_id}:{j}:{a}") for j, a in seats],
        )
        assigned = await JudgeAssignment.select(
            JudgeAssignment.id, JudgeAssignment.judge, JudgeAssignment.application
        ).where(JudgeAssignment.round == round_id)
        quality = {a: rng.uniform(3, 9) for a in entries}
        sheets = []
        for seat in assigned:
            if status == "open" and rng.random() < 0.5:
                continue
            values = {
                c.id: max(1, min(10, round(quality[seat["application"]] + offsets[seat["judge"]] + rng.gauss(0, 1))))
                for c in rubric
            }
            sheets.append(
                ScoreSheet(
                    assignment=seat["id"],
                    key=str(seat["id"]),
                    round=round_id,
                    judge=seat["judge"],
                    application=seat["application"],
                    values={str(k): v for k, v in values.items()},
                    status="submitted",
                    total=weighted_total(rubric, values),
                    submitted_at=datetime.now(UTC),
                )
            )
        await world.insert_batched(ScoreSheet, sheets)
    return {"round_ids": round_ids, "judge_id": judges[0]}  # seats go round the panel: judge 0 has a full queue


async def _session(user_id: int) -> str:
    """A signed-in browser's session, as the login form would leave it (argon2 is not what we measure)."""
    from core.tables import SessionRecord

    session_id = secrets.token_urlsafe(32)
    await SessionRecord.insert(
        SessionRecord(
            key=hashlib.sha256(session_id.encode()).hexdigest(),
            user_id=user_id,
            data=json.dumps({"user_id": user_id}).encode(),
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    )
    return session_id


async def populate() -> dict[str, Any]:
    import random

    from challenge.tables import Problem
    from core import db
    from core.auth import hash_password
    from core.tables import User

    await db.open_pool()
    try:
        built = await world.populate()
        rng = random.Random(world.SEED + 1)
        password_hash = (await User.select(User.password_hash).first())["password_hash"]
        await _mentors(rng, built["edition_id"], password_hash or hash_password("x"))
        judging = await _judging(rng, built["edition_id"], password_hash)
        organiser = (await User.select(User.id).where(User.email == world.ORGANISER_EMAIL).first())["id"]
        pilots = await generated_pilots.populate(rng, built["edition_id"], organiser)
        problem = (
            await Problem.select(Problem.id)
            .where(Problem.status == "published")
            .order_by(Problem.endorsement_count, ascending=False)
            .first()
        )["id"]
        if not db.is_sqlite():
            await db.engine().run_ddl("ANALYZE")
        return {
            **built,
            **judging,
            **pilots,
            "problem_id": problem,
            "organiser_sid": await _session(organiser),
            "judge_sid": await _session(judging["judge_id"]),
        }
    finally:
        await db.close_pool()


# --- Load ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    label: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    rss_mb: float
    one_client_ms: float | None = None


@dataclass(frozen=True)
class Row:
    """One line of the final table: a page measured in one engine run, against that run's floor."""

    engine: str
    workers: int
    result: Result
    floor: float | None  # None: the floor's own line

    def line(self) -> str:
        r = self.result
        share = f"{r.rate / self.floor:.1%}" if self.floor else ""
        one = f"{r.one_client_ms:.1f}" if r.one_client_ms is not None else ""
        head = f"{r.label:34} {self.engine:8} {self.workers:>2}"
        if not r.requests:  # every request outlasted wrk's timeout: the service time says why
            return f"{head} {'none within 10 s':>31} {one:>8} {r.rss_mb:6.0f} {r.errors:6}"
        return f"{head} {r.rate:9,.1f} {share:>7} {r.p50_ms:7.1f} {r.p99_ms:7.1f} {one:>8} {r.rss_mb:6.0f} {r.errors:6}"


HEADER = (
    f"{'page':34} {'engine':8} {'w':>2} {'req/s':>9} {'/floor':>7} {'p50 ms':>7} {'p99 ms':>7} {'1 cl ms':>8}"
    f" {'RSS MB':>6} {'errors':>6}"
)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        pids += [int(c) for c in children]
    return total / 1024


def wrk(label: str, url: str, server_pid: int, cookie: str | None = None, seconds: float = SECONDS) -> Result:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: sid={cookie}"]
    peak = 0.0
    with subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True) as load:
        while load.poll() is None:
            peak = max(peak, rss_mb(server_pid))
            time.sleep(0.2)
        output = load.stdout.read()  # type: ignore[union-attr]
    if load.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if len(percentiles) < 2:  # nothing finished in time
        percentiles = {"50": "0ms", "99": "0ms"}
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return Result(label, rate, _ms(percentiles["50"]), _ms(percentiles["99"]), requests, errors, peak)


# --- Orchestration ---------------------------------------------------------------------------------


def serve(app: str, env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = (
        [sys.executable, "-m", "core", "serve", "--port", str(port), "--workers", str(workers)]
        if app == "core"
        else [sys.executable, str(BENCH / "floor_app.py"), str(port), str(workers)]
    )
    with log.open("ab") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    serving.wait_until_up(server, f"http://127.0.0.1:{port}", log)
    return server


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def pages(built: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """What each run loads: label, path, and the session it is loaded with (None: anonymous)."""
    edition, (first, _, last) = built["edition_id"], built["round_ids"]
    organiser, judge = built["organiser_sid"], built["judge_sid"]
    return [
        ("catalogue /problems", "/problems", None),
        ("problem page", f"/problems/{built['problem_id']}", None),
        ("pilots /pilots (200)", "/pilots", None),
        ("pilot page, 10 KPIs x 50", f"/pilots/{built['pilot_id']}", None),
        # The middleware's own cost for a signed-in request: session, user, CSRF, and a tiny answer.
        ("signed in: /api/v1/me", "/api/v1/me", organiser),
        ("organiser home", "/organiser", organiser),
        ("organiser edition dashboard", f"/organiser/editions/{edition}/dashboard", organiser),
        ("organiser problems (300)", f"/organiser/editions/{edition}/problems", organiser),
        ("organiser application list", f"/organiser/editions/{edition}/applications/", organiser),
        ("organiser judging overview", f"/organiser/editions/{edition}/judging", organiser),
        ("organiser pilots (200)", f"/organiser/editions/{edition}/pilots", organiser),
        ("judge's queue (open round)", f"/judge/rounds/{last}", judge),
        ("ranking, 2,000 x 3 sheets", f"/organiser/rounds/{first}/", organiser),
    ]


def measure(env: dict[str, str], built: dict[str, Any], workers: int, var: Path) -> list[Row]:
    engine = env["BENCH_ENGINE"]
    port = serving.free_port()
    base = f"http://127.0.0.1:{port}"
    log = var / "server.log"
    floor_server = serve("floor", env, port, workers, log)
    try:
        floor = wrk("floor: JSON hello", f"{base}/hello", floor_server.pid)
    finally:
        stop(floor_server)
    print(f"  {engine}, {workers} worker(s): floor {floor.rate:,.0f} req/s", flush=True)
    server = serve("core", env, port, workers, log)
    rows = [Row(engine, workers, floor, None)]
    try:
        import httpx

        for label, path, sid in pages(built):
            # One client on one kept-alive connection: httpx.get() would time its own set-up
            # (an SSL context, ~25 ms) along with the page.
            with httpx.Client(base_url=base, cookies={"sid": sid} if sid else {}, timeout=60) as one:
                response = one.get(path)
                if response.status_code != 200:
                    print(f"  {label}: skipped, GET {path} answered HTTP {response.status_code}")
                    continue
                serial = []
                for _ in range(5):  # warms the caches; one client at a time: the service time without queueing
                    start = time.perf_counter()
                    one.get(path)
                    serial.append((time.perf_counter() - start) * 1000)
            result = replace(wrk(label, base + path, server.pid, sid), one_client_ms=sorted(serial)[2])
            rows.append(Row(engine, workers, result, floor.rate))
            print(f"  {label}: {result.rate:,.1f} req/s", flush=True)
        idle = rss_mb(server.pid)
    finally:
        stop(server)
    rows.append(Row(engine, workers, Result("server RSS after the run", 0, 0, 0, 0, 0, idle), None))
    return rows


def table(rows: list[Row]) -> str:
    """The run's one table: every engine and worker count, a blank line between runs."""
    lines = [HEADER]
    previous: tuple[str, int] | None = None
    for row in rows:
        if previous is not None and previous != (row.engine, row.workers):
            lines.append("")
        previous = (row.engine, row.workers)
        if row.result.label == "server RSS after the run":
            lines.append(f"{row.result.label:34} {row.engine:8} {row.workers:>2} {'':>42} {row.result.rss_mb:6.0f}")
        else:
            lines.append(row.line())
    return "\n".join(lines)


def run_engine(name: str, database_url: str | None) -> list[Row]:
    var = Path(tempfile.mkdtemp(prefix="challenge-load-"))
    env = serving.server_env(var, database_url, BENCH_ENGINE=name)
    try:
        start = time.perf_counter()
        serving.run([sys.executable, "-m", "core", "migrate"], env)
        built = json.loads(serving.run([sys.executable, __file__, "--populate"], env).strip().splitlines()[-1])
        print(
            f"\n{name}: edition built in {time.perf_counter() - start:.0f} s: {built['problems']} published problems,"
            f" {built['applications']} applications, {MENTORS} mentors, {JUDGES} judges,"
            f" {len(built['round_ids'])} rounds"
        )
        rows = []
        for workers in WORKER_COUNTS if name == "postgres" else [1]:  # SQLite: one worker (DESIGN 6)
            rows += measure(env, built, workers, var)
        return rows
    finally:
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    started = datetime.now(UTC)
    rows: list[Row] = []
    for engine in ENGINES:
        if engine == "sqlite":
            rows += run_engine("sqlite", None)
        else:
            with postgres_database("bench_load") as url:
                if url:
                    rows += run_engine("postgres", url)
    print(f"\nmachine: {serving.machine()} · {serving.server_stack()}")
    print(
        f"run: {started:%Y-%m-%d %H:%M} UTC · wrk, 2 threads, {CONNECTIONS} connections, {SECONDS:g} s per URL,"
        " on the same cores as the server · `python -m core serve` (scheduler off) · floor: bench/floor_app.py,"
        " measured at the start of each engine run · 1 cl: median of 5 requests one at a time · RSS: peak, all"
        " server processes"
    )
    print(table(rows))


@contextmanager
def postgres_database(name: str) -> Iterator[str | None]:
    """A database of its own on the local PostgreSQL, dropped afterwards; None when unreachable."""
    import asyncpg

    try:
        asyncio.run(serving.postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        asyncio.run(serving.postgres(f"CREATE DATABASE {name}"))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        print(f"\npostgres: skipped, cannot create a database through {serving.POSTGRES_ADMIN_URL} ({exc})")
        yield None
        return
    try:
        yield serving.postgres_url(name)
    finally:
        asyncio.run(serving.postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--populate"]:
        print(json.dumps(asyncio.run(populate())))
    else:
        main()
