"""Startups book their mentor's open slots, either side cancels with notice, the startup moves a session.

Double booking is refused by the database, not by luck. A slot is taken with a conditional
UPDATE (open -> booked), and a booked session's `active_key` ("<slot id>") is unique, so one
slot never carries two sessions. A startup's own bookings serialize on its Match rows (row
locks on PostgreSQL, the process-wide write lock on SQLite), so the overlap check of its
sessions cannot be raced either; a mentor's slots never overlap to begin with.
"""

from __future__ import annotations

from datetime import datetime

from piccolo.columns.combination import Where

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from mentoring.enums import MatchStatus, SessionStatus, SlotStatus
from mentoring.records import MatchRow, SessionRow, SlotRow, convert_row
from mentoring.schemas import BookIn, CancelIn, RescheduleIn
from mentoring.services.sessions.access import (
    MAX_REASON,
    NOT_CANCELLED,
    availability_of,
    availability_problem,
    has_notice,
    is_member,
    load_session,
    load_slot,
    mentor_profile,
    party_of,
    refuse,
    when,
)
from mentoring.services.sessions.mail import mail, people
from mentoring.tables import Match, MentoringSession, MentoringSlot


async def _member_match(user: CurrentUser, match_id: int) -> MatchRow:
    """A published match of one of the user's startups; anything else does not exist for them."""
    row = await Match.select().where(Match.id == match_id).first().output(load_json=True)
    match = None if row is None else convert_row(row, MatchRow)
    if match is None or match.status != MatchStatus.PUBLISHED or not await is_member(user.id, match.startup):
        raise NotFound(N_("This mentor match does not exist or is not published yet."))
    return match


def _check_bookable(slot: SlotRow, *, now: datetime) -> None:
    if slot.status != SlotStatus.OPEN:
        raise StateConflict(N_("Someone booked this slot a moment ago, or the mentor withdrew it; choose another."))
    if slot.starts_at <= now:
        raise StateConflict(N_("This slot has already started; choose a later one."))


def _require_notice(session: SessionRow, *, now: datetime) -> None:
    if session.status != SessionStatus.BOOKED:
        raise StateConflict(N_("This session is no longer booked."))
    if not has_notice(session.starts_at, now=now):
        raise StateConflict(
            N_("Sessions can be cancelled or moved up to 24 hours before they start; write to the other side instead.")
        )


async def _lock_startup(startup_id: int) -> None:
    """Serialize a startup's bookings: on PostgreSQL, lock its Match rows (in id order, so no deadlock)."""
    if not db.is_sqlite():
        await Match.select(Match.id).where(Match.startup == startup_id).order_by(Match.id).lock_rows()


async def _overlaps(owner: Where, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the owner (a startup or a mentor) already has a session that is not cancelled then."""
    clash = await (
        MentoringSession.select(MentoringSession.id)
        .where(
            owner,
            MentoringSession.status.is_in(list(NOT_CANCELLED)),
            MentoringSession.starts_at < ends_at,
            MentoringSession.ends_at > starts_at,
        )
        .first()
    )
    return clash is not None


async def _validate_booking(user: CurrentUser, slot_id: int, match_id: int, *, field: str) -> tuple[MatchRow, SlotRow]:
    match = await _member_match(user, match_id)
    slot = await load_slot(slot_id)
    if slot.mentor != match.mentor or slot.edition != match.edition:
        raise ValidationFailed({field: N_("Choose one of your mentor's open slots.")})
    _check_bookable(slot, now=utc_now())
    profile = await mentor_profile(match.mentor, match.edition)
    if profile is None or availability_problem(slot.starts_at, slot.ends_at, availability_of(profile)):
        raise ValidationFailed(
            {field: N_("This time is no longer within the mentor's availability; choose another slot.")}
        )
    return match, slot


async def _take(*, user: CurrentUser, match: MatchRow, slot: SlotRow, now: datetime) -> int:
    """Book `slot` for `match` inside the caller's transaction; StateConflict if either side is taken."""
    await _lock_startup(match.startup)
    # Every booking of the pair touches its Match row: on PostgreSQL the row lock orders them.
    locked = await (
        Match.update({Match.booked_at: now})
        .where(Match.id == match.id, Match.status == MatchStatus.PUBLISHED)
        .returning(Match.id)
    )
    if not locked:
        raise StateConflict(N_("This mentor match is no longer published."))
    taken = await (
        MentoringSlot.update({MentoringSlot.status: SlotStatus.BOOKED})
        .where(MentoringSlot.id == slot.id, MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > now)
        .returning(MentoringSlot.id)
    )
    if not taken:
        raise StateConflict(N_("Someone booked this slot a moment ago, or the mentor withdrew it; choose another."))
    if await _overlaps(MentoringSession.startup == match.startup, slot.starts_at, slot.ends_at):
        raise StateConflict(N_("Your team already has a mentoring session at that time."))
    if await _overlaps(MentoringSession.mentor == slot.mentor, slot.starts_at, slot.ends_at):
        raise StateConflict(N_("The mentor already has a session at that time; choose another slot."))
    try:
        inserted = await MentoringSession.insert(
            MentoringSession(
                slot=slot.id,
                match=match.id,
                mentor=slot.mentor,
                startup=match.startup,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                active_key=str(slot.id),
                booked_by=user.id,
            )
        ).returning(MentoringSession.id)
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise StateConflict(N_("Someone booked this slot a moment ago; choose another.")) from exc
        raise
    session_id: int = inserted[0]["id"]
    return session_id


async def _release(*, user: CurrentUser, session: SessionRow, reason: str, by_mentor: bool) -> None:
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
        .where(MentoringSession.id == session.id, MentoringSession.status == SessionStatus.BOOKED)
        .returning(MentoringSession.id)
    )
    if not won:
        raise StateConflict(N_("This session was changed a moment ago; reload the page."))
    await MentoringSlot.update({MentoringSlot.status: SlotStatus.WITHDRAWN if by_mentor else SlotStatus.OPEN}).where(
        MentoringSlot.id == session.slot, MentoringSlot.status == SlotStatus.BOOKED
    )


