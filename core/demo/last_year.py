"""Last year's edition, finished: its problems, its rounds and its published winners."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from challenge.enums import ApplicationStatus, Phase, Track
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Edition,
    EditionPhase,
    Problem,
    ProblemEvent,
)
from core.clock import utc_now
from core.demo.intake import problem_form
from core.demo.people import ORGANISER
from core.demo.startups import C, R
from core.demo.story_time import TIMELINE_DAYS
from core.demo.world import ZONE, World
from judging.enums import RoundStatus
from judging.tables import Criterion, Round, RoundApplication

# Last year: (startup, track, status, problem key of 2025 or None).
PAST_PROBLEMS = [
    ("lighting", "Kragujevac", problem_form(
        "Smart street lighting", Track.SMART_CITY, "Lights burn all night on empty streets while busy ones stay dark.",
        "The 2025 edition piloted adaptive lighting on two boulevards.", "Everyone on the city's streets at night",
        170_000, "Energy bills per lighting cabinet, failure reports.", "7 11 13", "50k_200k", "public_procurement",
        "Two boulevards in the centre", "Marko Ilić")),
    ("waste", "Pirot", problem_form(
        "Odvoz otpada iz planinskih sela", Track.SMART_RURAL,
        "Kamion ide u svako selo jednom nedeljno, i pun i prazan.",
        "U 2025. opština je isprobala senzore popunjenosti kontejnera.", "Meštani 70 sela", 12_000,
        "Rute kamiona, težina otpada po turi.", "11 12", "10k_50k", "pilot", "Sela Visoka", "Ana Stanković")),
]  # fmt: skip
PAST_APPLICATIONS = [
    ("AgroSense", R, ApplicationStatus.WINNER, "waste"),
    ("ParkPulse", C, ApplicationStatus.WINNER, "lighting"),
    ("WaterWatch Balkans", R, ApplicationStatus.FINALIST, "waste"),
    ("TermoGrid", C, ApplicationStatus.FINALIST, "lighting"),
    ("TeleDoktor", R, ApplicationStatus.FINALIST, "waste"),
    ("SpotFinder", C, ApplicationStatus.REJECTED, "lighting"),
]
PAST_RUBRIC = [("Impact", 3.0), ("Feasibility", 2.0), ("Team strength", 1.0)]


async def past_edition(world: World) -> None:
    """Last year's edition, finished: its problems, its rounds and its published winners."""
    now = utc_now()
    past = await _finished_edition(now)
    problems = await _past_problems(world, past, now)
    screening, final = await _past_rounds(past)
    for name, track, status, problem in PAST_APPLICATIONS:
        await _past_application(
            past,
            name=name,
            startup=world.startups[name],
            track=track,
            status=status,
            problem=problems[problem],
            rounds=(screening, final),
            now=now,
        )


async def _finished_edition(now: datetime) -> int:
    """The 2025 edition, its timeline a year before this one's, left in its results phase."""
    past: int = (
        await Edition.insert(
            Edition(
                name="Smart Cities & Smart Rural Challenge",
                year=2025,
                slug="2025",
                timezone=ZONE,
                tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                description="The first edition: six municipalities, forty startups, three pilots.",
                applied_phase=Phase.RESULTS,
            )
        ).returning(Edition.id)
    )[0]["id"]
    for phase, days in TIMELINE_DAYS.items():
        await EditionPhase.insert(EditionPhase(edition=past, phase=phase, starts_at=now + timedelta(days=days - 365)))
    return past


async def _past_problems(world: World, past: int, now: datetime) -> dict[str, int]:
    """Last year's problems, published (written straight to the tables: no service backdates)."""
    problems: dict[str, int] = {}
    organiser = world.users[ORGANISER]
    for key, town, data in PAST_PROBLEMS:
        fields: dict[str, Any] = {
            k: v for k, v in data.items() if k not in ("sdgs", "open_data_links", "affected_count")
        }
        sdgs = [int(g) for g in data["sdgs"].split()]
        at = now - timedelta(days=500)
        problems[key] = (
            await Problem.insert(
                Problem(
                    edition=past,
                    municipality=world.municipalities[town],
                    status="published",
                    sdgs=sdgs,
                    sdg_tags="".join(f",{g}," for g in sdgs),
                    affected_count=int(data["affected_count"]),
                    open_data_links=[data["open_data_links"]],
                    submitted_at=at,
                    published_at=at,
                    **fields,
                )
            ).returning(Problem.id)
        )[0]["id"]
        for source, target in ((None, "draft"), ("draft", "submitted"), ("submitted", "published")):
            await ProblemEvent.insert(
                ProblemEvent(problem=problems[key], actor=organiser, from_status=source, to_status=target, at=at)
            )
    return problems


async def _past_rounds(past: int) -> tuple[int, int]:
    """Last year's written screening (with its rubric) and pairwise final, both published."""
    screening = (
        await Round.insert(
            Round(
                edition=past,
                name="Written screening",
                status=RoundStatus.PUBLISHED,
                position=1,
                judges_per_application=3,
                advance_count=5,
            )
        ).returning(Round.id)
    )[0]["id"]
    for position, (name, weight) in enumerate(PAST_RUBRIC, start=1):
        await Criterion.insert(Criterion(round=screening, position=position, name=name, weight=weight))
    final = (
        await Round.insert(
            Round(
                edition=past,
                name="Final",
                method="pairwise",
                entry="advanced",
                position=2,
                status=RoundStatus.PUBLISHED,
                advance_count=2,
            )
        ).returning(Round.id)
    )[0]["id"]
    return screening, final


async def _past_application(
    past: int, *, name: str, startup: int, track: str, status: str, problem: int, rounds: tuple[int, int], now: datetime
) -> None:
    """One of last year's applications, in the screening and (unless rejected) in the final."""
    screening, final = rounds
    application = (
        await Application.insert(
            Application(
                edition=past,
                startup=startup,
                track=track,
                status=status,
                solution=f"{name}: last year's pilot.",
                submitted_at=now - timedelta(days=420),
                active_key=f"{past}:{startup}:{track}",
            )
        ).returning(Application.id)
    )[0]["id"]
    await ApplicationProblem.insert(ApplicationProblem(application=application, problem=problem))
    await ApplicationEvent.insert(
        ApplicationEvent(application=application, to_status=status, at=now - timedelta(days=360))
    )
    await RoundApplication.insert(
        RoundApplication(
            round=screening,
            application=application,
            key=f"{screening}:{application}",
            advanced=status != ApplicationStatus.REJECTED,
        )
    )
    if status != ApplicationStatus.REJECTED:
        await RoundApplication.insert(
            RoundApplication(
                round=final,
                application=application,
                key=f"{final}:{application}",
                advanced=status == ApplicationStatus.WINNER,
            )
        )
