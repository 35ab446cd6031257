"""When a founder's erasure would orphan an application still in the running."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from challenge.enums import ApplicationStatus
from core.rules import N_
from core.rules.privacy import Blocker

# Applications organisers, mentors and judges are still working with: someone must answer for them.
IN_THE_RUNNING = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.FINALIST,
    }
)

LAST_FOUNDER = N_(
    "You are the last team member of %(startup)s, whose application is still in the running. "
    "Withdraw the application first, or invite a co-founder to the team so someone can answer for it."
)


@dataclass(frozen=True)
class TeamSeat:
    """The person's place in one startup's team for one edition."""

    startup_name: str
    other_members: int
    application_statuses: tuple[str, ...]


def team_blockers(seats: Iterable[TeamSeat]) -> list[Blocker]:
    """A team left with nobody behind an application in the running would be a ghost: refused.

    A team with others left loses only this member; a last member whose applications are drafts,
    withdrawn or decided leaves a startup record with no one in it (the results stay as they were).
    """
    return [
        Blocker(LAST_FOUNDER, {"startup": seat.startup_name})
        for seat in seats
        if seat.other_members == 0 and any(status in IN_THE_RUNNING for status in seat.application_statuses)
    ]
