"""The demo edition a newcomer clicks through: one edition, real-sounding places and people.

Part of the composition root (it spans the domains). Loading twice changes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from challenge.enums import ApplicationStatus, Phase, ProblemStatus, QuestionKind, SettlementKind, StartupStage, Track
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Edition,
    EditionPhase,
    EligibilityQuestion,
    Endorsement,
    Municipality,
    Problem,
    ProblemEvent,
    Startup,
    StartupMember,
)
from core import db
from core.accounts.services import grant_role
from core.auth import hash_password
from core.clock import utc_now
from core.enums import Role
from core.rules.bilingual import guess_language
from core.storage import get_storage
from core.tables import StoredFile, User
from judging.enums import RoundStatus
from judging.tables import Round, RoundApplication
from mentoring.tables import MentorProfile

DEMO_PASSWORD = "smart-challenge-demo"
EDITION_SLUG = "2026"

MUNICIPALITIES = [
    ("Novi Sad", "South Bačka", 368_967, SettlementKind.URBAN),
    ("Kragujevac", "Šumadija", 171_197, SettlementKind.URBAN),
    ("Pirot", "Pirot", 49_601, SettlementKind.MIXED),
    ("Ivanjica", "Moravica", 26_215, SettlementKind.RURAL),
    ("Kladovo", "Bor", 18_842, SettlementKind.RURAL),
]

# name, country, city, founded, website, stage, sector, pitch
STARTUPS = [
    ("AgroSense", "Serbia", "Novi Sad", 2022, "https://agrosense.example", StartupStage.PILOT, "Water and agriculture",
     "Cheap acoustic and flow sensors that find leaks in village water networks."),
    ("ParkPulse", "Serbia", "Belgrade", 2021, "https://parkpulse.example", StartupStage.MARKET, "Mobility",
     "Live parking occupancy from existing cameras, without storing a face or a plate."),
    ("WaterWatch Balkans", "North Macedonia", "Skopje", 2023, "https://waterwatch.example", StartupStage.PROTOTYPE,
     "Water", "Water quality alerts for small utilities."),
]  # fmt: skip
# A minimal valid PDF: the demo's pitch deck.
DEMO_DECK = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (email, name, role, organisation name or None)
PEOPLE = [
    ("organiser@demo.smartchallenge.rs", "Ana Organiser", Role.ORGANISER, None),
    ("staff@novisad.demo.rs", "Milan Petrović", Role.MUNICIPALITY, "Novi Sad"),
    ("staff@ivanjica.demo.rs", "Jelena Marković", Role.MUNICIPALITY, "Ivanjica"),
    ("founder@agrosense.example", "Nikola Jovanović", Role.STARTUP, "AgroSense"),
    ("ceo@parkpulse.example", "Sara Nikolić", Role.STARTUP, "ParkPulse"),
    ("mentor@demo.smartchallenge.rs", "Dragana Ilić", Role.MENTOR, None),
    ("judge@demo.smartchallenge.rs", "Prof. Zoran Stojanović", Role.JUDGE, None),
    ("resident@demo.smartchallenge.rs", "Ivana Resident", None, None),
]


async def load_demo() -> bool:
    """Load the demo edition unless it is there already. True if it was loaded now."""
    async with db.transaction():
        if await Edition.exists().where(Edition.slug == EDITION_SLUG):
            _print_logins(loaded=False)
            return False
        edition = (
            await Edition.insert(
                Edition(
                    name="Smart Cities & Smart Rural Challenge",
                    year=2026,
                    slug=EDITION_SLUG,
                    timezone="Europe/Belgrade",
                    tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                    description=(
                        "Cities, towns and villages bring real local problems; startups build and pilot "
                        "solutions with mentors; the best win a paid pilot with the municipality."
                    ),
                )
            ).returning(Edition.id)
        )[0]["id"]
        municipality_ids: dict[str, int] = {}
        for name, region, population, kind in MUNICIPALITIES:
            row = await Municipality.insert(
                Municipality(
                    name=name,
                    region=region,
                    population=population,
                    kind=kind,
                    contact_email=f"smart@{name.lower().replace(' ', '')}.demo.rs",
                )
            ).returning(Municipality.id)
            municipality_ids[name] = row[0]["id"]
        startup_ids: dict[str, int] = {}
        for name, country, city, founded, website, stage, sector, pitch in STARTUPS:
            row = await Startup.insert(
                Startup(name=name, country=country, city=city, founded_year=founded, website=website, stage=stage,
                        sector=sector, pitch=pitch)
            ).returning(Startup.id)  # fmt: skip
            startup_ids[name] = row[0]["id"]
        password_hash = hash_password(DEMO_PASSWORD)
        user_ids: dict[str, int] = {}
        for email, name, role, organisation in PEOPLE:
            user_id = (
                await User.insert(
                    User(email=email, name=name, password_hash=password_hash, is_verified=True)
                ).returning(User.id)
            )[0]["id"]
            user_ids[email] = user_id
            if role is None:
                continue
            organisation_id = None
            if role == Role.MUNICIPALITY:
                organisation_id = municipality_ids[organisation]
            elif role == Role.STARTUP:
                organisation_id = startup_ids[organisation]
                await StartupMember.insert(
                    StartupMember(startup=organisation_id, user=user_id, edition=edition, title="Founder",
                                  is_contact=True, key=f"{edition}:{user_id}")
                )  # fmt: skip
            await grant_role(
                actor_id=None,
                user_id=user_id,
                role=role,
                edition_id=None if role == Role.ORGANISER else edition,
                organisation_id=organisation_id,
            )
            user_ids[email] = user_id
        now = utc_now()
        # Applications are open now (intake is over, changes can still be resubmitted until screening).
        for phase, days in TIMELINE_DAYS.items():
            await EditionPhase.insert(EditionPhase(edition=edition, phase=phase, starts_at=now + timedelta(days=days)))
        await Edition.update({Edition.applied_phase: Phase.APPLICATIONS}).where(Edition.id == edition)
        past = await _past_edition(now)
        endorsers = [user_ids[email] for email, *_ in PEOPLE if email != "organiser@demo.smartchallenge.rs"]
        problem_ids: dict[str, int] = {}
        for number, (town, status, fields) in enumerate(PROBLEMS):
            problem_ids[fields["title"]] = await _demo_problem(
                edition_id=past if status == "past" else edition,
                municipality_id=municipality_ids[town],
                status=ProblemStatus.PUBLISHED if status == "past" else ProblemStatus(status),
                fields=fields,
                endorsers=endorsers[: (number * 3) % len(endorsers) + 1] if status in ("published", "past") else [],
                now=now - timedelta(days=20 - number),
            )
        await _demo_applications(edition, startup_ids, user_ids, problem_ids, now)
        await _past_results(past, startup_ids)
        mentor_id = user_ids["mentor@demo.smartchallenge.rs"]
        await MentorProfile.insert(
            MentorProfile(user=mentor_id, edition=edition, key=f"{edition}:{mentor_id}", organisation="NS Tech Hub",
                          bio="Ran public-procurement pilots for three Serbian cities.",
                          expertise=["public_procurement", "iot", "go_to_market"], sectors=["water", "mobility"],
                          languages=["sr", "en"], capacity=3, timezone="Europe/Belgrade",
                          availability=[[1, 16 * 60, 19 * 60], [3, 9 * 60, 12 * 60]])
        )  # fmt: skip
    await _demo_languages()
    _print_logins(loaded=True)
    return True


TIMELINE_DAYS = {
    Phase.PROBLEM_INTAKE: -40,
    Phase.APPLICATIONS: -3,
    Phase.SCREENING: 11,
    Phase.MENTORING: 60,
    Phase.HACKATHON: 100,
    Phase.FINAL_JUDGING: 102,
    Phase.RESULTS: 110,
}


def _problem(title: str, track: Track, summary: str, context: str, groups: str, count: int, data: str,
             sdgs: list[int], budget: str, path: str, location: str, contact: str) -> dict[str, Any]:  # fmt: skip
    return {
        "title": title, "track": track, "summary": summary, "context": context, "affected_groups": groups,
        "affected_count": count, "data_available": data, "sdgs": sdgs, "sdg_tags": "".join(f",{g}," for g in sdgs),
        "budget_range": budget, "procurement_path": path, "pilot_location": location, "contact_name": contact,
        "contact_email": f"{contact.split()[0].lower()}@demo.rs", "open_data_links": ["https://data.gov.rs/sr/"],
        "tried_before": "",
    }  # fmt: skip


PROBLEMS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Novi Sad",
        "published",
        _problem(
            "Cruising for parking in the city centre",
            Track.SMART_CITY,
            "Up to a third of centre traffic is drivers looking for a free space.",
            "Street parking in zones 0 and 1 is full from 9 to 17; drivers circle the blocks around the Liman bridges.",
            "Drivers, residents of the centre, public transport users",
            120_000,
            "Hourly occupancy counts from the parking company since 2022; SMS payment records.",
            [9, 11, 13],
            "50k_200k",
            "public_procurement",
            "Zone 0 around Trg slobode",
            "Milan Petrović",
        ),
    ),
    (
        "Novi Sad",
        "published",
        _problem(
            "Heat islands in high-rise neighbourhoods",
            Track.SMART_CITY,
            "Summer nights in Novo naselje stay above 25 °C; older residents suffer most.",
            "Large paved yards, few trees; the city wants to know where shade and green roofs help most.",
            "Residents over 65, children in four schools",
            38_000,
            "Satellite land-surface temperature maps; ambulance call-outs by address.",
            [3, 11, 13],
            "10k_50k",
            "pilot",
            "Novo naselje",
            "Milan Petrović",
        ),
    ),
    (
        "Kragujevac",
        "published",
        _problem(
            "Predicting failures in the district heating network",
            Track.SMART_CITY,
            "Pipe bursts in winter leave whole blocks without heat for days.",
            "The network is 50 years old in places; repairs are planned by age, not by risk.",
            "Households connected to district heating",
            52_000,
            "Ten years of failure records, pipe ages and materials, supply temperatures.",
            [7, 9, 11],
            "50k_200k",
            "co_funding",
            "Aerodrom and Pivara neighbourhoods",
            "Marko Ilić",
        ),
    ),
    (
        "Ivanjica",
        "published",
        _problem(
            "Drinking water losses in village networks",
            Track.SMART_RURAL,
            "A third of the water pumped never reaches a tap.",
            "Old pipes and no metering between the pumping station and 14 villages; leaks are found by chance.",
            "Households in 14 villages, two schools",
            4_200,
            "Monthly pumping volumes since 2019; network plans on paper.",
            [6, 11],
            "10k_50k",
            "pilot",
            "Kušići and Bratljevo",
            "Jelena Marković",
        ),
    ),
    (
        "Kladovo",
        "published",
        _problem(
            "School transport for scattered villages",
            Track.SMART_RURAL,
            "Children from hamlets along the Danube walk up to 4 km to the school bus.",
            "Bus routes were drawn 20 years ago; families have moved, the roads have not changed.",
            "Pupils and parents in 11 villages",
            650,
            "Pupil addresses (anonymised), bus timetables, road categories.",
            [4, 10, 11],
            "under_10k",
            "pilot",
            "Villages of Kladovo municipality",
            "Dragan Jović",
        ),
    ),
    (
        "Pirot",
        "submitted",
        _problem(
            "Visitor flows on Stara planina",
            Track.SMART_RURAL,
            "Weekend crowds overload the roads and the nature park's trails.",
            "The municipality wants to guide visitors before they leave home.",
            "Villages on the mountain road, park rangers, tourists",
            9_000,
            "Parking counts at Babin zub, ski lift passes.",
            [8, 12, 15],
            "10k_50k",
            "pilot",
            "Babin zub and Jabučko ravnište",
            "Ana Stanković",
        ),
    ),
    (
        "Ivanjica",
        "draft",
        {"title": "Snow clearing priorities for mountain roads", "sdgs": [], "sdg_tags": "", "open_data_links": []},
    ),
    (
        "Kragujevac",
        "past",
        _problem(
            "Smart street lighting",
            Track.SMART_CITY,
            "Lights burn all night on empty streets while busy ones stay dark.",
            "The 2025 edition piloted adaptive lighting on two boulevards.",
            "Everyone on the city's streets at night",
            170_000,
            "Energy bills per lighting cabinet, failure reports.",
            [7, 11, 13],
            "50k_200k",
            "public_procurement",
            "Two boulevards in the centre",
            "Marko Ilić",
        ),
    ),
]


async def _past_edition(now: datetime) -> int:
    """Last year's edition, finished, so past editions can be browsed."""
    past = (
        await Edition.insert(
            Edition(
                name="Smart Cities & Smart Rural Challenge",
                year=2025,
                slug="2025",
                timezone="Europe/Belgrade",
                tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                description="The first edition: six municipalities, forty startups, three pilots.",
                applied_phase=Phase.RESULTS,
            )
        ).returning(Edition.id)
    )[0]["id"]
    for phase, days in TIMELINE_DAYS.items():
        await EditionPhase.insert(EditionPhase(edition=past, phase=phase, starts_at=now + timedelta(days=days - 365)))
    return past


