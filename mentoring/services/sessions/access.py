"""Loading a session's pieces, who is who in a session, and its times in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from challenge.enums import Phase
from challenge.records import EditionRow
from challenge.rules.phases import local_to_utc
from challenge.services.editions import edition_state
from challenge.tables import StartupMember
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, PermissionDenied
from core.i18n import format_datetime, format_range
from core.i18n import gettext as _
from core.rules import N_
from mentoring.enums import SessionStatus, SlotStatus
from mentoring.records import ProfileRow, SessionRow, SlotRow, convert_row
from mentoring.rules import sessions as rules
from mentoring.tables import MentoringSession, MentoringSlot, MentorProfile

Availability = rules.Availability
has_notice = rules.has_notice
NOTICE = rules.NOTICE
MIN_SLOT = timedelta(minutes=15)
MAX_SLOT = timedelta(hours=4)
REMINDER_LEAD = timedelta(hours=24)
MAX_LOCATION = 300
MAX_REASON = 1000
MAX_NOTES = 20_000
MAX_FEEDBACK = 4000
ACTIVE_SLOT = (SlotStatus.OPEN, SlotStatus.BOOKED)
NOT_CANCELLED = (SessionStatus.BOOKED, SessionStatus.HELD)

# A session with the names of its sides, its place and its edition: what `SessionRow` holds.
SESSION_COLUMNS = (
    *MentoringSession.all_columns(),
    MentoringSession.startup.name.as_alias("startup_name"),
    MentoringSession.mentor.name.as_alias("mentor_name"),
    MentoringSession.slot.location.as_alias("location"),
    MentoringSession.slot.edition.as_alias("edition"),
)


def availability_of(profile: ProfileRow) -> Availability:
    """The profile's weekly hours and days off, as the session rules read them."""
    return Availability(
        timezone=profile.timezone,
        windows=tuple((int(d), int(s), int(e)) for d, s, e in profile.availability),
        blackout_dates=frozenset(profile.blackout_dates),
    )


def availability_problem(starts_at: datetime, ends_at: datetime, availability: Availability) -> str | None:
    """Why a slot is outside the mentor's hours, in the reader's language; None when it is inside."""
    problem = rules.availability_problem(starts_at, ends_at, availability)
    if problem is None:
        return None
    message_id, params = problem
    return _(message_id) % {k: _(v) if k == "day" else v for k, v in params.items()}


def when(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    """A session's time, e.g. "Mon 8 Mar 2027, 10:00–11:00 CET (Europe/Belgrade)", in the reader's language."""
    return f"{format_range(starts_at, ends_at, timezone)} ({timezone})"


def weekly_hours(profile: ProfileRow) -> list[tuple[str, str]]:
    """The profile's weekly hours per day, the day's name in the reader's language."""
    return [(_(day), hours) for day, hours in rules.weekly_hours(availability_of(profile))]


async def mentoring_period(edition: EditionRow) -> str | None:
    """When mentoring runs in the edition, as a sentence in the reader's language (with the
    edition's time zone); None when its timeline gives neither end."""
    timeline = (await edition_state(edition)).timeline
    opens, closes = timeline.start_of(Phase.MENTORING), timeline.end_of(Phase.MENTORING)
    if opens is None and closes is None:
        return None
    zone = edition.timezone
    return _("Mentoring in this edition runs from %(opens)s to %(closes)s.") % {
        "opens": format_datetime(opens, zone) if opens else "…",
        "closes": f"{format_datetime(closes, zone) if closes else '…'} ({zone})",
    }


async def mentoring_window_problem(edition: EditionRow, starts_at: datetime, ends_at: datetime) -> str | None:
    """Why a slot lies outside the edition's mentoring phase; None when it lies inside."""
    timeline = (await edition_state(edition)).timeline
    opens, closes = timeline.start_of(Phase.MENTORING), timeline.end_of(Phase.MENTORING)
    if (opens and starts_at < opens) or (closes and ends_at > closes):
        zone = edition.timezone
        return _("Mentoring in this edition runs from %(opens)s to %(closes)s.") % {
            "opens": format_datetime(opens, zone) if opens else "…",
            "closes": format_datetime(closes, zone) if closes else "…",
        }
    return None


def to_utc(moment: datetime | None, timezone: str) -> datetime | None:
    """Wall-clock time in the mentor's zone (forms), or an instant with its offset (API), as UTC;
    None when there is none, or it lies outside the calendar."""
    try:
        return None if moment is None else local_to_utc(moment, timezone).astimezone(UTC).replace(microsecond=0)
    except ValueError:
        return None


# --- Loading. -------------------------------------------------------------------------------


async def mentor_profile(user_id: int, edition_id: int) -> ProfileRow | None:
    row = await (
        MentorProfile.select()
        .where(MentorProfile.user == user_id, MentorProfile.edition == edition_id)
        .first()
        .output(load_json=True)
    )
    return None if row is None else convert_row(row, ProfileRow)


async def load_slot(slot_id: int) -> SlotRow:
    slot = await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()
    if slot is None:
        raise NotFound(N_("This slot does not exist."))
    return convert_row(slot, SlotRow)


async def load_session(session_id: int) -> SessionRow:
    session = await MentoringSession.select(*SESSION_COLUMNS).where(MentoringSession.id == session_id).first()
    if session is None:
        raise NotFound(N_("This session does not exist."))
    return convert_row(session, SessionRow)


# --- Who is who. ----------------------------------------------------------------------------


async def is_member(user_id: int, startup_id: int) -> bool:
    return await StartupMember.exists().where(StartupMember.startup == startup_id, StartupMember.user == user_id)


@dataclass(frozen=True)
class Party:
    """How a person stands to a session."""

    is_mentor: bool
    is_member: bool
    is_organiser: bool

    @property
    def involved(self) -> bool:
        return self.is_mentor or self.is_member or self.is_organiser


async def party_of(user: CurrentUser, session: SessionRow) -> Party:
    return Party(
        is_mentor=session.mentor == user.id,
        is_member=await is_member(user.id, session.startup),
        is_organiser=user.is_organiser,
    )


def refuse(user: CurrentUser, party: Party, message: str) -> NoReturn:
    """403 for the people who know the session exists (its sides, organisers, other mentors), 404 for the rest."""
    if party.involved or user.has_role(Role.MENTOR):
        raise PermissionDenied(message)
    raise NotFound(N_("This session does not exist."))
