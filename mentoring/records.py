"""The typed values mentoring's rows become when they leave the database.

Queries and services share them; the JSON columns keep their free shape (`dict[str, Any]`),
everything else is named. `msgspec.convert(row, X)` ignores the columns a value does not name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import msgspec

from mentoring.enums import Attendance, MatchStatus, RunStatus, SessionStatus, SlotStatus

T = TypeVar("T")


def convert_row(row: dict[str, Any], kind: type[T]) -> T:
    """A Piccolo row as a typed value (datetimes and enums pass through as they are)."""
    return msgspec.convert(row, kind, strict=False)


class ProfileRow(msgspec.Struct, frozen=True, kw_only=True):
    """A mentor's profile in one edition."""

    id: int
    user: int
    edition: int
    key: str
    bio: str
    organisation: str
    expertise: list[str]
    sectors: list[str]
    languages: list[str]
    capacity: int
    timezone: str
    # [[weekday, start minute, end minute], ...] in the mentor's time zone.
    availability: list[list[int]]
    blackout_dates: list[str]
    conflict_startups: list[int]
    conflict_organisations: list[str]
    updated_at: datetime


class SlotRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    mentor: int
    edition: int
    starts_at: datetime
    ends_at: datetime
    status: SlotStatus
    location: str
    created_at: datetime


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    """A session with the names of its two sides, its place and its edition."""

    id: int
    slot: int
    match: int
    mentor: int
    startup: int
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus
    active_key: str | None
    booked_by: int | None
    notes: str
    attendance: Attendance | None
    rating: int | None
    feedback: str
    cancelled_by: int | None
    cancel_reason: str
    created_at: datetime
    startup_name: str
    mentor_name: str
    location: str
    edition: int


class MatchRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    edition: int
    mentor: int
    application: int
    startup: int
    score: int
    # What the matching found (shared expertise, languages, ...); an empty list when none was stored.
    explanation: dict[str, Any] | list[Any]
    locked: bool
    status: MatchStatus
    key: str
    run: int | None
    created_at: datetime
    published_at: datetime | None
    booked_at: datetime | None


class NamedMatch(MatchRow, frozen=True, kw_only=True):
    """A pair with its people's names and its explanation in the reader's language."""

    mentor_name: str = ""
    startup_name: str = ""
    edition_name: str = ""
    explanation_text: str = ""


class RunRow(msgspec.Struct, frozen=True, kw_only=True):
    """One matching run; `unmatched` and `warnings` are the stored messages with their parameters."""

    id: int
    edition: int
    status: RunStatus
    progress: int
    stage: str
    objective: int | None
    unmatched: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    error: str
    created_by: int | None
    started_at: datetime
    finished_at: datetime | None
