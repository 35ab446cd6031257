"""The startup's dashboard: one card per startup and edition, with its team and applications."""

from __future__ import annotations

import msgspec

from challenge.queries import applications as application_queries
from challenge.queries import screening
from challenge.queries.applications import ApplicationSummary
from challenge.queries.screening import ProblemLink, TimelineEvent
from challenge.records import Row, TeamMember
from challenge.rules.applications import ApplicationWindow
from challenge.services import applications, teams
from challenge.services.editions import load_edition


class ApplicationCard(ApplicationSummary, frozen=True, kw_only=True):
    """An application on the dashboard, with its status history and the problems it addresses."""

    timeline: list[TimelineEvent]
    problems: list[ProblemLink]


class StartupCard(Row, frozen=True, kw_only=True):
    """A startup in one edition: last year's winner and this year's draft are not mixed up."""

    id: int
    name: str
    edition_id: int
    edition_name: str
    edition_year: int
    edition_timezone: str
    team: list[TeamMember]
    window: ApplicationWindow
    applications: list[ApplicationCard]


async def _cards_of(startup_id: int, edition_id: int) -> list[ApplicationCard]:
    return [
        ApplicationCard(
            **msgspec.structs.asdict(summary),
            timeline=await screening.timeline(summary.id),
            problems=await screening.problems_of(summary.id),
        )
        for summary in await application_queries.applications_of_startup(startup_id, edition_id=edition_id)
    ]


async def startup_cards(user_id: int) -> list[StartupCard]:
    """Every startup the person belongs to, newest edition first."""
    cards = []
    for startup in await teams.startups_of_user(user_id):
        edition = await load_edition(startup.edition_id)
        cards.append(
            StartupCard(
                id=startup.id,
                name=startup.name,
                edition_id=edition.id,
                edition_name=startup.edition_name,
                edition_year=startup.edition_year,
                edition_timezone=startup.edition_timezone,
                team=[m for m in await teams.team(startup.id) if m.edition == edition.id],
                window=await applications.window_of(edition),
                applications=await _cards_of(startup.id, edition.id),
            )
        )
    return cards
