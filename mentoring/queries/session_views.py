"""A session as a page shows it: what may still be done with it, and in which time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from mentoring.enums import Attendance, SessionStatus
from mentoring.records import SessionRow, SlotRow, convert_row
from mentoring.services import sessions


class SessionView(SessionRow, frozen=True, kw_only=True):
    """A session with what its page needs beside the row.

    Attributes:
        started: It has begun (or is over).
        can_cancel: Still booked, with the notice cancelling needs.
        can_rate: Begun and not cancelled.
        timezone: The zone the mentor reads its times in (the mentor's page and notes).
        mentor_timezone: The mentor's zone, beside the edition's (the startup's page).
        reschedule_options: The mentor's open slots it may move to (the startup's page).
    """

    started: bool = False
    can_cancel: bool = False
    can_rate: bool = False
    timezone: str = ""
    mentor_timezone: str = ""
    reschedule_options: list[SlotRow] = msgspec.field(default_factory=list)


class SessionLists(msgspec.Struct, frozen=True, kw_only=True):
    """Coming up (soonest first), past (newest first), cancelled (newest first)."""

    upcoming: list[SessionView]
    past: list[SessionView]
    cancelled: list[SessionView]


def took_place(session: SessionRow, now: datetime) -> bool:
    return (
        session.status != SessionStatus.CANCELLED
        and session.starts_at <= now
        and session.attendance != Attendance.NO_SHOW
    )


def annotate(
    row: SessionRow,
    *,
    now: datetime,
    timezone: str = "",
    mentor_timezone: str = "",
    reschedule_options: Iterable[SlotRow] = (),
) -> SessionView:
    started = row.starts_at <= now
    return SessionView(
        **msgspec.structs.asdict(row),
        started=started,
        can_cancel=row.status == SessionStatus.BOOKED and sessions.has_notice(row.starts_at, now=now),
        can_rate=started and row.status != SessionStatus.CANCELLED,
        timezone=timezone,
        mentor_timezone=mentor_timezone,
        reschedule_options=list(reschedule_options),
    )


def session_rows(rows: Iterable[dict[str, Any]]) -> list[SessionRow]:
    return [convert_row(row, SessionRow) for row in rows]


def split(views: list[SessionView]) -> SessionLists:
    return SessionLists(
        upcoming=[s for s in views if s.status == SessionStatus.BOOKED and not s.started],
        past=sorted(
            (s for s in views if s.status != SessionStatus.CANCELLED and s.started),
            key=lambda s: s.starts_at,
            reverse=True,
        ),
        cancelled=sorted(
            (s for s in views if s.status == SessionStatus.CANCELLED), key=lambda s: s.starts_at, reverse=True
        ),
    )