async def _demo_problem(
    *, edition_id: int, municipality_id: int, status: ProblemStatus, fields: dict[str, Any], endorsers: list[int],
    now: datetime,
) -> int:  # fmt: skip
    submitted = status != ProblemStatus.DRAFT
    problem_id = (
        await Problem.insert(
            Problem(
                edition=edition_id, municipality=municipality_id, status=status,
                endorsement_count=len(endorsers), submitted_at=now if submitted else None,
                published_at=now if status == ProblemStatus.PUBLISHED else None, **fields,
            )
        ).returning(Problem.id)
    )[0]["id"]  # fmt: skip
    await ProblemEvent.insert(ProblemEvent(problem=problem_id, to_status=ProblemStatus.DRAFT, at=now))
    if submitted:
        await ProblemEvent.insert(
            ProblemEvent(problem=problem_id, from_status=ProblemStatus.DRAFT, to_status=ProblemStatus.SUBMITTED, at=now)
        )
    if status == ProblemStatus.PUBLISHED:
        await ProblemEvent.insert(
            ProblemEvent(problem=problem_id, from_status=ProblemStatus.SUBMITTED, to_status=status, at=now)
        )
    for user_id in endorsers:
        await Endorsement.insert(Endorsement(problem=problem_id, user=user_id, key=f"{problem_id}:{user_id}"))
    return problem_id


