"""The organiser's application list under concurrent load, with 2,000 applications, on both engines.

Builds one realistic edition (40 municipalities, 300 published problems, 2,000 startups each with
one submitted application addressing 1-3 problems) with a fixed seed, bulk-inserted through the
Piccolo tables. Then starts the real server (`python -m core serve`, one worker, scheduler off),
signs in once as an organiser and drives it with concurrent clients for a fixed time per URL.
Prints requests/s, p50 and p99 latency and errors per URL, first on SQLite (a temp file), then on
PostgreSQL (a database of its own on 127.0.0.1:5432, skipped when unreachable). Asserts nothing
beyond the data being what the pages report.

Tunable through BENCH_SECONDS (per URL, default 8), BENCH_CONCURRENCY (default 16) and
BENCH_POSTGRES_URL (the server to create the database on, default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 2026
STARTUPS = 2_000
PUBLISHED_PROBLEMS = 300
BATCH = 250  # rows per INSERT: well under SQLite's limit on bound variables
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SERIAL_REQUESTS = 10
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
POSTGRES_DATABASE = "bench_applications"
ORGANISER_EMAIL = "organiser@bench.example.org"
PASSWORD = "bench organiser password"
SEARCH_WORD = "sensor"
# Fixed instants, so every run builds the same rows.
PROBLEM_INTAKE_OPEN = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)
APPLICATIONS_OPEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
APPLICATIONS_CLOSE = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)

# (name, region, kind, population)
MUNICIPALITIES = (
    ("Novi Sad", "Južna Bačka", "urban", 341_000), ("Niš", "Nišava", "urban", 249_000),
    ("Kragujevac", "Šumadija", "urban", 171_000), ("Subotica", "Severna Bačka", "urban", 123_000),
    ("Pančevo", "Južni Banat", "urban", 115_000), ("Zrenjanin", "Srednji Banat", "urban", 105_000),
    ("Čačak", "Moravica", "urban", 106_000), ("Novi Pazar", "Raška", "urban", 107_000),
    ("Užice", "Zlatibor", "urban", 70_000), ("Bor", "Bor", "urban", 39_000),
    ("Kraljevo", "Raška", "mixed", 110_000), ("Smederevo", "Podunavlje", "mixed", 98_000),
    ("Leskovac", "Jablanica", "mixed", 124_000), ("Valjevo", "Kolubara", "mixed", 82_000),
    ("Kruševac", "Rasina", "mixed", 113_000), ("Vranje", "Pčinja", "mixed", 74_000),
    ("Šabac", "Mačva", "mixed", 105_000), ("Sombor", "Zapadna Bačka", "mixed", 77_000),
    ("Požarevac", "Braničevo", "mixed", 71_000), ("Pirot", "Pirot", "mixed", 49_000),
    ("Zaječar", "Zaječar", "mixed", 50_000), ("Kikinda", "Severni Banat", "mixed", 52_000),
    ("Sremska Mitrovica", "Srem", "mixed", 72_000), ("Jagodina", "Pomoravlje", "mixed", 65_000),
    ("Ivanjica", "Moravica", "rural", 28_000), ("Arilje", "Zlatibor", "rural", 17_000),
    ("Kosjerić", "Zlatibor", "rural", 10_000), ("Nova Varoš", "Zlatibor", "rural", 14_000),
    ("Bajina Bašta", "Zlatibor", "rural", 23_000), ("Knjaževac", "Zaječar", "rural", 26_000),
    ("Sjenica", "Zlatibor", "rural", 24_000), ("Ljig", "Kolubara", "rural", 11_000),
    ("Mionica", "Kolubara", "rural", 12_000), ("Topola", "Šumadija", "rural", 20_000),
    ("Rača", "Šumadija", "rural", 10_000), ("Žagubica", "Braničevo", "rural", 10_000),
    ("Kučevo", "Braničevo", "rural", 13_000), ("Bela Palanka", "Pirot", "rural", 10_000),
    ("Crna Trava", "Jablanica", "rural", 1_200), ("Opovo", "Južni Banat", "rural", 9_000),
)  # fmt: skip
CITY_PROBLEMS = (
    "Parking search traffic in the centre", "Water losses in the distribution network",
    "Energy costs of street lighting", "Air quality near schools", "Real-time bus arrival information",
    "Waste collection routes and overflowing bins", "District heating losses", "Flooded underpasses after storms",
    "Noise in residential blocks", "Queues at the municipal service centre", "Safe cycling routes to school",
    "Tourist crowding in the old town", "Energy use of public buildings", "Illegal dumping at the city edge",
)  # fmt: skip
RURAL_PROBLEMS = (
    "Drinking water losses in village networks", "Irrigation scheduling for smallholders",
    "School transport for remote hamlets", "Wildfire early warning", "Frost alerts for orchards",
    "Access to a doctor for elderly villagers", "Broadband gaps in mountain villages",
    "Road damage reporting on local roads", "Rural tourism bookings", "Illegal dumps along rivers",
    "Milk collection logistics", "Stray dogs near schools", "Heating of village schools",
)  # fmt: skip
SENTENCES = (
    "The municipality has tried manual inspections, but they cover too little ground to help.",
    "Residents report the issue through phone calls that nobody tracks afterwards.",
    "Our team has worked with two other municipalities on a comparable pilot.",
    "The data is published monthly and can be matched with maintenance records.",
    "We keep the cost per household low by reusing the existing infrastructure.",
    "A small dashboard lets the utility see where to send its crews first.",
    "Citizens receive a short message when something in their street changes.",
    "The first three months focus on measuring the baseline before changing anything.",
    "We comply with GDPR and the Serbian personal data protection law.",
    "The solution runs on open standards, so the municipality is never locked in.",
    "Local staff are trained to run the system without us after the pilot.",
    "We expect the savings to cover the running costs within two seasons.",
    "Schools and health centres are the first places we want to reach.",
    "Our mobile application works offline, which matters in the villages.",
    "A public procurement procedure can follow if the pilot meets its targets.",
)  # fmt: skip
SENSOR_SENTENCES = (
    "We install low-power LoRaWAN sensor nodes that report every fifteen minutes.",
    "Each sensor runs for five years on one battery and needs no mains power.",
    "Soil moisture and temperature sensors feed a simple forecasting model.",
)  # fmt: skip
NAME_STARTS = (
    "Agro", "Eko", "Smart", "Urban", "Data", "Geo", "Hydro", "Volt", "Terra", "Civic", "Pametni", "Zeleni",
    "Blue", "Grid", "Open", "Polis", "Rural", "Sun", "River", "Stone", "Bright", "Clear", "Next", "Morava",
)  # fmt: skip
NAME_ENDS = ("Lab", "Tech", "Works", "Flow", "Mind", "Hub", "Logic", "Metrics", "Wave", "Path", "Way", "Grid")
NAME_TAILS = ("", " Solutions", " Systems", " Labs", " Analytics", " Robotics", " Mobility", " Energy", " Data")
COUNTRIES = (
    ("Serbia", 0.84, ("Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Čačak", "Užice", "Valjevo")),
    ("Croatia", 0.04, ("Zagreb", "Split", "Osijek")),
    ("Slovenia", 0.03, ("Ljubljana", "Maribor")),
    ("North Macedonia", 0.03, ("Skopje", "Bitola")),
    ("Bosnia and Herzegovina", 0.03, ("Sarajevo", "Banja Luka", "Tuzla")),
    ("Montenegro", 0.02, ("Podgorica", "Nikšić")),
    ("Hungary", 0.01, ("Szeged", "Budapest")),
)


def machine() -> str:
    return (
        f"{platform.node()} · {platform.platform()} · {os.cpu_count()} cores"
        f" · Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
    )


# --- Data: runs in a child process, whose Piccolo engine comes from its DATABASE_URL -----------------------------


def _text(rng: random.Random, low: int, high: int, extra: tuple[str, ...] = ()) -> str:
    """Sentences from the bank until the text is between `low` and `high` characters long."""
    target = rng.randint(low, high)
    pool = SENTENCES + extra
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(rng.choice(pool))
    return " ".join(parts)


def _startup_names(rng: random.Random) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    for n in range(STARTUPS):
        name = f"{rng.choice(NAME_STARTS)}{rng.choice(NAME_ENDS)}{rng.choice(NAME_TAILS)}"
        name = name if name not in taken else f"{name} {n}"  # the combinations run out: number the rest
        taken.add(name)
        names.append(name)
    return names


async def _insert(table: Any, rows: list[Any]) -> None:
    from core import db

    async with db.engine().transaction():
        for start in range(0, len(rows), BATCH):
            await table.insert(*rows[start : start + BATCH])


async def _edition(password_hash: str) -> tuple[int, int]:
    """The edition, now in screening, and its organiser: (edition id, organiser's user id)."""
    from challenge.enums import Phase
    from challenge.tables import Edition, EditionPhase
    from core.enums import Role
    from core.tables import Membership, User

    edition = Edition(name="Smart Challenge 2026 (bench)", year=2026, slug="bench-2026")
    edition_id = (await Edition.insert(edition).returning(Edition.id))[0]["id"]
    phases = {
        Phase.PROBLEM_INTAKE: PROBLEM_INTAKE_OPEN,
        Phase.APPLICATIONS: APPLICATIONS_OPEN,
        Phase.SCREENING: APPLICATIONS_CLOSE,
        Phase.MENTORING: datetime(2026, 5, 4, 8, tzinfo=UTC),
    }
    await _insert(EditionPhase, [EditionPhase(edition=edition_id, phase=p, starts_at=at) for p, at in phases.items()])
    organiser = User(email=ORGANISER_EMAIL, name="Bench Organiser", password_hash=password_hash, is_verified=True)
    organiser_id = (await User.insert(organiser).returning(User.id))[0]["id"]
    await Membership.insert(Membership(user=organiser_id, role=Role.ORGANISER))
    return edition_id, organiser_id


async def _problems(rng: random.Random, edition_id: int) -> list[dict[str, Any]]:
    """The municipalities and their problems; returns the published ones (id, track, endorsements)."""
    from challenge.enums import Track
    from challenge.tables import Municipality, Problem

    await _insert(
        Municipality,
        [
            Municipality(name=name, region=region, kind=kind, population=population, description=_text(rng, 200, 500))
            for name, region, kind, population in MUNICIPALITIES
        ],
    )
    towns = await Municipality.select(Municipality.id, Municipality.name, Municipality.kind).order_by(Municipality.id)
    problems = []
    for n in range(PUBLISHED_PROBLEMS + 40):  # the last 40 are not published: the list must not offer them
        town = rng.choice(towns)
        urban = town["kind"] == "urban" or (town["kind"] == "mixed" and rng.random() < 0.5)
        sdgs = sorted(rng.sample(range(1, 18), rng.randint(1, 4)))
        published = n < PUBLISHED_PROBLEMS
        submitted_at = PROBLEM_INTAKE_OPEN + timedelta(hours=rng.randint(1, 1_000))
        problems.append(
            Problem(
                edition=edition_id,
                municipality=town["id"],
                status="published" if published else rng.choice(["draft", "submitted", "changes_requested"]),
                track=Track.SMART_CITY if urban else Track.SMART_RURAL,
                title=f"{rng.choice(CITY_PROBLEMS if urban else RURAL_PROBLEMS)} in {town['name']}",
                summary=_text(rng, 150, 400),
                context=_text(rng, 600, 1_600),
                affected_groups="Households, schools and local businesses",
                affected_count=rng.randint(200, 120_000),
                tried_before=_text(rng, 100, 400),
                data_available=_text(rng, 80, 300),
                sdgs=sdgs,
                sdg_tags="".join(f",{goal}," for goal in sdgs),
                endorsement_count=rng.randint(0, 80),
                contact_name="Municipal contact",
                contact_email=f"contact{n}@opstina.example.rs",
                submitted_at=submitted_at,
                published_at=submitted_at + timedelta(days=3) if published else None,
            )
        )
    await _insert(Problem, problems)
    return await (
        Problem.select(Problem.id, Problem.track, Problem.endorsement_count)
        .where(Problem.edition == edition_id, Problem.status == "published")
        .order_by(Problem.id)
    )


async def _startups(rng: random.Random, edition_id: int, password_hash: str) -> list[tuple[int, int]]:
    """The startups, each with a founder signed up for the edition: [(startup id, founder's user id)]."""
    from challenge.enums import StartupStage
    from challenge.tables import Startup, StartupMember
    from core.enums import Role
    from core.tables import Membership, User

    names = _startup_names(rng)
    countries, shares, cities = zip(*COUNTRIES, strict=True)
    startups = []
    for name in names:
        country = rng.choices(range(len(countries)), weights=shares)[0]
        startups.append(
            Startup(
                name=name,
                legal_form=rng.choice(["d.o.o.", "preduzetnik", "not yet registered"]),
                country=countries[country],
                city=rng.choice(cities[country]),
                founded_year=rng.randint(2014, 2025),
                website=f"https://{name.lower().replace(' ', '')}.example.com",
                stage=rng.choice(list(StartupStage)),
                sector=rng.choice(["water", "energy", "mobility", "waste", "agriculture", "health", "tourism"]),
                pitch=_text(rng, 200, 500),
            )
        )
    await _insert(Startup, startups)
    startup_ids = {row["name"]: row["id"] for row in await Startup.select(Startup.id, Startup.name)}
    emails = [f"founder{n}@startup.example.com" for n in range(len(names))]
    await _insert(
        User,
        [
            User(email=email, name=f"Founder {n}", password_hash=password_hash, is_verified=True)
            for n, email in enumerate(emails)
        ],
    )
    user_ids = {row["email"]: row["id"] for row in await User.select(User.id, User.email)}
    teams = [(startup_ids[name], user_ids[email]) for name, email in zip(names, emails, strict=True)]
    await _insert(
        Membership,
        [Membership(user=u, role=Role.STARTUP, edition_id=edition_id, organisation_id=s) for s, u in teams],
    )
    await _insert(
        StartupMember,
        [
            StartupMember(startup=s, user=u, edition=edition_id, title="CEO", is_contact=True, key=f"{edition_id}:{u}")
            for s, u in teams
        ],
    )
    return teams


async def _applications(
    rng: random.Random,
    *,
    edition_id: int,
    organiser_id: int,
    teams: list[tuple[int, int]],
    published: list[dict[str, Any]],
) -> int:
    """One submitted application per startup, 1-3 problems each, some already screened; returns the links."""
    from challenge.enums import ApplicationStatus, Track
    from challenge.rules.expertise import EXPERTISE_TAGS
    from challenge.tables import Application, ApplicationEvent, ApplicationProblem

    by_track = {track: [p for p in published if p["track"] == track] for track in Track}
    window = (APPLICATIONS_CLOSE - APPLICATIONS_OPEN).total_seconds()
    applications, addressed = [], {}
    for n, (startup_id, founder_id) in enumerate(teams):
        track = Track.SMART_RURAL if rng.random() < 0.4 else Track.SMART_CITY
        pool = by_track[track]
        # Popular problems (many endorsements) attract more applications.
        picks = rng.choices(pool, weights=[1 + p["endorsement_count"] for p in pool], k=rng.choice([1, 1, 2, 2, 3]))
        addressed[startup_id] = sorted({p["id"] for p in picks})
        created = APPLICATIONS_OPEN + timedelta(seconds=rng.uniform(0, window * 0.8))
        submitted = created + timedelta(seconds=rng.uniform(600, window * 0.2))
        status = rng.choices(
            [ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED],
            weights=[75, 15, 10],
        )[0]
        applications.append(
            Application(
                edition=edition_id,
                startup=startup_id,
                track=track,
                status=status,
                solution=_text(rng, 700, 2_000, SENSOR_SENTENCES if rng.random() < 0.3 else ()),
                why_us=_text(rng, 300, 800),
                traction=_text(rng, 150, 500),
                pilot_plan=_text(rng, 400, 1_000),
                impact=_text(rng, 250, 700),
                sdgs=sorted(rng.sample(range(1, 18), rng.randint(1, 3))),
                support_needed=sorted(rng.sample(sorted(EXPERTISE_TAGS), rng.randint(1, 3))),
                video_url=f"https://video.example.com/pitch/{n}" if rng.random() < 0.6 else "",
                version=rng.randint(2, 9),
                active_key=f"{edition_id}:{startup_id}:{track}",
                updated_by=founder_id,
                created_at=created,
                updated_at=submitted if status == ApplicationStatus.SUBMITTED else APPLICATIONS_CLOSE,
                submitted_at=submitted,
            )
        )
    await _insert(Application, applications)
    application_of = {
        row["startup"]: row["id"]
        for row in await Application.select(Application.id, Application.startup).where(
            Application.edition == edition_id
        )
    }
    links, events = [], []
    for application, (startup_id, founder_id) in zip(applications, teams, strict=True):
        application_id = application_of[startup_id]
        links += [ApplicationProblem(application=application_id, problem=p) for p in addressed[startup_id]]
        events.append(
            ApplicationEvent(
                application=application_id,
                actor=founder_id,
                from_status=ApplicationStatus.DRAFT,
                to_status=ApplicationStatus.SUBMITTED,
                at=application.submitted_at,
            )
        )
        if application.status != ApplicationStatus.SUBMITTED:
            events.append(
                ApplicationEvent(
                    application=application_id,
                    actor=organiser_id,
                    from_status=ApplicationStatus.SUBMITTED,
                    to_status=application.status,
                    message="Thank you for applying.",
                    at=APPLICATIONS_CLOSE + timedelta(days=2),
                )
            )
    await _insert(ApplicationProblem, links)
    await _insert(ApplicationEvent, events)
    return len(links)


async def populate() -> dict[str, Any]:
    """One edition in screening with 2,000 submitted applications; returns its id and what was built."""
    from core.auth import hash_password

    rng = random.Random(SEED)
    password_hash = hash_password(PASSWORD)  # argon2 is slow by design: once, shared by every account
    edition_id, organiser_id = await _edition(password_hash)
    published = await _problems(rng, edition_id)
    teams = await _startups(rng, edition_id, password_hash)
    links = await _applications(rng, edition_id=edition_id, organiser_id=organiser_id, teams=teams, published=published)
    return {
        "edition_id": edition_id,
        "municipalities": len(MUNICIPALITIES),
        "problems": len(published),
        "applications": len(teams),
        "links": links,
    }


async def populate_main() -> None:
    from core import db

    await db.open_pool()
    try:
        built = await populate()
        if not db.is_sqlite():
            # Autovacuum would analyse the fresh tables within a minute; the steady state is what we measure.
            await db.engine().run_ddl("ANALYZE")
    finally:
        await db.close_pool()
    print(json.dumps(built))


# --- Load: this process drives the real server over HTTP -----------------------------------------------------


@dataclass(frozen=True)
class Measured:
    label: str
    rows: int | None
    serial: list[float]
    samples: list[float]
    errors: int
    wall: float

    def line(self) -> str:
        ordered = sorted(self.samples)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
        p50 = statistics.median(ordered) if ordered else float("nan")
        rows = "" if self.rows is None else str(self.rows)
        rate, serial = len(self.samples) / self.wall, statistics.median(self.serial)
        return (
            f"{self.label:44} {rows:>5} {rate:8.1f} {serial * 1000:9.1f}"
            f" {p50 * 1000:9.1f} {p99 * 1000:9.1f} {len(self.samples):7} {self.errors:6}"
        )


HEADER = (
    f"{'URL':44} {'rows':>5} {'req/s':>8} {'1 client':>9} {'p50 ms':>9} {'p99 ms':>9} {'n':>7} {'errors':>6}\n"
    f"{'':44} {'':>5} {'':>8} {'p50 ms':>9}"
)


async def _sign_in(client: Any) -> None:
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": ORGANISER_EMAIL, "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]},
    )
    if response.status_code != 302 or "sid" not in client.cookies:
        raise RuntimeError(f"signing in as the organiser failed: HTTP {response.status_code}")


