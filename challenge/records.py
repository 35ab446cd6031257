"""The typed values the challenge's rows become when they leave the database.

Shared by the read side (`challenge.queries`) and the use-cases (`challenge.services`), so an
edition loaded by a page, a service or the edition scope is one and the same kind of value.
Code and templates read them by attribute (`edition.name`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from piccolo.columns import Column

T = TypeVar("T")


def convert_row(row: dict[str, Any], kind: type[T]) -> T:
    """A Piccolo row as a typed value (unknown columns are ignored; datetimes pass through)."""
    return msgspec.convert(row, kind, strict=False)


def convert_rows(rows: list[dict[str, Any]], kind: type[T]) -> list[T]:
    return [convert_row(row, kind) for row in rows]


class Row(msgspec.Struct, frozen=True, kw_only=True):
    """A stored row, read by attribute (`row.name`)."""


class EditionRow(Row, frozen=True, kw_only=True):
    """One yearly run of the challenge, as stored (its timeline is read on its own)."""

    id: int
    name: str
    year: int
    slug: str
    timezone: str
    tracks: list[str]
    description: str = ""
    language: str = "sr"
    translated_name: str = ""
    translated_description: str = ""
    prize_text: str = ""
    application_grace_minutes: int = 0
    programme_text: str = ""
    applied_phase: str | None = None
    manual_phase: str | None = None
    manual_phase_at: datetime | None = None
    created_at: datetime | None = None


class EditionChoice(Row, frozen=True, kw_only=True):
    """An edition as a form offers it: id, name and year."""

    id: int
    name: str
    year: int


class MunicipalityRow(Row, frozen=True, kw_only=True):
    id: int
    name: str
    region: str
    population: int
    kind: str
    contact_name: str = ""
    contact_email: str = ""
    description: str = ""


class MunicipalityChoice(Row, frozen=True, kw_only=True):
    id: int
    name: str


class StartupRow(Row, frozen=True, kw_only=True):
    id: int
    name: str
    legal_form: str = ""
    country: str = ""
    city: str = ""
    founded_year: int | None = None
    website: str = ""
    stage: str | None = None
    sector: str = ""
    pitch: str = ""
    languages: list[str] = msgspec.field(default_factory=list)
    created_at: datetime | None = None


class StartupOfUser(StartupRow, frozen=True, kw_only=True):
    """A startup a person belongs to, with the edition they are in it for."""

    edition_id: int
    edition_name: str
    edition_year: int
    edition_slug: str
    edition_timezone: str


class TeamMember(Row, frozen=True, kw_only=True):
    """A member of a startup's team in one edition, with their name and address."""

    id: int
    user: int
    edition: int
    title: str
    is_contact: bool
    name: str
    email: str


class ApplicationRow(Row, frozen=True, kw_only=True):
    """An application as stored."""

    id: int
    edition: int
    startup: int
    track: str
    status: str
    solution: str = ""
    why_us: str = ""
    traction: str = ""
    pilot_plan: str = ""
    impact: str = ""
    sdgs: list[int] = msgspec.field(default_factory=list)
    support_needed: list[str] = msgspec.field(default_factory=list)
    video_url: str = ""
    pitch_deck: int | None = None
    answers: dict[str, str] = msgspec.field(default_factory=dict)
    version: int = 1
    active_key: str | None = None
    updated_by: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None


class ProblemRow(Row, frozen=True, kw_only=True):
    """A problem statement as stored, in any status."""

    id: int
    edition: int
    municipality: int
    status: str
    track: str | None
    title: str
    summary: str = ""
    context: str = ""
    language: str = "sr"
    translated_title: str = ""
    translated_summary: str = ""
    translated_context: str = ""
    affected_groups: str = ""
    affected_count: int | None = None
    tried_before: str = ""
    data_available: str = ""
    open_data_links: list[str] = msgspec.field(default_factory=list)
    sdgs: list[int] = msgspec.field(default_factory=list)
    sdg_tags: str = ""
    budget_range: str | None = None
    procurement_path: str | None = None
    pilot_location: str = ""
    contact_name: str = ""
    contact_email: str = ""
    endorsement_count: int = 0
    created_by: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    published_at: datetime | None = None


class StaffProblemRow(ProblemRow, frozen=True, kw_only=True):
    """A problem with its municipality's and edition's names (staff and organiser views)."""

    municipality_name: str
    edition_name: str
    edition_slug: str
    edition_timezone: str


class StoredFileRow(Row, frozen=True, kw_only=True):
    """An upload as the pages show it."""

    id: int
    original_name: str
    size: int
    content_type: str = ""
    owner: int | None = None
    purpose: str = ""
    created_at: datetime | None = None


def as_changes(values: Mapping[str, Any]) -> dict[Column | str, Any]:
    """Column values by name, as Piccolo's `update()` and `Table(...)` take them."""
    changes: dict[Column | str, Any] = {name: value for name, value in values.items()}
    return changes
