"""The typed values hackathon rows become when they leave the database (queries and services share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import msgspec

from hackathon.tables import HackathonStatus

R = TypeVar("R", bound="Record")


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """A row as a frozen value, read by attribute (`row.name`)."""


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


class StoredViolation(Record, frozen=True, kw_only=True):
    """What the checker found, as a run stores it and the pages and the API read it; `message % params`
    explains it (`checker.Violation` is the rule's own, with enums and a tuple of ids)."""

    type: str
    severity: str
    message: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    # [kind, id or ref]: what the violation links to (an item, a team, a room, a panel, a judge).
    target: tuple[str, int | str]
    # The refs of the schedule items concerned.
    item_ids: list[str] = msgspec.field(default_factory=list)


class StoredUnplaced(Record, frozen=True, kw_only=True):
    """A pitch or office-hours session the builder could not place, as its run stores it."""

    kind: str
    team_id: int
    number: int
    reason: str
    message: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    mentor_id: int | None = None


class ViolationLine(StoredViolation, frozen=True, kw_only=True):
    """A violation as the schedule page lists it: in the reader's language, linked to what it is about."""

    text: str
    link: str


class UnplacedLine(StoredUnplaced, frozen=True, kw_only=True):
    """An unplaced session as the schedule page lists it, with its team's name."""

    text: str
    team_name: str


class ScheduleRunRow(Record, frozen=True, kw_only=True):
    """A run of the builder; `stats` is the JSON the builder stored."""

    id: int
    hackathon: int
    status: str
    progress: int
    stage: str
    solve_status: str
    time_limit_seconds: int
    unplaced: list[StoredUnplaced]
    violations: list[StoredViolation]
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
