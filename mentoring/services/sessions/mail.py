"""Mail about a session to both its sides, each in the time zone they read times in; the reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from challenge.records import EditionRow
from challenge.services.editions import load_edition
from challenge.tables import StartupMember
from core import db
from core.errors import NotFound
from core.i18n import format_datetime
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_
from core.tables import User
from mentoring.enums import SessionStatus
from mentoring.records import SessionRow
from mentoring.services.sessions.access import REMINDER_LEAD, load_session, mentor_profile, when
from mentoring.tables import MentoringSession


@dataclass(frozen=True)
class Person:
    """One side of a session as its mail addresses them: the other side's name, their page."""

    id: int
    name: str
    email: str
    timezone: str
    other: str
    link: str
    edition: EditionRow


async def people(session: SessionRow) -> list[Person]:
    """Both sides of a session, each with the time zone they read times in and their page."""
    edition = await load_edition(session.edition)
    profile = await mentor_profile(session.mentor, session.edition)
    mentor = await User.select(User.id, User.name, User.email).where(User.id == session.mentor).first()
    if mentor is None:  # a session's mentor is a foreign key: the row is there
        raise NotFound(N_("This session does not exist."))
    members = await StartupMember.select(
        StartupMember.user.as_alias("id"),
        StartupMember.user.name.as_alias("name"),
        StartupMember.user.email.as_alias("email"),
    ).where(StartupMember.startup == session.startup, StartupMember.edition == session.edition)
    mentor_zone = profile.timezone if profile else edition.timezone
    found = [
        Person(
            id=mentor["id"],
            name=mentor["name"],
            email=mentor["email"],
            timezone=mentor_zone,
            other=session.startup_name,
            link="/mentor/sessions",
            edition=edition,
        )
    ]
    for member in members:
        found.append(
            Person(
                id=member["id"],
                name=member["name"],
                email=member["email"],
                timezone=edition.timezone,
                other=mentor["name"],
                link="/startup/mentoring",
                edition=edition,
            )
        )
    return found


async def mail(
    person: Person,
    session: SessionRow,
    *,
    template: str,
    subject: str,
    once_key: str | None = None,
    **extra: Any,
) -> bool:
    moment = when(session.starts_at, session.ends_at, person.timezone)
    return await queue_mail(
        to=person.email,
        subject=subject % {"when": format_datetime(session.starts_at, person.timezone)},
        template=template,
        once_key=once_key,
        name=person.name,
        other=person.other,
        edition=person.edition,
        when=moment,
        location=session.location,
        link=person.link,
        **extra,
    )


async def send_session_reminders(*, now: datetime) -> int:
    """Mail both sides of every session starting within 24 hours, once per person and session."""
    due = await MentoringSession.select(MentoringSession.id).where(
        MentoringSession.status == SessionStatus.BOOKED,
        MentoringSession.starts_at > now,
        MentoringSession.starts_at <= now + REMINDER_LEAD,
    )
    queued = 0
    for row in due:
        session = await load_session(row["id"])
        async with db.transaction():
            for person in await people(session):
                queued += await mail(
                    person,
                    session,
                    template="mentoring_session_reminder",
                    subject=_("Reminder: mentoring session %(when)s"),
                    once_key=f"session-reminder:{session.id}:{person.id}",
                )
    return queued
