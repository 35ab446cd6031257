"""The pilots domain's API structs and the typed commands its services take.

Each helper's part has its own heading; the forms (pilots.forms) build the same commands.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from core.schemas import JsonInput
from pilots.enums import PilotProcurement, PilotStatus, Side

# --- Agreement: opening, amending, signing, the pilot's life ----------------------------------


class TermsIn(JsonInput, kw_only=True):
    """The terms the three sides sign. `budget_eur` in whole euros; null: no money changes hands."""

    scope: str
    locations: list[str]
    starts_on: date
    ends_on: date
    funded_by: str = ""
    budget_eur: int | None = None
    procurement: PilotProcurement = PilotProcurement.DIRECT_PILOT
    data_terms: str = ""
    # The mentor who accompanies the pilot; when opening, null takes the application's published mentor.
    mentor_id: int | None = None


class OpenPilotIn(TermsIn, kw_only=True):
    """Open a pilot from an application that won or advanced, for one of the problems it addresses."""

    application_id: int
    problem_id: int
    # Empty: "<startup>: <problem>".
    title: str = ""


class AmendIn(TermsIn, kw_only=True):
    """A new version of the terms; `note` says what the amendment is for (required)."""

    note: str = ""


class ActionIn(JsonInput, kw_only=True):
    """Start, complete or stop the pilot; stopping needs a reason, which is public."""

    action: Literal["start", "complete", "stop"]
    reason: str = ""


class SignatureOut(msgspec.Struct, frozen=True, kw_only=True):
    side: Side
    signer_name: str
    signed_at: datetime


class VersionOut(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    scope: str
    locations: list[str]
    starts_on: date
    ends_on: date
    budget_eur: int | None
    funded_by: str
    procurement: PilotProcurement
    data_terms: str
    mentor_id: int | None
    changed: list[str]
    note: str
    created_at: datetime
    signatures: list[SignatureOut]
    waiting_for: list[Side]


class PilotAgreementOut(msgspec.Struct, frozen=True, kw_only=True):
    """A pilot's agreement as its parties see it: status, the version in force, every version."""

    id: int
    code: str
    title: str
    status: PilotStatus
    edition_id: int
    application_id: int
    problem_id: int
    municipality_id: int
    startup_id: int
    mentor_id: int | None
    current_version: int
    version_in_force: int | None
    stop_reason: str
    versions: list[VersionOut]


class SignIn(JsonInput, kw_only=True):
    """The side the caller signs for (one person may stand for several)."""

    side: Side