async def book(*, user: CurrentUser, booking: BookIn) -> int:
    """A startup's member books one of their mentor's open slots; both sides are mailed."""
    match, slot = await _validate_booking(user, booking.slot_id, booking.match_id, field="slot_id")
    async with db.transaction():
        session_id = await _take(user=user, match=match, slot=slot, now=utc_now())
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.booked",
            entity="mentoring_session",
            entity_id=session_id,
            after={"slot": booking.slot_id, "match": booking.match_id, "starts_at": slot.starts_at},
        )
        session = await load_session(session_id)
        for person in await people(session):
            await mail(
                person, session, template="mentoring_session_booked", subject=_("Mentoring session booked: %(when)s")
            )
    return session_id


async def cancel(*, user: CurrentUser, session_id: int, cancellation: CancelIn) -> None:
    """Either side (or an organiser) cancels at least 24 hours ahead; everyone else involved is mailed."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.involved:
        refuse(user, party, N_("Only the mentor, the startup's team or an organiser can cancel a session."))
    reason = (cancellation.reason or "").strip()
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
            before={"status": session.status},
            after={"status": SessionStatus.CANCELLED, "reason": reason},
        )
        for person in await people(session):
            if person.id != user.id:
                await mail(
                    person,
                    session,
                    template="mentoring_session_cancelled",
                    subject=_("Mentoring session cancelled: %(when)s"),
                    reason=reason,
                    by=user.name,
                )


async def reschedule(*, user: CurrentUser, session_id: int, move: RescheduleIn) -> int:
    """The startup moves its session to another open slot of the same mentor, in one transaction."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.is_member:
        refuse(user, party, N_("Only the startup's team picks a new time; cancel the session instead."))
    _require_notice(session, now=utc_now())
    new_slot_id = move.new_slot_id
    if new_slot_id == session.slot:
        raise ValidationFailed({"new_slot_id": N_("Choose a different time.")})
    match, slot = await _validate_booking(user, new_slot_id, session.match, field="new_slot_id")
    async with db.transaction():
        await _lock_startup(match.startup)
        await _release(user=user, session=session, reason=_("Moved to another time."), by_mentor=False)
        new_id = await _take(user=user, match=match, slot=slot, now=utc_now())
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.rescheduled",
            entity="mentoring_session",
            entity_id=session_id,
            before={"session": session_id, "slot": session.slot, "starts_at": session.starts_at},
            after={"session": new_id, "slot": new_slot_id, "starts_at": slot.starts_at},
        )
        new_session = await load_session(new_id)
        for person in await people(new_session):
            await mail(
                person,
                new_session,
                template="mentoring_session_rescheduled",
                subject=_("Mentoring session moved: %(when)s"),
                old_when=when(session.starts_at, session.ends_at, person.timezone),
            )
    return new_id
