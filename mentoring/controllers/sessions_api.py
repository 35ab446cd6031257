"""JSON API of mentoring slots and sessions, with the same rules as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from core.clock import utc_now
from core.enums import Role
from core.permissions import login_required, requires_role
from core.schemas import JsonInput
from mentoring import queries
from mentoring.services import sessions

AnyRequest = Request[Any, Any, Any]


class SlotIn(JsonInput):
    edition_id: int
    # Without an offset: wall-clock time in the mentor's profile time zone.
    starts_at: datetime
    ends_at: datetime
    location: str


class SlotOut(msgspec.Struct):
    id: int
    edition: int
    starts_at: datetime
    ends_at: datetime
    status: str
    location: str


class BookableSlotOut(msgspec.Struct):
    id: int
    edition: int
    starts_at: datetime
    ends_at: datetime
    location: str
    match_id: int
    mentor_name: str


class BookIn(JsonInput):
    slot_id: int
    match_id: int


class CancelIn(JsonInput):
    reason: str = ""


class RescheduleIn(JsonInput):
    new_slot_id: int


class NotesIn(JsonInput):
    notes: str = ""
    attendance: str | None = None


class NotesOut(msgspec.Struct):
    session_id: int
    notes: str
    attendance: str | None


class RatingIn(JsonInput):
    rating: int
    feedback: str = ""


class SessionOut(msgspec.Struct):
    id: int
    slot: int
    match: int
    mentor: int
    mentor_name: str
    startup: int
    startup_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    location: str
    attendance: str | None
    rating: int | None
    feedback: str
    cancel_reason: str


def _session_out(row: dict[str, Any]) -> SessionOut:
    return msgspec.convert(row, SessionOut, strict=False)


async def _one_session(session_id: int) -> SessionOut:
    return _session_out(await queries.session_summary(session_id))


class MentoringSessionsApi(Controller):
    path = "/api/v1/mentoring"
    tags = ["mentoring"]

    @get("/slots", guards=[requires_role(Role.MENTOR)], summary="My offered slots, open and booked")
    async def my_slots(self, request: AnyRequest) -> list[SlotOut]:
        return [msgspec.convert(r, SlotOut, strict=False) for r in await queries.slots_of_mentor(request.user.id)]

    @get("/slots/bookable", guards=[login_required], summary="Open slots my startups' mentors offer, with the match")
    async def bookable(self, request: AnyRequest) -> list[BookableSlotOut]:
        rows = await queries.bookable_slots(request.user.id, now=utc_now())
        return [msgspec.convert(r, BookableSlotOut, strict=False) for r in rows]

    @post(
        "/slots",
        guards=[requires_role(Role.MENTOR)],
        summary="Offer a slot inside my weekly hours (times without offset are in my profile's zone; 422 per field)",
    )
    async def offer(self, request: AnyRequest, data: JSONBody[SlotIn]) -> SlotOut:
        slot_id = await sessions.offer_slot(
            user=request.user,
            edition_id=data.edition_id,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            location=data.location,
        )
        return msgspec.convert(await queries.slot(slot_id), SlotOut, strict=False)

    @post(
        "/slots/{slot_id:int}/withdraw",
        guards=[requires_role(Role.MENTOR)],
        status_code=200,
        summary="Withdraw an open slot (409 once booked)",
    )
    async def withdraw(self, request: AnyRequest, slot_id: FromPath[int]) -> SlotOut:
        await sessions.withdraw_slot(user=request.user, slot_id=slot_id)
        return msgspec.convert(await queries.slot(slot_id), SlotOut, strict=False)

    @get("/sessions", guards=[login_required], summary="My sessions, as mentor or as a startup's member")
    async def my_sessions(self, request: AnyRequest) -> list[SessionOut]:
        return [_session_out(row) for row in await queries.sessions_of_user(request.user.id)]

    @post(
        "/sessions",
        guards=[login_required],
        summary="Book a slot under one of my startup's published matches (409 when it was just taken)",
    )
    async def book(self, request: AnyRequest, data: JSONBody[BookIn]) -> SessionOut:
        session_id = await sessions.book(user=request.user, slot_id=data.slot_id, match_id=data.match_id)
        return await _one_session(session_id)

    @post(
        "/sessions/{session_id:int}/cancel",
        guards=[login_required],
        status_code=200,
        summary="Cancel a session, at least 24 hours ahead (mentor, startup member or organiser)",
    )
    async def cancel(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[CancelIn]) -> SessionOut:
        await sessions.cancel(user=request.user, session_id=session_id, reason=data.reason)
        return await _one_session(session_id)

    @post(
        "/sessions/{session_id:int}/reschedule",
        guards=[login_required],
        summary="Move a session to another open slot of the same mentor, at least 24 hours ahead",
    )
    async def reschedule(
        self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[RescheduleIn]
    ) -> SessionOut:
        new_id = await sessions.reschedule(user=request.user, session_id=session_id, new_slot_id=data.new_slot_id)
        return await _one_session(new_id)

    @get(
        "/sessions/{session_id:int}/notes",
        guards=[login_required],
        summary="A session's private notes: its mentor and organisers only",
    )
    async def notes(self, request: AnyRequest, session_id: FromPath[int]) -> NotesOut:
        session = (await queries.notes_page(request.user, session_id))["session"]
        return NotesOut(session_id=session_id, notes=session["notes"], attendance=session["attendance"])

    @put(
        "/sessions/{session_id:int}/notes",
        guards=[login_required],
        summary="Write the notes and attendance of my session as its mentor",
    )
    async def save_notes(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[NotesIn]) -> NotesOut:
        await sessions.record_notes(
            user=request.user, session_id=session_id, notes=data.notes, attendance=data.attendance
        )
        session = (await queries.notes_page(request.user, session_id))["session"]
        return NotesOut(session_id=session_id, notes=session["notes"], attendance=session["attendance"])

    @put(
        "/sessions/{session_id:int}/rating",
        guards=[login_required],
        summary="Rate a session my startup had (1-5, once it has started; may be changed later)",
    )
    async def rate(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[RatingIn]) -> SessionOut:
        await sessions.rate(user=request.user, session_id=session_id, rating=data.rating, feedback=data.feedback)
        return await _one_session(session_id)
