"""The organisers move applications through the screening statuses, one or many at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from challenge.enums import ApplicationStatus
from challenge.records import ApplicationRow
from challenge.rules.applications import (
    NoRoute,
    route,
)
from challenge.services.applications.access import (
    load_application,
    team_members,
)
from challenge.services.applications.submission import move_status
from challenge.services.editions import load_edition
from challenge.tables import (
    Startup,
)
from core import db
from core.auth import CurrentUser
from core.errors import StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.i18n import label
from core.mail import queue_mail
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser


@dataclass(frozen=True)
class StatusChange:
    moved: list[int]
    # Applications left as they were, with their status: a bulk change skips what it cannot move.
    skipped: list[tuple[int, str]]
    # The statuses each moved application passed through, the chosen one last (see `route`).
    routes: dict[int, tuple[ApplicationStatus, ...]] = field(default_factory=dict)
    # Applications that already had the chosen status (with follow_route: nothing to do).
    already: list[int] = field(default_factory=list)


def no_route_message(refusal: NoRoute, name: str) -> str:
    """What stands between an application and the status chosen for it, in the reader's language."""
    return _(refusal.reason) % {
        "name": name,
        "status": label(refusal.old),
        "target": label(refusal.new),
        "step": label(refusal.step) if refusal.step else "",
    }


async def _steps(
    application: ApplicationRow, new: ApplicationStatus, *, follow_route: bool
) -> tuple[ApplicationStatus, ...]:
    old = ApplicationStatus(application.status)
    if not follow_route:
        return (new,)
    try:
        return route(old, new)
    except NoRoute as refusal:
        startup = await Startup.select(Startup.name).where(Startup.id == application.startup).first()
        raise StateConflict(no_route_message(refusal, startup["name"] if startup else "")) from None


async def change_status(
    *, user: CurrentUser, application_ids: list[int], status: str, message: str = "", follow_route: bool = False
) -> StatusChange:
    """Organisers move applications (one or many) to a status; each team is mailed the message.

    Each application moves in its own transaction with its mail, so a bulk change that meets an
    application in the wrong status moves the others and names the one it skipped. With
    `follow_route`, a status further along than the next one is reached through the ones between
    (accepted -> finalist -> winner): each step is its own status change, with its event, its
    audit record and its mail (the organiser's message goes with the last), all in the one
    transaction of that application.
    """
    require_organiser(user, N_("Only organisers screen applications."))
    try:
        new = ApplicationStatus(status)
    except ValueError:
        raise ValidationFailed({"status": N_("Choose one of the options.")}) from None
    if not application_ids:
        raise ValidationFailed({"ids": N_("Select at least one application.")})
    if len(message) > 4000:
        raise ValidationFailed({"message": TOO_LONG})
    result = StatusChange(moved=[], skipped=[])
    for application_id in dict.fromkeys(application_ids):
        application = await load_application(application_id)
        edition = await load_edition(application.edition)
        try:
            steps = await _steps(application, new, follow_route=follow_route)
            if not steps:
                result.already.append(application_id)
                continue
            async with db.transaction():
                current = application
                for index, step in enumerate(steps):
                    said = message.strip() if index == len(steps) - 1 else ""
                    await move_status(user=user, application=current, new=step, by_organiser=True, message=said)
                    current = msgspec.structs.replace(current, status=step.value)
                    for member in await team_members(application.startup, edition.id):
                        await queue_mail(
                            to=member["email"],
                            subject=_("Your application: %(status)s") % {"status": label(step)},
                            template="application_status",
                            name=member["name"],
                            status=label(step),
                            message=said,
                            edition=edition,
                        )
        except StateConflict:
            if len(application_ids) == 1:
                raise
            result.skipped.append((application_id, application.status))
        else:
            result.moved.append(application_id)
            result.routes[application_id] = steps
    return result
