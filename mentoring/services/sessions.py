"""Mentoring sessions: mentors offer slots, startups book them, either side cancels with notice.

Double booking is refused by the database, not by luck. A slot is taken with a conditional
UPDATE (open -> booked), and a booked session's `active_key` ("<slot id>") is unique, so one
slot never carries two sessions. A startup's own bookings serialize on its Match rows (row
locks on PostgreSQL, the process-wide write lock on SQLite), so the overlap check of its
sessions cannot be raced either; a mentor's slots never overlap to begin with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from challenge.enums import Phase
from challenge.rules.phases import local_to_utc
from challenge.services.editions import edition_state, load_edition
from challenge.tables import StartupMember
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import format_datetime, format_range
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_, TOO_LONG
from core.tables import User
from mentoring.enums import Attendance, MatchStatus, SessionStatus, SlotStatus
from mentoring.rules import sessions as rules
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile

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
# Day, date and time without seconds, in the reader's language (a Babel pattern).
ACTIVE_SLOT = (SlotStatus.OPEN, SlotStatus.BOOKED)
NOT_CANCELLED = (SessionStatus.BOOKED, SessionStatus.HELD)


def availability_problem(starts_at: datetime, ends_at: datetime, availability: Availability) -> str | None:
    """Why a slot is outside the mentor's hours, in the reader's language; None when it is inside."""
    problem = rules.availability_problem(starts_at, ends_at, availability)
    if problem is None:
        return None
    message_id, params = problem
    return _(message_id) % {k: _(v) if k == "day" else v for k, v in params.items()}


def parse_local(raw: str) -> datetime | None:
    """A form's `datetime-local` value (wall-clock, no zone) or an ISO instant; None if unreadable."""
    try:
        return datetime.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def when(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    """A session's time, e.g. "Mon 8 Mar 2027, 10:00–11:00 CET (Europe/Belgrade)", in the reader's language."""
    return f"{format_range(starts_at, ends_at, timezone)} ({timezone})"


# --- Loading, and who is who in a session. ------------------------------------------------


async def mentor_profile(user_id: int, edition_id: int) -> dict[str, Any] | None:
    return await (
        MentorProfile.select()
        .where(MentorProfile.user == user_id, MentorProfile.edition == edition_id)
        .first()
        .output(load_json=True)
    )


async def _load_slot(slot_id: int) -> dict[str, Any]:
    slot = await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()
    if slot is None:
        raise NotFound(N_("This slot does not exist."))
    return slot


async def load_session(session_id: int) -> dict[str, Any]:
    session = await (
        MentoringSession.select(
            MentoringSession.all_columns(),
            MentoringSession.slot.edition.as_alias("edition"),
            MentoringSession.slot.location.as_alias("location"),
            MentoringSession.startup.name.as_alias("startup_name"),
        )
        .where(MentoringSession.id == session_id)
        .first()
    )
    if session is None:
        raise NotFound(N_("This session does not exist."))
    return session


async def _is_member(user_id: int, startup_id: int) -> bool:
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


async def party_of(user: CurrentUser, session: dict[str, Any]) -> Party:
    return Party(
        is_mentor=session["mentor"] == user.id,
        is_member=await _is_member(user.id, session["startup"]),
        is_organiser=user.is_organiser,
    )


def refuse(user: CurrentUser, party: Party, message: str) -> NoReturn:
    """403 for the people who know the session exists (its sides, organisers, other mentors), 404 for the rest."""
    if party.involved or user.has_role(Role.MENTOR):
        raise PermissionDenied(message)
    raise NotFound(N_("This session does not exist."))


async def _member_match(user: CurrentUser, match_id: int) -> dict[str, Any]:
    """A published match of one of the user's startups; anything else does not exist for them."""
    match = await Match.select().where(Match.id == match_id).first()
    if match is None or match["status"] != MatchStatus.PUBLISHED or not await _is_member(user.id, match["startup"]):
        raise NotFound(N_("This mentor match does not exist or is not published yet."))
    return match


def _check_bookable(slot: dict[str, Any], *, now: datetime) -> None:
    if slot["status"] != SlotStatus.OPEN:
        raise StateConflict(N_("Someone booked this slot a moment ago, or the mentor withdrew it; choose another."))
    if slot["starts_at"] <= now:
        raise StateConflict(N_("This slot has already started; choose a later one."))


def _require_notice(session: dict[str, Any], *, now: datetime) -> None:
    if session["status"] != SessionStatus.BOOKED:
        raise StateConflict(N_("This session is no longer booked."))
    if not has_notice(session["starts_at"], now=now):
        raise StateConflict(
            N_("Sessions can be cancelled or moved up to 24 hours before they start; write to the other side instead.")
        )


async def _lock_startup(startup_id: int) -> None:
    """Serialize a startup's bookings: on PostgreSQL, lock its Match rows (in id order, so no deadlock)."""
    if not db.is_sqlite():
        await Match.select(Match.id).where(Match.startup == startup_id).order_by(Match.id).lock_rows()


async def _overlapping_session(owner: Any, starts_at: datetime, ends_at: datetime) -> dict[str, Any] | None:
    return await (
        MentoringSession.select(MentoringSession.id, MentoringSession.starts_at, MentoringSession.ends_at)
        .where(
            owner,
            MentoringSession.status.is_in(list(NOT_CANCELLED)),
            MentoringSession.starts_at < ends_at,
            MentoringSession.ends_at > starts_at,
        )
        .first()
    )


async def mentoring_period(edition: dict[str, Any]) -> str | None:
    """When mentoring runs in the edition, as a sentence in the reader's language (with the
    edition's time zone); None when its timeline gives neither end."""
    timeline = (await edition_state(edition)).timeline
    opens, closes = timeline.start_of(Phase.MENTORING), timeline.end_of(Phase.MENTORING)
    if opens is None and closes is None:
        return None
    zone = edition["timezone"]
    return _("Mentoring in this edition runs from %(opens)s to %(closes)s.") % {
        "opens": format_datetime(opens, zone) if opens else "…",
        "closes": f"{format_datetime(closes, zone) if closes else '…'} ({zone})",
    }


def weekly_hours(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The profile's weekly hours per day, the day's name in the reader's language."""
    return [(_(day), hours) for day, hours in rules.weekly_hours(Availability.of(profile))]


async def _mentoring_window_problem(edition: dict[str, Any], starts_at: datetime, ends_at: datetime) -> str | None:
    timeline = (await edition_state(edition)).timeline
    opens, closes = timeline.start_of(Phase.MENTORING), timeline.end_of(Phase.MENTORING)
    if (opens and starts_at < opens) or (closes and ends_at > closes):
        zone = edition["timezone"]
        return _("Mentoring in this edition runs from %(opens)s to %(closes)s.") % {
            "opens": format_datetime(opens, zone) if opens else "…",
            "closes": format_datetime(closes, zone) if closes else "…",
        }
    return None


def _utc(moment: datetime | None, timezone: str) -> datetime | None:
    """Wall-clock time in the mentor's zone (forms), or an instant with its offset (API), as UTC;
    None when there is none, or it lies outside the calendar."""
    try:
        return None if moment is None else local_to_utc(moment, timezone).astimezone(UTC).replace(microsecond=0)
    except ValueError:
        return None


# --- Slots. -------------------------------------------------------------------------------


async def offer_slot(
    *, user: CurrentUser, edition_id: int, starts_at: datetime | None, ends_at: datetime | None, location: str
) -> int:
    """A mentor offers a time, inside their weekly hours; naive times are in the mentor's zone."""
    if not user.has_role(Role.MENTOR):
        raise PermissionDenied(N_("Only mentors offer mentoring slots."))
    edition = await load_edition(edition_id)
    profile = await mentor_profile(user.id, edition_id)
    if profile is None:
        raise StateConflict(N_("Fill in your mentor profile for this edition first: your slots must fit its hours."))
    start, end = _utc(starts_at, profile["timezone"]), _utc(ends_at, profile["timezone"])
    location = (location or "").strip()
    errors: dict[str, str] = {}
    if start is None:
        errors["starts_at"] = N_("Give a date and time.")
    if end is None:
        errors["ends_at"] = N_("Give a date and time.")
    if not location:
        errors["location"] = N_("Say where you meet: an address or a video-call link.")
    elif len(location) > MAX_LOCATION:
        errors["location"] = TOO_LONG
    if start is not None and end is not None:
        if not MIN_SLOT <= end - start <= MAX_SLOT:
            errors["ends_at"] = N_("A slot lasts from 15 minutes to 4 hours.")
        if start <= utc_now():
            errors["starts_at"] = N_("Choose a time in the future.")
        else:
            problem = availability_problem(start, end, Availability.of(profile))
            problem = problem or await _mentoring_window_problem(edition, start, end)
            if problem:
                errors["starts_at"] = problem
    if errors:
        raise ValidationFailed(errors)
    assert start is not None and end is not None
    async with db.transaction():
        if not db.is_sqlite():
            # Two offers of one mentor at once must not both pass the overlap check.
            await (
                MentorProfile.select(MentorProfile.id)
                .where(MentorProfile.user == user.id)
                .order_by(MentorProfile.id)
                .lock_rows()
            )
        clash = await (
            MentoringSlot.select(MentoringSlot.starts_at, MentoringSlot.ends_at)
            .where(
                MentoringSlot.mentor == user.id,
                MentoringSlot.status.is_in(list(ACTIVE_SLOT)),
                MentoringSlot.starts_at < end,
                MentoringSlot.ends_at > start,
            )
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                {
                    "starts_at": _("You already offer a slot that overlaps this time: %(when)s.")
                    % {"when": when(clash["starts_at"], clash["ends_at"], profile["timezone"])}
                }
            )
        slot_id = (
            await MentoringSlot.insert(
                MentoringSlot(mentor=user.id, edition=edition_id, starts_at=start, ends_at=end, location=location)
            ).returning(MentoringSlot.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="mentoring_slot.offered",
            entity="mentoring_slot",
            entity_id=slot_id,
            after={"edition": edition_id, "starts_at": start, "ends_at": end, "location": location},
        )
    return slot_id


async def withdraw_slot(*, user: CurrentUser, slot_id: int) -> None:
    """A mentor takes back an open slot; a booked one is cancelled as a session instead."""
    slot = await _load_slot(slot_id)
    if slot["mentor"] != user.id:
        raise NotFound(N_("This slot does not exist."))
    async with db.transaction():
        won = await (
            MentoringSlot.update({MentoringSlot.status: SlotStatus.WITHDRAWN})
            .where(MentoringSlot.id == slot_id, MentoringSlot.status == SlotStatus.OPEN)
            .returning(MentoringSlot.id)
        )
        if not won:
            if slot["status"] == SlotStatus.WITHDRAWN:
                raise StateConflict(N_("This slot is already withdrawn."))
            raise StateConflict(N_("This slot is booked: cancel the session instead (up to 24 hours before it)."))
        await audit.record(
            actor_id=user.id,
            action="mentoring_slot.withdrawn",
            entity="mentoring_slot",
            entity_id=slot_id,
            before={"status": slot["status"]},
            after={"status": SlotStatus.WITHDRAWN},
        )


# --- Sessions: book, cancel, reschedule. -------------------------------------------------


async def _validate_booking(user: CurrentUser, slot_id: int, match_id: int, *, field: str) -> tuple[dict, dict]:
    match = await _member_match(user, match_id)
    slot = await _load_slot(slot_id)
    if slot["mentor"] != match["mentor"] or slot["edition"] != match["edition"]:
        raise ValidationFailed({field: N_("Choose one of your mentor's open slots.")})
    _check_bookable(slot, now=utc_now())
    profile = await mentor_profile(match["mentor"], match["edition"])
    if profile is None or availability_problem(slot["starts_at"], slot["ends_at"], Availability.of(profile)):
        raise ValidationFailed(
            {field: N_("This time is no longer within the mentor's availability; choose another slot.")}
        )
    return match, slot


async def _take(*, user: CurrentUser, match: dict[str, Any], slot: dict[str, Any], now: datetime) -> int:
    """Book `slot` for `match` inside the caller's transaction; StateConflict if either side is taken."""
    await _lock_startup(match["startup"])
    # Every booking of the pair touches its Match row: on PostgreSQL the row lock orders them.
    locked = await (
        Match.update({Match.booked_at: now})
        .where(Match.id == match["id"], Match.status == MatchStatus.PUBLISHED)
        .returning(Match.id)
    )
    if not locked:
        raise StateConflict(N_("This mentor match is no longer published."))
    taken = await (
        MentoringSlot.update({MentoringSlot.status: SlotStatus.BOOKED})
        .where(MentoringSlot.id == slot["id"], MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > now)
        .returning(MentoringSlot.id)
    )
    if not taken:
        raise StateConflict(N_("Someone booked this slot a moment ago, or the mentor withdrew it; choose another."))
    clash = await _overlapping_session(MentoringSession.startup == match["startup"], slot["starts_at"], slot["ends_at"])
    if clash is not None:
        raise StateConflict(N_("Your team already has a mentoring session at that time."))
    if await _overlapping_session(MentoringSession.mentor == slot["mentor"], slot["starts_at"], slot["ends_at"]):
        raise StateConflict(N_("The mentor already has a session at that time; choose another slot."))
    try:
        return (
            await MentoringSession.insert(
                MentoringSession(
                    slot=slot["id"],
                    match=match["id"],
                    mentor=slot["mentor"],
                    startup=match["startup"],
                    starts_at=slot["starts_at"],
                    ends_at=slot["ends_at"],
                    active_key=str(slot["id"]),
                    booked_by=user.id,
                )
            ).returning(MentoringSession.id)
        )[0]["id"]
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise StateConflict(N_("Someone booked this slot a moment ago; choose another.")) from exc
        raise


async def _release(*, user: CurrentUser, session: dict[str, Any], reason: str, by_mentor: bool) -> None:
    """Cancel a booked session inside the caller's transaction and free its slot.

    The slot is offered again, unless the mentor cancelled: then they cannot make that time.
    """
    won = await (
        MentoringSession.update(
            {
                MentoringSession.status: SessionStatus.CANCELLED,
                MentoringSession.active_key: None,
                MentoringSession.cancelled_by: user.id,
                MentoringSession.cancel_reason: reason,
            }
        )
        .where(MentoringSession.id == session["id"], MentoringSession.status == SessionStatus.BOOKED)
        .returning(MentoringSession.id)
    )
    if not won:
        raise StateConflict(N_("This session was changed a moment ago; reload the page."))
    await MentoringSlot.update({MentoringSlot.status: SlotStatus.WITHDRAWN if by_mentor else SlotStatus.OPEN}).where(
        MentoringSlot.id == session["slot"], MentoringSlot.status == SlotStatus.BOOKED
    )


async def book(*, user: CurrentUser, slot_id: int, match_id: int) -> int:
    """A startup's member books one of their mentor's open slots; both sides are mailed."""
    match, slot = await _validate_booking(user, slot_id, match_id, field="slot_id")
    async with db.transaction():
        session_id = await _take(user=user, match=match, slot=slot, now=utc_now())
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.booked",
            entity="mentoring_session",
            entity_id=session_id,
            after={"slot": slot_id, "match": match_id, "starts_at": slot["starts_at"]},
        )
        session = await load_session(session_id)
        for person in await _people(session):
            await _mail(
                person, session, template="mentoring_session_booked", subject=_("Mentoring session booked: %(when)s")
            )
    return session_id


async def cancel(*, user: CurrentUser, session_id: int, reason: str) -> None:
    """Either side (or an organiser) cancels at least 24 hours ahead; everyone else involved is mailed."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.involved:
        refuse(user, party, N_("Only the mentor, the startup's team or an organiser can cancel a session."))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": TOO_LONG})
    _require_notice(session, now=utc_now())
    async with db.transaction():
        await _release(user=user, session=session, reason=reason, by_mentor=party.is_mentor)
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.cancelled",
            entity="mentoring_session",
            entity_id=session_id,
            before={"status": session["status"]},
            after={"status": SessionStatus.CANCELLED, "reason": reason},
        )
        for person in await _people(session):
            if person["id"] != user.id:
                await _mail(
                    person,
                    session,
                    template="mentoring_session_cancelled",
                    subject=_("Mentoring session cancelled: %(when)s"),
                    reason=reason,
                    by=user.name,
                )


async def reschedule(*, user: CurrentUser, session_id: int, new_slot_id: int) -> int:
    """The startup moves its session to another open slot of the same mentor, in one transaction."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.is_member:
        refuse(user, party, N_("Only the startup's team picks a new time; cancel the session instead."))
    _require_notice(session, now=utc_now())
    if new_slot_id == session["slot"]:
        raise ValidationFailed({"new_slot_id": N_("Choose a different time.")})
    match, slot = await _validate_booking(user, new_slot_id, session["match"], field="new_slot_id")
    async with db.transaction():
        await _lock_startup(match["startup"])
        await _release(user=user, session=session, reason=_("Moved to another time."), by_mentor=False)
        new_id = await _take(user=user, match=match, slot=slot, now=utc_now())
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.rescheduled",
            entity="mentoring_session",
            entity_id=session_id,
            before={"session": session_id, "slot": session["slot"], "starts_at": session["starts_at"]},
            after={"session": new_id, "slot": new_slot_id, "starts_at": slot["starts_at"]},
        )
        new_session = await load_session(new_id)
        for person in await _people(new_session):
            await _mail(
                person,
                new_session,
                template="mentoring_session_rescheduled",
                subject=_("Mentoring session moved: %(when)s"),
                old_when=when(session["starts_at"], session["ends_at"], person["timezone"]),
            )
    return new_id


# --- After the session: notes, attendance, rating. --------------------------------------


async def record_notes(*, user: CurrentUser, session_id: int, notes: str, attendance: str | None) -> None:
    """The session's mentor keeps private notes and says whether the team came."""
    session = await load_session(session_id)
    if session["mentor"] != user.id:
        party = await party_of(user, session)
        refuse(user, party, N_("Only the session's mentor writes its notes."))
    notes = (notes or "").strip()
    errors: dict[str, str] = {}
    if len(notes) > MAX_NOTES:
        errors["notes"] = TOO_LONG
    attended: Attendance | None = None
    if attendance:
        try:
            attended = Attendance(attendance)
        except ValueError:
            errors["attendance"] = N_("Choose one of the options.")
        else:
            if session["starts_at"] > utc_now():
                errors["attendance"] = N_("You can record attendance once the session has started.")
    if errors:
        raise ValidationFailed(errors)
    if session["status"] == SessionStatus.CANCELLED:
        raise StateConflict(N_("This session was cancelled."))
    status = SessionStatus.HELD if attended == Attendance.ATTENDED else SessionStatus.BOOKED
    async with db.transaction():
        won = await (
            MentoringSession.update(
                {MentoringSession.notes: notes, MentoringSession.attendance: attended, MentoringSession.status: status}
            )
            .where(MentoringSession.id == session_id, MentoringSession.status.is_in(list(NOT_CANCELLED)))
            .returning(MentoringSession.id)
        )
        if not won:
            raise StateConflict(N_("This session was cancelled."))
        # The notes themselves stay out of the audit trail: they are private to mentor and organisers.
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.notes",
            entity="mentoring_session",
            entity_id=session_id,
            before={"attendance": session["attendance"], "notes_length": len(session["notes"])},
            after={"attendance": attended, "notes_length": len(notes)},
        )


