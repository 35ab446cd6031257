"""Submission before the deadline, withdrawal, the reminders before the deadline, and the one status move."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from challenge.enums import ApplicationStatus, Track
from challenge.records import ApplicationRow, EditionRow, convert_rows
from challenge.rules.applications import (
    TransitionRefused,
    check_transition,
    judge_submission,
)
from challenge.services import questions
from challenge.services.applications.access import (
    closed_conflict,
    deadline_of,
    ensure_member,
    load_application,
    load_questions,
    team_members,
)
from challenge.services.applications.drafts import content_of
from challenge.services.editions import load_edition
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Edition,
    Startup,
)
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.i18n import format_datetime, label
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_


async def submit_application(*, user: CurrentUser, application_id: int) -> None:
    """Submit a complete, eligible draft before the deadline: exactly once, however often clicked."""
    application = await load_application(application_id)
    await ensure_member(user, application.startup)
    edition = await load_edition(application.edition)
    deadline = await deadline_of(edition)
    verdict = judge_submission(
        await content_of(application),
        await load_questions(edition.id),
        deadline=deadline,
        now=utc_now(),
        other_active_in_track=False,
    )
    if verdict.too_late:
        raise closed_conflict(deadline, edition)
    answers = await questions.answer_problems(application_id, application.track, edition.id, submission=True)
    if verdict.missing or verdict.ineligible or answers:
        raise ValidationFailed(
            {**verdict.missing, **verdict.ineligible, **answers}, N_("Some parts are still missing.")
        )
    startup = await Startup.select(Startup.name).where(Startup.id == application.startup).first()
    problem_titles = [p["title"] for p in await _problem_titles(application_id)]
    # The move and its confirmation commit together: no submission without its mail, nor the reverse.
    async with db.transaction():
        # Checked again at the instant recorded as the submission: under a deadline rush the wait
        # for the database can carry a request checked in time past the deadline (bench/rush.py).
        now = utc_now()
        if not deadline.accepts(now):
            raise closed_conflict(deadline, edition)
        await move_status(
            user=user, application=application, new=ApplicationStatus.SUBMITTED, by_organiser=False, at=now
        )
        for member in await team_members(application.startup, edition.id):
            await queue_mail(
                to=member["email"],
                subject=_("Application received: %(edition)s") % {"edition": edition.name},
                template="application_submitted",
                name=member["name"],
                startup=startup["name"] if startup else "",
                edition=edition,
                application=application,
                problems=problem_titles,
                submitted=format_datetime(utc_now(), edition.timezone),
                track=label(Track(application.track)),
            )


async def _problem_titles(application_id: int) -> list[dict[str, Any]]:
    return await ApplicationProblem.select(ApplicationProblem.problem.title.as_alias("title")).where(
        ApplicationProblem.application == application_id
    )


async def withdraw_application(*, user: CurrentUser, application_id: int) -> None:
    application = await load_application(application_id)
    await ensure_member(user, application.startup)
    await move_status(user=user, application=application, new=ApplicationStatus.WITHDRAWN, by_organiser=False)


async def move_status(
    *,
    user: CurrentUser,
    application: ApplicationRow,
    new: ApplicationStatus,
    by_organiser: bool,
    message: str = "",
    at: datetime | None = None,
) -> None:
    old = ApplicationStatus(application.status)
    try:
        check_transition(old, new, by_organiser=by_organiser)
    except TransitionRefused:
        raise StateConflict(
            _("This application is %(status)s; that is not possible now.") % {"status": label(old)}
        ) from None
    async with db.transaction():
        now = at or utc_now()
        changes: dict[Any, Any] = {Application.status: new, Application.updated_at: now}
        if new == ApplicationStatus.SUBMITTED:
            changes[Application.submitted_at] = now
        if new == ApplicationStatus.WITHDRAWN:
            changes[Application.active_key] = None
        won = (
            await Application.update(changes)
            .where(Application.id == application.id, Application.status == old)
            .returning(Application.id)
        )
        if not won:  # the second click of a double click, or a teammate a moment earlier
            raise StateConflict(N_("This application was changed a moment ago; reload the page."))
        await ApplicationEvent.insert(
            ApplicationEvent(application=application.id, actor=user.id, from_status=old, to_status=new, message=message)
        )
        await audit.record(
            actor_id=user.id,
            action=f"application.{new.value}",
            entity="application",
            entity_id=application.id,
            edition_id=application.edition,
            before={"status": old},
            after={"status": new, **({"message": message} if message else {})},
        )


REMINDER_HOURS = (72, 24)


async def send_deadline_reminders(*, now: datetime) -> int:
    """Remind teams with an unsubmitted draft 72 h and 24 h before the deadline; each mail goes once.

    Only the most urgent reminder due is sent: a draft started 30 hours before the deadline gets
    the 24-hour one, not both at once. `once_key` makes a repeat (or a second worker) a no-op.
    """
    queued = 0
    for edition in convert_rows(await Edition.select().output(load_json=True), EditionRow):
        closes = (await deadline_of(edition)).closes_at
        if closes is None or not closes - timedelta(hours=max(REMINDER_HOURS)) <= now < closes:
            continue
        hours = min(h for h in REMINDER_HOURS if now >= closes - timedelta(hours=h))
        drafts = await Application.select(
            Application.id, Application.startup, Application.startup.name.as_alias("startup_name")
        ).where(Application.edition == edition.id, Application.status == ApplicationStatus.DRAFT)
        for draft in drafts:
            async with db.transaction():
                for member in await team_members(draft["startup"], edition.id):
                    queued += await queue_mail(
                        to=member["email"],
                        subject=_("%(hours)s hours left to submit your application") % {"hours": hours},
                        template="application_reminder",
                        once_key=f"app-deadline:{draft['id']}:{hours}:{member['id']}",
                        name=member["name"],
                        startup=draft["startup_name"],
                        edition=edition,
                        hours=hours,
                        closes=format_datetime(closes, edition.timezone),
                        application_id=draft["id"],
                    )
    return queued


async def remind_deadlines() -> int:
    return await send_deadline_reminders(now=utc_now())
