"""The hackathon domain's API structs and the typed commands its services take."""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.schemas import JsonInput
from hackathon.enums import FixedKind


class HackathonIn(msgspec.Struct, frozen=True, kw_only=True):
    """A hackathon's settings; times are instants (the form reads them in `timezone`), durations in minutes."""

    name: str
    venue: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int
    pitch_minutes: int
    office_hours_minutes: int
    buffer_minutes: int
    panel_sitting_minutes: int
    panel_pause_minutes: int
    pitches_per_team: int
    office_hours_per_team: int


class RoomIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    capacity: int
    # [[start, end], ...] as ISO instants, or None: available during the whole hackathon.
    availability: list[list[str]] | None = None


class FixedSessionIn(msgspec.Struct, frozen=True, kw_only=True):
    """A talk, workshop or break; `everyone`: nobody is scheduled during it."""

    kind: FixedKind
    title: str
    starts_at: datetime
    ends_at: datetime
    room: int | None
    everyone: bool


class PanelIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    judge_ids: list[int]


class MoveIn(JsonInput):
    # Without an offset: wall-clock time in the hackathon's zone.
    starts_at: datetime
    room_id: int | None = None


class ScheduleItemOut(msgspec.Struct, frozen=True, kw_only=True):
    """One item of a schedule as the API gives it: ids and the names shown beside them."""

    id: int
    ref: str
    kind: str
    title: str
    room_id: int | None
    room: str
    starts_at: datetime
    ends_at: datetime
    team_ids: list[int]
    teams: list[str]
    judge_ids: list[int]
    mentor_ids: list[int]
    panel_id: int | None
    block_ref: str | None
    version: int


class ScheduleOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    venue: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    status: str
    items: list[ScheduleItemOut]