async def _demo_applications(
    edition: int, startups: dict[str, int], users: dict[str, int], problems: dict[str, int], now: datetime
) -> None:
    """AgroSense has submitted (with a deck), ParkPulse has a draft: both sides of the deadline."""
    await EligibilityQuestion.insert(
        EligibilityQuestion(edition=edition, position=1, kind=QuestionKind.YES_NO, required=True,
                            text="Is your company registered in a Western Balkans country?",
                            eligible_answer="yes"),
    )  # fmt: skip
    question = (await EligibilityQuestion.select(EligibilityQuestion.id).first())["id"]
    writer = get_storage().writer()
    writer.write(DEMO_DECK)
    writer.commit()
    founder = users["founder@agrosense.example"]
    deck = (
        await StoredFile.insert(
            StoredFile(key=writer.key, original_name="AgroSense-pitch.pdf", content_type="application/pdf",
                       size=len(DEMO_DECK), sha256=hashlib.sha256(DEMO_DECK).hexdigest(), owner=founder,
                       purpose="pitch_deck")
        ).returning(StoredFile.id)
    )[0]["id"]  # fmt: skip
    drafts = [
        ("AgroSense", founder, Track.SMART_RURAL, ["Drinking water losses in village networks"], deck, True, {
            "solution": "Clip-on acoustic sensors on the main pipes and flow meters at the village inlets, read over "
                        "LoRaWAN; an alert names the pipe section that leaks.",
            "why_us": "Two utilities in Vojvodina run our sensors; our team has a hydraulic engineer.",
            "traction": "Two paid pilots, 140 sensors in the field.",
            "pilot_plan": "Eight weeks in Kušići and Bratljevo with the utility: 30 sensors, weekly reports.",
            "impact": "A third less water lost; fewer days without water in summer.",
        }),
        ("ParkPulse", users["ceo@parkpulse.example"], Track.SMART_CITY, ["Cruising for parking in the city centre"],
         None, False, {"solution": "Occupancy from the city's existing cameras, processed on the camera."}),
    ]  # fmt: skip
    for name, author, track, titles, deck_id, submitted, texts in drafts:
        application = (
            await Application.insert(
                Application(edition=edition, startup=startups[name], track=track, updated_by=author,
                            active_key=f"{edition}:{startups[name]}:{track}", pitch_deck=deck_id,
                            status=ApplicationStatus.SUBMITTED if submitted else ApplicationStatus.DRAFT,
                            submitted_at=now - timedelta(days=1) if submitted else None, sdgs=[6, 11],
                            support_needed=["public_procurement", "iot"], answers={str(question): "yes"}, **texts)
            ).returning(Application.id)
        )[0]["id"]  # fmt: skip
        for title in titles:
            if title in problems:
                await ApplicationProblem.insert(ApplicationProblem(application=application, problem=problems[title]))
        await ApplicationEvent.insert(
            ApplicationEvent(application=application, actor=author, to_status=ApplicationStatus.DRAFT,
                             at=now - timedelta(days=2))
        )  # fmt: skip
        if submitted:
            await ApplicationEvent.insert(
                ApplicationEvent(application=application, actor=author, from_status=ApplicationStatus.DRAFT,
                                 to_status=ApplicationStatus.SUBMITTED, at=now - timedelta(days=1))
            )  # fmt: skip


