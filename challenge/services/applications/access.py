"""Who belongs to a startup, what an edition asks and until when: what every application use-case reads first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from challenge.enums import ApplicationStatus, Phase, QuestionKind
from challenge.records import ApplicationRow, EditionRow, StartupRow, convert_row
from challenge.rules.applications import (
    ApplicationWindow,
    Deadline,
    Question,
    application_window,
)
from challenge.services.editions import all_editions, edition_state
from challenge.tables import (
    Application,
    ApplicationProblem,
    EligibilityQuestion,
    Startup,
    StartupMember,
)
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, StateConflict
from core.files import FileRow
from core.i18n import format_datetime
from core.i18n import gettext as _
from core.rules import N_
from core.tables import User

# The purpose an upload takes when it becomes an application's deck (see may_read_pitch_deck).
PITCH_DECK = "pitch_deck"


async def startup_of(user: CurrentUser, edition_id: int) -> StartupRow | None:
    row = (
        await StartupMember.select(StartupMember.startup)
        .where(StartupMember.user == user.id, StartupMember.edition == edition_id)
        .first()
    )
    if row is None:
        return None
    startup = await Startup.select().where(Startup.id == row["startup"]).first().output(load_json=True)
    return None if startup is None else convert_row(startup, StartupRow)


async def ensure_member(user: CurrentUser, startup_id: int) -> None:
    if user.is_organiser:
        return
    if not await StartupMember.exists().where(StartupMember.startup == startup_id, StartupMember.user == user.id):
        # 404, not 403: another startup's application is not even confirmed to exist.
        raise NotFound(N_("This application does not exist."))


async def load_questions(edition_id: int) -> tuple[Question, ...]:
    rows = (
        await EligibilityQuestion.select()
        .where(EligibilityQuestion.edition == edition_id)
        .order_by(EligibilityQuestion.position)
        .output(load_json=True)
    )
    return tuple(
        Question(
            id=r["id"],
            kind=QuestionKind(r["kind"]),
            text=r["text"],
            required=r["required"],
            choices=tuple(r["choices"]),
            eligible_answer=r["eligible_answer"],
        )
        for r in rows
    )


async def deadline_of(edition: EditionRow | Mapping[str, Any]) -> Deadline:
    state = await edition_state(edition)
    closes = state.timeline.end_of(Phase.APPLICATIONS)
    return Deadline(closes_at=closes, grace=timedelta(minutes=state.edition.application_grace_minutes))


async def window_of(edition: EditionRow, *, now: datetime | None = None) -> ApplicationWindow:
    """What is still possible with the edition's applications at `now` (default: the clock)."""
    return application_window(await deadline_of(edition), now=now or utc_now())


async def load_application(application_id: int) -> ApplicationRow:
    row = await Application.select().where(Application.id == application_id).first().output(load_json=True)
    if row is None:
        raise NotFound(N_("This application does not exist."))
    return convert_row(row, ApplicationRow)


async def team_members(startup_id: int, edition_id: int) -> list[dict[str, Any]]:
    members = await StartupMember.select(StartupMember.user).where(
        StartupMember.startup == startup_id, StartupMember.edition == edition_id
    )
    ids = [row["user"] for row in members]
    if not ids:
        return []
    return await User.select(User.id, User.email, User.name).where(User.id.is_in(ids))


async def may_read_pitch_deck(user: CurrentUser | None, file_row: FileRow) -> bool:
    """The team, and staff of a municipality whose problem the submitted application addresses."""
    if user is None:
        return False
    application = (
        await Application.select(Application.id, Application.startup, Application.status)
        .where(Application.pitch_deck == file_row.id)
        .first()
    )
    if application is None:
        return False
    if await StartupMember.exists().where(
        StartupMember.startup == application["startup"], StartupMember.user == user.id
    ):
        return True
    staff_of = user.organisations(Role.MUNICIPALITY)
    if not staff_of or application["status"] in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        return False
    return await ApplicationProblem.exists().where(
        ApplicationProblem.application == application["id"],
        ApplicationProblem.problem.municipality.is_in(list(staff_of)),
    )


async def editions_taking_applications() -> list[EditionRow]:
    """Editions whose application phase is in force now, newest first."""
    taking = []
    for edition in await all_editions():
        if (await edition_state(edition)).phase == Phase.APPLICATIONS:
            taking.append(edition)
    return taking


def closed_conflict(deadline: Deadline, edition: EditionRow, *, new: bool = False) -> StateConflict:
    """Too late: the message says when applications closed, and what became of the draft."""
    when = format_datetime(deadline.closes_at, edition.timezone, format="long")
    if new:
        return StateConflict(
            _("Applications to %(edition)s closed on %(when)s; new applications are no longer taken.")
            % {"edition": edition.name, "when": when}
        )
    return StateConflict(
        _("Applications closed on %(when)s; your draft is kept.") % {"when": when}
        + " "
        + _("It can no longer be changed or submitted.")
    )