async def _measure(client: Any, label: str, path: str, rows: int | None) -> Measured:
    import httpx

    serial = []
    for _ in range(SERIAL_REQUESTS):  # one client at a time: the service time without queueing; also warms up
        start = time.perf_counter()
        response = await client.get(path)
        serial.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
    samples: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                samples.append(time.perf_counter() - start)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return Measured(label, rows, serial, samples, errors, time.perf_counter() - started)


async def drive(base_url: str, edition_id: int) -> list[Measured]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        await _sign_in(client)
        filters = f"kind=rural&status=submitted&q={SEARCH_WORD}"
        api = f"/api/v1/organiser/applications?edition_id={edition_id}"
        everything = (await client.get(api)).json()["total"]
        filtered = (await client.get(f"{api}&{filters}")).json()["total"]
        if everything != STARTUPS:
            raise RuntimeError(f"the organiser list shows {everything} applications, not {STARTUPS}")
        pages = f"/organiser/editions/{edition_id}/applications"
        return [
            await _measure(client, "list, first page", f"{pages}/", everything),
            await _measure(client, f"list, {filters.replace('&', ' ')}", f"{pages}/?{filters}", filtered),
            await _measure(client, "list, page 20 by startup name", f"{pages}/?sort=startup&page_number=20", 50),
            await _measure(client, "CSV export, all", f"{pages}/export.csv", everything),
            await _measure(client, "API list, first page", api, everything),
        ]


