"""The generated edition the page benchmarks share: one edition in screening (40 municipalities,
300 published problems, 2,000 startups each with one submitted application addressing 1-3
problems), built with a fixed seed and bulk-inserted through the Piccolo tables.

Runs in a child process, whose Piccolo engine comes from its DATABASE_URL (bench/applications.py,
bench/load.py and bench/rush.py start it with `--populate`).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

SEED = 2026
STARTUPS = 2_000
PUBLISHED_PROBLEMS = 300
BATCH = 250  # rows per INSERT: well under SQLite's limit on bound variables
ORGANISER_EMAIL = "organiser@bench.example.org"
PASSWORD = "bench organiser password"
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


def text_between(rng: random.Random, low: int, high: int, extra: tuple[str, ...] = ()) -> str:
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


async def insert_batched(table: Any, rows: list[Any]) -> None:
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
    await insert_batched(
        EditionPhase, [EditionPhase(edition=edition_id, phase=p, starts_at=at) for p, at in phases.items()]
    )
    organiser = User(email=ORGANISER_EMAIL, name="Bench Organiser", password_hash=password_hash, is_verified=True)
    organiser_id = (await User.insert(organiser).returning(User.id))[0]["id"]
    await Membership.insert(Membership(user=organiser_id, role=Role.ORGANISER))
    return edition_id, organiser_id


async def _problems(rng: random.Random, edition_id: int) -> list[dict[str, Any]]:
    """The municipalities and their problems; returns the published ones (id, track, endorsements)."""
    from challenge.enums import Track
    from challenge.tables import Municipality, Problem

    await insert_batched(
        Municipality,
        [
            Municipality(
                name=name, region=region, kind=kind, population=population, description=text_between(rng, 200, 500)
            )
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
                summary=text_between(rng, 150, 400),
                context=text_between(rng, 600, 1_600),
                affected_groups="Households, schools and local businesses",
                affected_count=rng.randint(200, 120_000),
                tried_before=text_between(rng, 100, 400),
                data_available=text_between(rng, 80, 300),
                sdgs=sdgs,
                sdg_tags="".join(f",{goal}," for goal in sdgs),
                endorsement_count=rng.randint(0, 80),
                contact_name="Municipal contact",
                contact_email=f"contact{n}@opstina.example.rs",
                submitted_at=submitted_at,
                published_at=submitted_at + timedelta(days=3) if published else None,
            )
        )
    await insert_batched(Problem, problems)
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
                pitch=text_between(rng, 200, 500),
            )
        )
    await insert_batched(Startup, startups)
    startup_ids = {row["name"]: row["id"] for row in await Startup.select(Startup.id, Startup.name)}
    emails = [f"founder{n}@startup.example.com" for n in range(len(names))]
    await insert_batched(
        User,
        [
            User(email=email, name=f"Founder {n}", password_hash=password_hash, is_verified=True)
            for n, email in enumerate(emails)
        ],
    )
    user_ids = {row["email"]: row["id"] for row in await User.select(User.id, User.email)}
    teams = [(startup_ids[name], user_ids[email]) for name, email in zip(names, emails, strict=True)]
    await insert_batched(
        Membership,
        [Membership(user=u, role=Role.STARTUP, edition_id=edition_id, organisation_id=s) for s, u in teams],
    )
    await insert_batched(
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
                solution=text_between(rng, 700, 2_000, SENSOR_SENTENCES if rng.random() < 0.3 else ()),
                why_us=text_between(rng, 300, 800),
                traction=text_between(rng, 150, 500),
                pilot_plan=text_between(rng, 400, 1_000),
                impact=text_between(rng, 250, 700),
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
    await insert_batched(Application, applications)
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
    await insert_batched(ApplicationProblem, links)
    await insert_batched(ApplicationEvent, events)
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
