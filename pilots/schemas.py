"""Request and response bodies of the pilots' JSON API, and the typed commands its services take.

Each part of the pilots domain keeps its own section below, headed by a comment.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from core.schemas import JsonInput
from pilots.enums import (
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotProcurement,
    PilotStatus,
    Review,
    Side,
    SignOffDecision,
)

# --- Residents' feedback ---


class FeedbackCommand(msgspec.Struct, kw_only=True):
    """A resident's feedback, online or typed in by staff; None when a form's rating is not a number."""

    rating: int | None
    comment: str = ""
    local: bool = False  # "I live or work here"


class FeedbackIn(JsonInput, FeedbackCommand, kw_only=True):
    """`POST /api/v1/pilots/{pilot_id}/feedback`: no account needed; limited per address."""

    rating: int


class FeedbackCreatedOut(msgspec.Struct):
    id: int
    pilot_id: int


class RatingCountOut(msgspec.Struct):
    rating: int
    count: int


class FeedbackMonthOut(msgspec.Struct):
    month: str  # "2026-05"
    count: int
    mean: float


class FeedbackCommentOut(msgspec.Struct):
    """A visible comment; `source` says whether staff typed it in from a conversation in person."""

    id: int
    rating: int
    comment: str
    local: bool
    source: FeedbackSource
    created_at: datetime


class FeedbackSummaryOut(msgspec.Struct):
    """Residents' feedback on a pilot, summed up; hidden entries count nowhere."""

    pilot_id: int
    count: int
    mean: float | None
    local_count: int
    distribution: list[RatingCountOut]
    months: list[FeedbackMonthOut]
    comments: list[FeedbackCommentOut]


# --- Milestones and sign-offs ---


class MilestoneCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A milestone as an organiser sets it; `due_on` is None when what was given is not a date."""

    title: str
    deliverable: str
    due_on: date | None
    sign_off_by: frozenset[Side]
    public: bool = True


class MilestoneIn(JsonInput, kw_only=True):
    """`POST /api/v1/pilots/{pilot_id}/milestones`: a milestone, named sides sign it off."""

    title: str
    deliverable: str
    due_on: date
    sign_off_by: list[Side]
    public: bool = True

    def command(self) -> MilestoneCommand:
        return MilestoneCommand(
            title=self.title,
            deliverable=self.deliverable,
            due_on=self.due_on,
            sign_off_by=frozenset(self.sign_off_by),
            public=self.public,
        )


class SignOffIn(JsonInput, kw_only=True):
    """`POST .../milestones/{milestone_id}/sign-offs`: approve, or refuse with a reason. `side`
    may be left out by someone who stands for only one of the sides named on the milestone."""

    decision: SignOffDecision
    reason: str = ""
    side: Side | None = None


class SignOffOut(msgspec.Struct, frozen=True, kw_only=True):
    """One side's decision; refusals keep their reason. No names of people: sides only."""

    side: Side
    decision: SignOffDecision
    reason: str
    at: datetime


class MilestoneOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    title: str
    deliverable: str
    due_on: date
    sign_off_by: list[Side]
    public: bool
    status: MilestoneStatus
    achieved_at: datetime | None
    # The named sides whose latest word is not an approval.
    waiting_for: list[Side]
    # Every decision, oldest first; a later approval does not erase an earlier refusal.
    sign_offs: list[SignOffOut]


class MilestonesOut(msgspec.Struct, frozen=True, kw_only=True):
    pilot_id: int
    milestones: list[MilestoneOut]


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


# --- KPIs and measurements ---


class KpiIn(JsonInput, kw_only=True):
    """A KPI as the organiser or the municipality defines it (a form's numbers arrive parsed)."""

    name: str
    unit: str
    direction: Direction
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: Frequency
    reporter: Side
    # One of the problem's goals; `sdg_target` its target as goal.target ("6.4"), optional.
    sdg: int | None = None
    sdg_target: str = ""


class MeasurementIn(JsonInput, kw_only=True):
    """A value the reporting side reports; evidence files come only with the page's form."""

    measured_on: date
    value: float
    note: str = ""


class ReviewIn(JsonInput, kw_only=True):
    """A reviewing side's word on a measurement; a dispute needs its reason."""

    review: Review
    reason: str = ""
    # Needed only by a person who stands for both reviewing sides.
    side: Side | None = None


class PublicMeasurementOut(msgspec.Struct, frozen=True, kw_only=True):
    """A measurement as everyone may see it: accepted or disputed, never who reviewed it or its files."""

    id: int
    measured_on: date
    value: float
    status: MeasurementStatus


class KpiDefinition(msgspec.Struct, frozen=True, kw_only=True):
    """What defines a KPI, as its pages, the API and the open data show it."""

    id: int
    name: str
    unit: str
    direction: Direction
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: Frequency
    reporter: Side
    sdg: int | None
    sdg_target: str


class PublicKpiOut(KpiDefinition, frozen=True, kw_only=True):
    # From the baseline (0) to the target (1), by the latest accepted value; None before one is.
    progress: float | None
    measurements: list[PublicMeasurementOut]


class KpiCreatedOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot_id: int


class MeasurementOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kpi_id: int
    measured_on: date
    value: float
    status: MeasurementStatus


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
