"""The teams of a hackathon: the edition's applications taken into the programme, and a person's own."""

from __future__ import annotations

from challenge.enums import ApplicationStatus
from challenge.tables import Application, StartupMember

TEAM_STATUSES = (ApplicationStatus.ACCEPTED, ApplicationStatus.FINALIST)


async def applications_of_user(user_id: int, edition_id: int) -> list[int]:
    """The person's team(s) in the edition that take part in hackathons."""
    startups = [
        r["startup"]
        for r in await StartupMember.select(StartupMember.startup).where(
            StartupMember.user == user_id, StartupMember.edition == edition_id
        )
    ]
    if not startups:
        return []
    return [
        r["id"]
        for r in await Application.select(Application.id).where(
            Application.edition == edition_id,
            Application.startup.is_in(startups),
            Application.status.is_in(list(TEAM_STATUSES)),
        )
    ]