async def _past_results(past: int, startups: dict[str, int]) -> None:
    """Last year's published final, so its results page has winners to show."""
    outcomes = [("AgroSense", Track.SMART_RURAL, ApplicationStatus.WINNER),
                ("ParkPulse", Track.SMART_CITY, ApplicationStatus.WINNER),
                ("WaterWatch Balkans", Track.SMART_RURAL, ApplicationStatus.FINALIST)]  # fmt: skip
    final = (await Round.insert(Round(edition=past, name="Final", status=RoundStatus.PUBLISHED)).returning(Round.id))[
        0
    ]["id"]
    for name, track, status in outcomes:
        application = (
            await Application.insert(
                Application(edition=past, startup=startups[name], track=track, status=status,
                            solution=f"{name}: last year's pilot.", active_key=f"{past}:{startups[name]}:{track}")
            ).returning(Application.id)
        )[0]["id"]  # fmt: skip
        await RoundApplication.insert(
            RoundApplication(round=final, application=application, key=f"{final}:{application}",
                             advanced=status == ApplicationStatus.WINNER)
        )  # fmt: skip


# A few demo texts in both languages, found by either version's title: (English, Serbian) for
# title, summary and context (a missing context stays in the language written).
DEMO_TRANSLATIONS = [
    (("Drinking water losses in village networks", "Gubici pitke vode u seoskim mrežama"),
     ("A third of the water pumped never reaches a tap.", "Trećina ispumpane vode nikada ne stigne do slavine."),
     ("Old pipes and no metering between the pumping station and 14 villages; leaks are found by chance.",
      "Stare cevi i nema merenja između crpne stanice i 14 sela; curenja se otkrivaju slučajno.")),
    (("Cruising for parking in the city centre", "Kruženje u potrazi za parkingom u centru grada"),
     ("Up to a third of centre traffic is drivers looking for a free space.",
      "Do trećine saobraćaja u centru čine vozači koji traže slobodno mesto."),
     ("", "")),
    (("School transport for scattered villages", "Školski prevoz za raštrkana sela"),
     ("Children from hamlets along the Danube walk up to 4 km to the school bus.",
      "Deca iz zaseoka duž Dunava pešače i do 4 km do školskog autobusa."),
     ("", "")),
    (("Smart Cities & Smart Rural Challenge", "Izazov pametnih gradova i pametnih sela"),
     ("Cities, towns and villages bring real local problems; startups build and pilot solutions with mentors; "
      "the best win a paid pilot with the municipality.",
      "Gradovi, varoši i sela donose stvarne lokalne probleme; startapi sa mentorima grade i isprobavaju rešenja; "
      "najbolji dobijaju plaćeni pilot-projekat sa opštinom."),
     ("", "")),
]  # fmt: skip


