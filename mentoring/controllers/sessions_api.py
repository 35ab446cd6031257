"""JSON API of mentoring slots and sessions, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from core.clock import utc_now
from core.enums import Role
from core.permissions import login_required, requires_role
from mentoring.queries import mentor_sessions, session_lists, startup_sessions
from mentoring.records import SessionRow, SlotRow
from mentoring.schemas import (
    BookableSlotOut,
    BookIn,
    CancelIn,
    NotesIn,
    NotesOut,
    RatingIn,
    RescheduleIn,
    SessionOut,
    SlotIn,
    SlotOut,
)
from mentoring.services import sessions

AnyRequest = Request[Any, Any, Any]


def _session_out(row: SessionRow) -> SessionOut:
    return msgspec.convert(row, SessionOut, from_attributes=True)


def _slot_out(row: SlotRow | None) -> SlotOut:
    return msgspec.convert(row, SlotOut, from_attributes=True)


async def _one_session(session_id: int) -> SessionOut:
    return _session_out(await session_lists.session_summary(session_id))


async def _notes_out(request: AnyRequest, session_id: int) -> NotesOut:
    session = (await mentor_sessions.notes_page(request.user, session_id, now=utc_now())).session
    return NotesOut(session_id=session_id, notes=session.notes, attendance=session.attendance)


class MentoringSessionsApi(Controller):
    path = "/api/v1/mentoring"
    tags = ["mentoring"]

    @get("/slots", guards=[requires_role(Role.MENTOR)], summary="My offered slots, open and booked")
    async def my_slots(self, request: AnyRequest) -> list[SlotOut]:
        return [_slot_out(r) for r in await session_lists.slots_of_mentor(request.user.id)]

    @get("/slots/bookable", guards=[login_required], summary="Open slots my startups' mentors offer, with the match")
    async def bookable(self, request: AnyRequest) -> list[BookableSlotOut]:
        rows = await startup_sessions.bookable_slots(request.user.id, now=utc_now())
        return [msgspec.convert(r, BookableSlotOut, from_attributes=True) for r in rows]

    @post(
        "/slots",
        guards=[requires_role(Role.MENTOR)],
        summary="Offer a slot inside my weekly hours (times without offset are in my profile's zone; 422 per field)",
    )
    async def offer(self, request: AnyRequest, data: JSONBody[SlotIn]) -> SlotOut:
        slot_id = await sessions.offer_slot(user=request.user, offer=data)
        return _slot_out(await session_lists.slot(slot_id))

    @post(
        "/slots/{slot_id:int}/withdraw",
        guards=[requires_role(Role.MENTOR)],
        status_code=200,
        summary="Withdraw an open slot (409 once booked)",
    )
    async def withdraw(self, request: AnyRequest, slot_id: FromPath[int]) -> SlotOut:
        await sessions.withdraw_slot(user=request.user, slot_id=slot_id)
        return _slot_out(await session_lists.slot(slot_id))

    @get("/sessions", guards=[login_required], summary="My sessions, as mentor or as a startup's member")
    async def my_sessions(self, request: AnyRequest) -> list[SessionOut]:
        return [_session_out(row) for row in await session_lists.sessions_of_user(request.user.id)]

    @post(
        "/sessions",
        guards=[login_required],
        summary="Book a slot under one of my startup's published matches (409 when it was just taken)",
    )
    async def book(self, request: AnyRequest, data: JSONBody[BookIn]) -> SessionOut:
        return await _one_session(await sessions.book(user=request.user, booking=data))

    @post(
        "/sessions/{session_id:int}/cancel",
        guards=[login_required],
        status_code=200,
        summary="Cancel a session, at least 24 hours ahead (mentor, startup member or organiser)",
    )
    async def cancel(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[CancelIn]) -> SessionOut:
        await sessions.cancel(user=request.user, session_id=session_id, cancellation=data)
        return await _one_session(session_id)

    @post(
        "/sessions/{session_id:int}/reschedule",
        guards=[login_required],
        summary="Move a session to another open slot of the same mentor, at least 24 hours ahead",
    )
    async def reschedule(
        self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[RescheduleIn]
    ) -> SessionOut:
        return await _one_session(await sessions.reschedule(user=request.user, session_id=session_id, move=data))

    @get(
        "/sessions/{session_id:int}/notes",
        guards=[login_required],
        summary="A session's private notes: its mentor and organisers only",
    )
    async def notes(self, request: AnyRequest, session_id: FromPath[int]) -> NotesOut:
        return await _notes_out(request, session_id)

    @put(
        "/sessions/{session_id:int}/notes",
        guards=[login_required],
        summary="Write the notes and attendance of my session as its mentor",
    )
    async def save_notes(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[NotesIn]) -> NotesOut:
        await sessions.record_notes(user=request.user, session_id=session_id, record=data)
        return await _notes_out(request, session_id)

    @put(
        "/sessions/{session_id:int}/rating",
        guards=[login_required],
        summary="Rate a session my startup had (1-5, once it has started; may be changed later)",
    )
    async def rate(self, request: AnyRequest, session_id: FromPath[int], data: JSONBody[RatingIn]) -> SessionOut:
        await sessions.rate(user=request.user, session_id=session_id, rating=data)
        return await _one_session(session_id)
