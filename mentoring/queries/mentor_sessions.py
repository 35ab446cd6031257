"""The mentor's page (profiles, open slots, sessions, each in the mentor's time zone) and a session's notes."""

from __future__ import annotations

from datetime import datetime

import msgspec

from challenge.services.editions import load_edition
from core.auth import CurrentUser
from core.i18n import gettext as _
from core.rules import N_
from mentoring.enums import Attendance, SlotStatus
from mentoring.queries.session_views import SessionView, annotate, session_rows, split
from mentoring.records import ProfileRow, SlotRow, convert_row
from mentoring.services import sessions
from mentoring.services.sessions.access import SESSION_COLUMNS
from mentoring.tables import MentoringSession, MentoringSlot, MentorProfile


class ProfileView(ProfileRow, frozen=True, kw_only=True):
    """A profile with its edition's name, its weekly hours and the edition's mentoring period, readable."""

    edition_name: str
    hours: list[tuple[str, str]]
    mentoring_period: str | None


class SlotView(SlotRow, frozen=True, kw_only=True):
    """An open slot in the mentor's zone; `outside_hours` when the profile's hours changed since."""

    timezone: str
    outside_hours: bool


class MentorPage(msgspec.Struct, frozen=True, kw_only=True):
    profiles: list[ProfileView]
    edition_options: list[tuple[int, str]]
    slots: list[SlotView]
    # The sessions, as `SessionLists` splits them.
    upcoming: list[SessionView]
    past: list[SessionView]
    cancelled: list[SessionView]
    attendance_options: list[tuple[str, str]]
    min_notice_hours: int


class NotesPage(msgspec.Struct, frozen=True, kw_only=True):
    session: SessionView
    may_edit: bool
    attendance_options: list[tuple[str, str]]


def attendance_options() -> list[tuple[str, str]]:
    labels = {Attendance.ATTENDED: _("The team came"), Attendance.NO_SHOW: _("The team did not come")}
    return [(a.value, labels[a]) for a in Attendance]


async def _profiles(user_id: int) -> list[ProfileView]:
    rows = await (
        MentorProfile.select(*MentorProfile.all_columns(), MentorProfile.edition.name.as_alias("edition_name"))
        .where(MentorProfile.user == user_id)
        .order_by(MentorProfile.edition, ascending=False)
        .output(load_json=True)
    )
    views = []
    for row in rows:
        profile = convert_row(row, ProfileRow)
        views.append(
            ProfileView(
                **msgspec.structs.asdict(profile),
                edition_name=row["edition_name"],
                hours=sessions.weekly_hours(profile),
                mentoring_period=await sessions.mentoring_period(await load_edition(profile.edition)),
            )
        )
    return views


async def _open_slots(user_id: int, by_edition: dict[int, ProfileView], *, now: datetime) -> list[SlotView]:
    rows = await (
        MentoringSlot.select(
            *MentoringSlot.all_columns(), MentoringSlot.edition._.timezone.as_alias("edition_timezone")
        )
        .where(MentoringSlot.mentor == user_id, MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > now)
        .order_by(MentoringSlot.starts_at)
    )
    views = []
    for row in rows:
        slot = convert_row(row, SlotRow)
        profile = by_edition.get(slot.edition)
        views.append(
            SlotView(
                **msgspec.structs.asdict(slot),
                timezone=profile.timezone if profile else row["edition_timezone"],
                # A slot offered before the profile's hours changed: startups no longer see it.
                outside_hours=profile is None
                or bool(sessions.availability_problem(slot.starts_at, slot.ends_at, sessions.availability_of(profile))),
            )
        )
    return views


async def mentor_page(user: CurrentUser, *, now: datetime) -> MentorPage:
    """Profiles (one per edition), open slots ahead, sessions, each in the mentor's time zone."""
    profiles = await _profiles(user.id)
    by_edition = {p.edition: p for p in profiles}
    rows = await (
        MentoringSession.select(
            *SESSION_COLUMNS, MentoringSession.slot._.edition._.timezone.as_alias("edition_timezone")
        )
        .where(MentoringSession.mentor == user.id)
        .order_by(MentoringSession.starts_at)
    )
    zones = [row["edition_timezone"] for row in rows]
    views = []
    for row, edition_zone in zip(session_rows(rows), zones, strict=True):
        profile = by_edition.get(row.edition)
        views.append(annotate(row, now=now, timezone=profile.timezone if profile else edition_zone))
    return MentorPage(
        profiles=profiles,
        edition_options=[(p.edition, p.edition_name) for p in profiles],
        slots=await _open_slots(user.id, by_edition, now=now),
        **msgspec.structs.asdict(split(views)),
        attendance_options=attendance_options(),
        min_notice_hours=int(sessions.NOTICE.total_seconds() // 3600),
    )


async def notes_page(user: CurrentUser, session_id: int, *, now: datetime) -> NotesPage:
    """One session with its private notes: for its mentor and organisers only (others: 403/404)."""
    session = await sessions.load_session(session_id)
    if session.mentor != user.id and not user.is_organiser:
        party = await sessions.party_of(user, session)
        sessions.refuse(user, party, N_("These notes are private to the session's mentor and the organisers."))
    profile = await sessions.mentor_profile(session.mentor, session.edition)
    zone = profile.timezone if profile else (await load_edition(session.edition)).timezone
    return NotesPage(
        session=annotate(session, now=now, timezone=zone),
        may_edit=session.mentor == user.id,
        attendance_options=attendance_options(),
    )
