"""The typed values pilot rows become when they leave the database (queries and services share them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

import msgspec

from pilots.enums import FeedbackSource, PilotProcurement, PilotStatus
from pilots.rules.agreement import Terms

R = TypeVar("R", bound=msgspec.Struct)


def to(row: dict[str, Any], kind: type[R]) -> R:
    """A Piccolo row as a record (columns the record does not name are left out)."""
    return msgspec.convert(row, kind)


def to_all(rows: list[dict[str, Any]], kind: type[R]) -> list[R]:
    return [msgspec.convert(row, kind) for row in rows]


class PilotRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    edition: int
    application: int
    problem: int
    municipality: int
    startup: int
    code: str
    title: str
    status: PilotStatus
    scope: str
    locations: list[str]
    starts_on: date
    ends_on: date
    budget_eur: int | None
    funded_by: str
    procurement: PilotProcurement
    data_terms: str
    mentor: int | None
    current_version: int
    version_in_force: int | None
    stop_reason: str
    created_at: datetime
    agreed_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def terms(self) -> Terms:
        """The terms the pilot row mirrors (the version in force, or the draft)."""
        return Terms(
            scope=self.scope,
            locations=tuple(self.locations),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            budget_eur=self.budget_eur,
            funded_by=self.funded_by,
            procurement=self.procurement,
            data_terms=self.data_terms,
            mentor_id=self.mentor,
        )


# --- Residents' feedback ---


class FeedbackRow(msgspec.Struct, frozen=True, kw_only=True):
    """One entry as the pilot's sides see it when they moderate: who typed it in and who hid it."""

    id: int
    pilot: int
    rating: int
    comment: str
    local: bool
    language: str
    source: FeedbackSource
    entered_by: int | None
    entered_by_name: str | None
    hidden: bool
    hidden_reason: str
    hidden_by_name: str | None
    hidden_at: datetime | None
    created_at: datetime


class PublicFeedback(msgspec.Struct, frozen=True, kw_only=True):
    """One visible entry as residents see it: never a person's name, only how it was collected."""

    id: int
    rating: int
    comment: str
    local: bool
    source: FeedbackSource
    created_at: datetime


class PosterFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the poster prints about its pilot."""

    pilot_id: int
    code: str
    title: str
    municipality_name: str
