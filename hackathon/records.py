"""The typed values hackathon rows become when they leave the database (queries and services share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import msgspec

from hackathon.tables import HackathonStatus

R = TypeVar("R", bound="Record")


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """A row as a frozen value. `row["x"]` reads like `row.x`, as callers reading rows by key expect."""

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


def to(row: dict[str, Any], kind: type[R]) -> R:
    """A Piccolo row as a record (columns the record does not name are left out)."""
    return msgspec.convert(row, kind)


def to_all(rows: list[dict[str, Any]], kind: type[R]) -> list[R]:
    return [msgspec.convert(row, kind) for row in rows]


class HackathonRow(Record, frozen=True, kw_only=True):
    id: int
    edition: int
    name: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: str
    slot_minutes: int
    pitch_minutes: int
    office_hours_minutes: int
    buffer_minutes: int
    panel_sitting_minutes: int
    panel_pause_minutes: int
    pitches_per_team: int
    office_hours_per_team: int
    published_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def is_published(self) -> bool:
        return self.status == HackathonStatus.PUBLISHED


class RoomRow(Record, frozen=True, kw_only=True):
    id: int
    hackathon: int
    name: str
    capacity: int
    # [[start, end], ...] as ISO instants; None: the whole hackathon.
    availability: list[list[str]] | None = None


class FixedSessionRow(Record, frozen=True, kw_only=True):
    id: int
    hackathon: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room: int | None
    everyone: bool


class PanelRow(Record, frozen=True, kw_only=True):
    id: int
    hackathon: int
    name: str
    judge_ids: list[int]


class Person(Record, frozen=True, kw_only=True):
    """Someone the schedule names and mails: a judge, a mentor, a team member."""

    id: int
    name: str
    email: str


class ScheduleItemRow(Record, frozen=True, kw_only=True):
    id: int
    hackathon: int
    ref: str
    kind: str
    title: str
    room: int | None
    starts_at: datetime
    ends_at: datetime
    team_ids: list[int]
    judge_ids: list[int]
    mentor_ids: list[int]
    panel: int | None
    block_ref: str | None
    everyone: bool
    version: int
    run: int | None = None


class ScheduleRunRow(Record, frozen=True, kw_only=True):
    """A run of the builder; `unplaced`, `violations` and `stats` are the JSON the builder stored."""

    id: int
    hackathon: int
    status: str
    progress: int
    stage: str
    solve_status: str
    time_limit_seconds: int
    unplaced: list[dict[str, Any]]
    violations: list[dict[str, Any]]
    stats: dict[str, Any]
    error: str
    created_by: int | None
    started_at: datetime
    finished_at: datetime | None


class ScheduleChangeRow(Record, frozen=True, kw_only=True):
    id: int
    hackathon: int
    item: int | None
    title: str
    what: str
    # {room_id, room, starts_at, ends_at} before and after the change.
    before: dict[str, Any]
    after: dict[str, Any]
    changed_by: int | None
    published_at: datetime
    notified: int