async def _demo_languages() -> None:
    """Record the language each demo problem and edition is written in, and give a few of them
    their version in the other language (Serbian and English readers each see their own)."""
    by_title = {title: (index, column) for index, texts in enumerate(DEMO_TRANSLATIONS)
                for column, title in enumerate(texts[0])}  # fmt: skip
    for table, fields in ((Problem, ("title", "summary", "context")), (Edition, ("name", "description", None))):
        for row in await table.select(table.id, *(table._meta.get_column_by_name(f) for f in fields if f)):
            language = guess_language(" ".join(str(row[f]) for f in fields if f))
            values: dict[str, str] = {"language": language}
            if row[fields[0]] in by_title:
                index, written = by_title[row[fields[0]]]
                other = 1 - written
                for field, texts in zip(fields, DEMO_TRANSLATIONS[index], strict=True):
                    if field and texts[other]:
                        values[f"translated_{field}"] = texts[other]
                values["language"] = "en" if written == 0 else "sr"
            await table.update(values).where(table.id == row["id"])


def _print_logins(*, loaded: bool) -> None:
    print("Demo edition " + ("loaded." if loaded else "already present."))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, organisation in PEOPLE:
        what = (role.value if role else "resident") + (f" of {organisation}" if organisation else "")
        print(f"  {email:40} {what}")