# --- Orchestration ---------------------------------------------------------------------------------------------


def _run(command: list[str], env: dict[str, str]) -> str:
    """Run a step in a child process with this engine's environment; its output, or its errors."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within 30 s:\n{log.read_text()[-2000:]}")


def server_env(var: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a benchmarked server: its own files under `var`, its database (a SQLite
    file of its own when None), no scheduler."""
    return {
        **os.environ,
        "VAR_DIR": str(var),
        "DATABASE_URL": database_url or f"sqlite:///{var / 'bench.sqlite'}",
        "SCHEDULER_ENABLED": "false",
        "PICCOLO_CONF": "piccolo_conf",
        **extra,
    }


def run_engine(name: str, database_url: str | None) -> None:
    """Migrate, build the data, serve and measure; `database_url` None means a SQLite file of its own."""
    var = Path(tempfile.mkdtemp(prefix="challenge-bench-"))
    env = server_env(var, database_url)
    try:
        start = time.perf_counter()
        _run([sys.executable, "-m", "core", "migrate"], env)
        migrated = time.perf_counter() - start
        start = time.perf_counter()
        built = json.loads(_run([sys.executable, __file__, "--populate"], env).strip().splitlines()[-1])
        print(
            f"\n{name}: migrated in {migrated:.1f} s · data in {time.perf_counter() - start:.1f} s:"
            f" {built['municipalities']} municipalities · {built['problems']} published problems ·"
            f" {built['applications']} applications addressing {built['links']} problems"
        )
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = var / "server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "core", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(server, base_url, log)
            results = asyncio.run(drive(base_url, built["edition_id"]))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print(HEADER)
        for result in results:
            print(result.line())
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _postgres_url(database: str) -> str:
    parts = urlsplit(POSTGRES_ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def _postgres(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def main() -> None:
    import asyncpg

    print(f"machine: {machine()}")
    print(
        f"load: {CONCURRENCY} concurrent clients (httpx, in this process) for {SECONDS:g} s per URL"
        f" against `python -m core serve` (one worker, scheduler off); '1 client' is {SERIAL_REQUESTS} requests"
        " one at a time"
    )
    run_engine("sqlite", None)
    try:
        asyncio.run(_postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))
        asyncio.run(_postgres(f"CREATE DATABASE {POSTGRES_DATABASE}"))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        print(f"\npostgres: skipped, cannot create a database through {POSTGRES_ADMIN_URL} ({exc})")
        return
    try:
        run_engine("postgres", _postgres_url(POSTGRES_DATABASE))
    finally:
        asyncio.run(_postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--populate"]:
        asyncio.run(populate_main())
    else:
        main()
