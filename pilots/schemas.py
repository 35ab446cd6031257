"""Request and response bodies of the pilots' JSON API, and the typed commands its services take.

Each part of the pilots domain keeps its own section below.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from pilots.enums import PilotProcurement, PilotStatus

# --- Public reads of pilots ---


class PilotSummaryOut(msgspec.Struct, frozen=True, kw_only=True):
    """A public pilot as a line of the list (GET /api/v1/pilots)."""

    id: int
    title: str
    status: PilotStatus
    edition: str
    """The edition's slug."""
    edition_year: int
    municipality_id: int
    municipality: str
    municipality_kind: str
    """The municipality's settlement kind: urban, rural or mixed."""
    startup: str
    problem_id: int
    sdgs: list[int]
    """The UN Sustainable Development Goals (1-17) of the pilot's problem."""
    starts_on: date
    ends_on: date
    url: str
    """The pilot's public page."""


class PilotPublicOut(PilotSummaryOut, frozen=True, kw_only=True):
    """A public pilot with the public terms of its agreement (no data terms, no person)."""

    problem_title: str
    scope: str
    locations: list[str]
    procurement: PilotProcurement
    budget_eur: int | None
    """Whole euros; null when no money changes hands."""
    funded_by: str
    stop_reason: str
    """Why the pilot was stopped; empty unless its status is `stopped`."""
    version_in_force: int | None
    """The agreement version every side signed."""
    agreed_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