async def rate(*, user: CurrentUser, session_id: int, rating: int | None, feedback: str) -> None:
    """The startup rates a session once it has started; it may change its rating later."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.is_member:
        refuse(user, party, N_("Only the startup's team rates its sessions."))
    feedback = (feedback or "").strip()
    errors: dict[str, str] = {}
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = N_("Choose from 1 (poor) to 5 (excellent).")
    if len(feedback) > MAX_FEEDBACK:
        errors["feedback"] = TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    if session["status"] == SessionStatus.CANCELLED:
        raise StateConflict(N_("This session was cancelled; there is nothing to rate."))
    if session["starts_at"] > utc_now():
        raise StateConflict(N_("You can rate the session once it has started."))
    async with db.transaction():
        await MentoringSession.update({MentoringSession.rating: rating, MentoringSession.feedback: feedback}).where(
            MentoringSession.id == session_id
        )
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.rated",
            entity="mentoring_session",
            entity_id=session_id,
            before={"rating": session["rating"], "feedback": session["feedback"]},
            after={"rating": rating, "feedback": feedback},
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
            for person in await _people(session):
                queued += await _mail(
                    person,
                    session,
                    template="mentoring_session_reminder",
                    subject=_("Reminder: mentoring session %(when)s"),
                    once_key=f"session-reminder:{session['id']}:{person['id']}",
                )
    return queued


# --- Mail. --------------------------------------------------------------------------------


async def _people(session: dict[str, Any]) -> list[dict[str, Any]]:
    """Both sides of a session, each with the time zone they read times in and their page."""
    edition = await load_edition(session["edition"])
    profile = await mentor_profile(session["mentor"], session["edition"])
    mentor = await User.select(User.id, User.name, User.email).where(User.id == session["mentor"]).first()
    members = await StartupMember.select(
        StartupMember.user.as_alias("id"),
        StartupMember.user.name.as_alias("name"),
        StartupMember.user.email.as_alias("email"),
    ).where(StartupMember.startup == session["startup"], StartupMember.edition == session["edition"])
    mentor_zone = profile["timezone"] if profile else edition["timezone"]
    people = [
        {
            **mentor,
            "timezone": mentor_zone,
            "other": session["startup_name"],
            "link": "/mentor/sessions",
            "edition": edition,
        }
    ]
    for member in members:
        people.append(
            {
                **member,
                "timezone": edition["timezone"],
                "other": mentor["name"],
                "link": "/startup/mentoring",
                "edition": edition,
            }
        )
    return people


async def _mail(
    person: dict[str, Any],
    session: dict[str, Any],
    *,
    template: str,
    subject: str,
    once_key: str | None = None,
    **extra: Any,
) -> bool:
    moment = when(session["starts_at"], session["ends_at"], person["timezone"])
    return await queue_mail(
        to=person["email"],
        subject=subject % {"when": format_datetime(session["starts_at"], person["timezone"])},
        template=template,
        once_key=once_key,
        name=person["name"],
        other=person["other"],
        edition=person["edition"],
        when=moment,
        location=session["location"],
        link=person["link"],
        **extra,
    )
