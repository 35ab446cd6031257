"""After a session: the mentor's private notes and attendance, the startup's rating."""

from __future__ import annotations

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.rules import N_, TOO_LONG
from mentoring.enums import Attendance, SessionStatus
from mentoring.records import SessionRow
from mentoring.schemas import NotesIn, SessionRating
from mentoring.services.sessions.access import MAX_FEEDBACK, MAX_NOTES, NOT_CANCELLED, load_session, party_of, refuse
from mentoring.tables import MentoringSession


def _attendance(raw: str | None, session: SessionRow, errors: dict[str, str]) -> Attendance | None:
    """The attendance given, if any; a problem with it goes into `errors`."""
    if not raw:
        return None
    try:
        attended = Attendance(raw)
    except ValueError:
        errors["attendance"] = N_("Choose one of the options.")
        return None
    if session.starts_at > utc_now():
        errors["attendance"] = N_("You can record attendance once the session has started.")
    return attended


async def record_notes(*, user: CurrentUser, session_id: int, record: NotesIn) -> None:
    """The session's mentor keeps private notes and says whether the team came."""
    session = await load_session(session_id)
    if session.mentor != user.id:
        party = await party_of(user, session)
        refuse(user, party, N_("Only the session's mentor writes its notes."))
    notes = (record.notes or "").strip()
    errors: dict[str, str] = {}
    if len(notes) > MAX_NOTES:
        errors["notes"] = TOO_LONG
    attended = _attendance(record.attendance, session, errors)
    if errors:
        raise ValidationFailed(errors)
    if session.status == SessionStatus.CANCELLED:
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
            before={"attendance": session.attendance, "notes_length": len(session.notes)},
            after={"attendance": attended, "notes_length": len(notes)},
        )


async def rate(*, user: CurrentUser, session_id: int, rating: SessionRating) -> None:
    """The startup rates a session once it has started; it may change its rating later."""
    session = await load_session(session_id)
    party = await party_of(user, session)
    if not party.is_member:
        refuse(user, party, N_("Only the startup's team rates its sessions."))
    feedback = (rating.feedback or "").strip()
    errors: dict[str, str] = {}
    if rating.rating is None or not 1 <= rating.rating <= 5:
        errors["rating"] = N_("Choose from 1 (poor) to 5 (excellent).")
    if len(feedback) > MAX_FEEDBACK:
        errors["feedback"] = TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    if session.status == SessionStatus.CANCELLED:
        raise StateConflict(N_("This session was cancelled; there is nothing to rate."))
    if session.starts_at > utc_now():
        raise StateConflict(N_("You can rate the session once it has started."))
    async with db.transaction():
        await MentoringSession.update(
            {MentoringSession.rating: rating.rating, MentoringSession.feedback: feedback}
        ).where(MentoringSession.id == session_id)
        await audit.record(
            actor_id=user.id,
            action="mentoring_session.rated",
            entity="mentoring_session",
            entity_id=session_id,
            before={"rating": session.rating, "feedback": session.feedback},
            after={"rating": rating.rating, "feedback": feedback},
        )
