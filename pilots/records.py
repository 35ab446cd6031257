"""The typed values pilot rows become when they leave the database (queries and services share them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

import msgspec

from challenge.enums import ApplicationStatus
from pilots.enums import SIDES, FeedbackSource, MilestoneStatus, PilotProcurement, PilotStatus, Side, SignOffDecision
from pilots.rules import agreement
from pilots.rules.agreement import Terms
from pilots.rules.reminders import DueItem, ItemKind

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
    language: str
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


# --- Milestones and reminders ---


class SignOffRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    milestone: int
    side: Side
    decision: SignOffDecision
    reason: str
    signer: int | None
    signer_name: str = ""
    created_at: datetime


class MilestoneRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot: int
    title: str
    deliverable: str
    due_on: date
    sign_off_by: list[Side]
    public: bool
    status: MilestoneStatus
    achieved_at: datetime | None = None
    created_at: datetime


class MilestoneView(msgspec.Struct, frozen=True, kw_only=True):
    """A milestone as its page shows it: every decision in order, and each side's latest."""

    milestone: MilestoneRow
    history: list[SignOffRow]
    latest: dict[Side, SignOffRow]

    @property
    def waiting_for(self) -> list[Side]:
        """The named sides whose latest word is not an approval."""
        return [
            side
            for side in SIDES
            if side in self.milestone.sign_off_by
            and (side not in self.latest or self.latest[side].decision is not SignOffDecision.APPROVE)
        ]


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    """A person who stands for a side of a pilot, as a mail addresses them."""

    id: int
    name: str
    email: str
    locale: str
    sides: frozenset[Side]


class DueEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An item some side of a running pilot has to act on by a date: the next measurement of a KPI,
    or a milestone not yet signed off by every named side."""

    kind: ItemKind
    item_id: int
    name: str  # the KPI's name or the milestone's title
    pilot_id: int
    pilot_title: str
    municipality: str
    due_on: date
    sides: frozenset[Side]

    @property
    def item(self) -> DueItem:
        return DueItem(
            kind=self.kind, item_id=self.item_id, pilot_id=self.pilot_id, due_on=self.due_on, sides=self.sides
        )


# --- Agreement: versions, signatures, what an organiser opens a pilot from ---------------------


class SignatureRow(msgspec.Struct, frozen=True, kw_only=True):
    side: Side
    signer: int
    signer_name: str
    signed_at: datetime


class VersionRow(msgspec.Struct, frozen=True, kw_only=True):
    """One version of a pilot's agreement with the signatures it carries."""

    id: int
    number: int
    terms: Terms
    changed: tuple[str, ...]
    note: str
    author_name: str
    created_at: datetime
    signatures: tuple[SignatureRow, ...] = ()

    @property
    def signed_by(self) -> frozenset[Side]:
        return frozenset(signature.side for signature in self.signatures)

    @property
    def waiting_for(self) -> tuple[Side, ...]:
        return agreement.waiting_for(self.signed_by)

    @property
    def rule(self) -> agreement.Version:
        return agreement.Version(number=self.number, signed_by=self.signed_by)


class ProblemChoice(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    title: str
    municipality_name: str


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An application a pilot may be opened from, with the problems it addresses."""

    application_id: int
    startup_name: str
    status: ApplicationStatus
    problems: tuple[ProblemChoice, ...]
    mentor_id: int | None  # of its published mentoring match, if it has one


class Party(msgspec.Struct, frozen=True, kw_only=True):
    """A person mailed about a pilot, in their own language."""

    id: int
    name: str
    email: str
    locale: str


class PilotListRow(msgspec.Struct, frozen=True, kw_only=True):
    """A pilot in a list of pilots (the organiser's edition, a party's own)."""

    id: int
    title: str
    language: str
    status: PilotStatus
    startup_name: str
    municipality_name: str
    starts_on: date
    ends_on: date
    current_version: int
    version_in_force: int | None
