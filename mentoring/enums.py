"""Stored values of the mentoring domain."""

from __future__ import annotations

from enum import StrEnum


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SlotStatus(StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"


class SessionStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    HELD = "held"


class Attendance(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"
