"""An organiser's bulk status change from the screening list: what it would do, then doing it.

The list sends a scope (the ticked boxes, every application on the page, or every application
matching the filters, which is worked out again here rather than trusted from the page). The
preview names what will move, what cannot and who will be mailed; only the confirmed request
changes anything, through `applications.change_status`, the one function that moves applications.
"""

from __future__ import annotations

from dataclasses import dataclass

from challenge.enums import ApplicationStatus
from challenge.queries import screening
from challenge.rules.applications import BULK_SCOPES, bulk_request_errors, route, split_movable
from challenge.services import applications
from challenge.tables import StartupMember
from core.auth import CurrentUser
from core.errors import PermissionDenied, ValidationFailed
from core.rules import N_, TOO_LONG

MAX_MESSAGE = 4000


@dataclass(frozen=True)
class BulkTeam:
    application_id: int
    startup_name: str
    people: int
    status: ApplicationStatus
    # The statuses it passes through on the way, the chosen one last (see challenge.rules.applications.route).
    steps: tuple[ApplicationStatus, ...] = ()


@dataclass(frozen=True)
class BulkPreview:
    """What confirming would do: `moving` change status and are mailed; `staying` are left as they are."""

    status: ApplicationStatus
    moving: list[BulkTeam]
    staying: list[BulkTeam]

    @property
    def people(self) -> int:
        return sum(team.people for team in self.moving)

    @property
    def ids(self) -> list[int]:
        return [team.application_id for team in self.moving]


def _chosen(*, scope: str, ticked: list[int], shown: list[int], matching: list[int] | None) -> list[int]:
    if scope == "page":
        return shown
    if scope == "matching":
        return matching or []
    return ticked


async def preview_status_change(
    *,
    user: CurrentUser,
    edition_id: int,
    status: str,
    message: str,
    scope: str,
    ticked: list[int],
    shown: list[int],
    filters: screening.ScreeningFilters,
) -> BulkPreview:
    """The confirmation of a bulk change, or every missing part at once (`ValidationFailed`)."""
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers screen applications."))
    scope = scope if scope in BULK_SCOPES else "selected"
    matching = await screening.matching_ids(edition_id=edition_id, filters=filters) if scope == "matching" else None
    chosen = _chosen(scope=scope, ticked=ticked, shown=shown, matching=matching)
    rows = await screening.statuses_in_edition(edition_id=edition_id, application_ids=chosen)
    errors = bulk_request_errors(status=status, selected=len(rows))
    if len(message) > MAX_MESSAGE:
        errors["message"] = TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    new = ApplicationStatus(status)
    movable, _stuck = split_movable({row.id: ApplicationStatus(row.status) for row in rows}, new)
    people = await _people_per_startup(edition_id, sorted({row.startup_id for row in rows}))
    moving = set(movable)
    teams = [
        BulkTeam(
            row.id,
            row.startup_name,
            people.get(row.startup_id, 0),
            ApplicationStatus(row.status),
            route(ApplicationStatus(row.status), new) if row.id in moving else (),
        )
        for row in sorted(rows, key=lambda r: (r.startup_name.casefold(), r.id))
    ]
    return BulkPreview(
        status=new,
        moving=[t for t in teams if t.application_id in moving],
        staying=[t for t in teams if t.application_id not in moving],
    )


async def confirm_status_change(
    *, user: CurrentUser, edition_id: int, status: str, message: str, application_ids: list[int]
) -> applications.StatusChange:
    """The confirmed change: only applications of this edition, each moved and mailed by `change_status`."""
    rows = await screening.statuses_in_edition(edition_id=edition_id, application_ids=application_ids)
    errors = bulk_request_errors(status=status, selected=len(rows))
    if errors:
        raise ValidationFailed(errors)
    return await applications.change_status(
        user=user, application_ids=[row.id for row in rows], status=status, message=message, follow_route=True
    )


async def _people_per_startup(edition_id: int, startup_ids: list[int]) -> dict[int, int]:
    if not startup_ids:
        return {}
    rows = await StartupMember.select(StartupMember.startup, StartupMember.user).where(
        StartupMember.edition == edition_id, StartupMember.startup.is_in(startup_ids)
    )
    members: dict[int, set[int]] = {}
    for row in rows:
        members.setdefault(row["startup"], set()).add(row["user"])
    return {startup: len(users) for startup, users in members.items()}
