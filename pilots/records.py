"""The typed values pilot rows become when they leave the database (queries and services share them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

import msgspec

from pilots.enums import PilotProcurement, PilotStatus
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
