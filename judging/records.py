"""The typed values judging's rows become when they leave the database.

Shared by the read side (`judging.queries`) and the use-cases (`judging.services`), so a
round loaded by a page, a service or the round scope is one and the same kind of value.
Templates read them as before (`round.name` and `round["name"]` both work in Jinja).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec

from judging.enums import DeckPolicy, FeedbackScores, Normalisation, RoundEntry, RoundMethod, RoundStatus, ScoreStatus


class RoundRow(msgspec.Struct, frozen=True, kw_only=True):
    """A judging round as stored (its assignment report is read on its own: `last_report`)."""

    id: int
    edition: int
    name: str
    position: int
    method: RoundMethod
    entry: RoundEntry
    status: RoundStatus
    opens_at: datetime | None
    closes_at: datetime | None
    judges_per_application: int
    max_per_judge: int
    advance_count: int
    normalisation: Normalisation
    seed: int
    feedback_scores: FeedbackScores = FeedbackScores.NONE
    feedback_comments: bool = False
    # Blind rounds hide the team from their judges (judging.rules.redaction).
    blind: bool = False
    redacted_fields: list[str] = msgspec.field(default_factory=list)
    deck_policy: DeckPolicy = DeckPolicy.WARN
    # Pairwise rounds only (judging.rules.pairwise): comparisons before a rank, the projector page.
    min_comparisons: int = 3
    projector_released: bool = False


class CriterionRow(msgspec.Struct, frozen=True, kw_only=True):
    """One saved line of a round's rubric."""

    id: int
    round: int
    position: int
    name: str
    guidance: str
    weight: float
    scale_min: int
    scale_max: int
    independent: bool


class EntryRow(msgspec.Struct, frozen=True, kw_only=True):
    """An application that entered a round, with what pages show of it."""

    id: int
    round: int
    application: int
    advanced: bool
    advanced_by_hand: bool
    rank: int | None
    startup_name: str
    track: str
    status: str


class AssignmentRow(msgspec.Struct, frozen=True, kw_only=True):
    """One judge assigned to one application in a round."""

    id: int
    round: int
    judge: int
    application: int
    locked: bool


class SheetRow(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's score sheet for one assignment; `values` and `comments` are keyed by criterion id."""

    id: int
    assignment: int
    round: int
    judge: int
    application: int
    values: dict[str, int]
    comments: dict[str, str]
    status: ScoreStatus
    total: float | None
    version: int
    submitted_at: datetime | None
    updated_at: datetime
    private_comments: list[str] = msgspec.field(default_factory=list)


class SavedSheet(msgspec.Struct, frozen=True, kw_only=True):
    """What a save or a submission left: the sheet's state, its total and its new version."""

    status: ScoreStatus
    total: float | None
    version: int


class QueueItem(msgspec.Struct, frozen=True, kw_only=True):
    """An assignment in a judge's queue with the state of the judge's own sheet (never others')."""

    id: int
    application: int
    startup_name: str
    track: str
    sheet_status: ScoreStatus | None
    total: float | None
    # In a blind round `startup_name` is the entry's pseudonym (judging.queries.blind).
    blind: bool = False


class JudgeRow(msgspec.Struct, frozen=True, kw_only=True):
    """Someone who judges an edition, with their profile there (empty when they gave none)."""

    id: int
    name: str
    email: str
    organisation: str
    expertise: list[str]


class SubmittedTotal(msgspec.Struct, frozen=True, kw_only=True):
    """One submitted sheet's total: what the ranking and the judges' chart are made of."""

    judge: int
    application: int
    total: float


class ScoreLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a round's scores export."""

    application: int
    status: ScoreStatus
    total: float | None
    startup_name: str
    judge_name: str


class Shortfall(msgspec.Struct, frozen=True, kw_only=True):
    """An application the last assignment run could not give all its judges, and why."""

    application_id: int
    missing: int
    message: str


class AssignmentReport(msgspec.Struct, frozen=True, kw_only=True):
    """What the last assignment run did and could not do (stored on the round)."""

    assigned: int = 0
    shortfalls: list[Shortfall] = msgspec.field(default_factory=list)
    components: int = 0
    warnings: list[str] = msgspec.field(default_factory=list)
    conflicts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The report as the round's JSON column and the audit record keep it."""
        report: dict[str, Any] = msgspec.to_builtins(self)
        return report


class SeatRow(msgspec.Struct, frozen=True, kw_only=True):
    """Where a judge is in a pairwise round."""

    id: int
    round: int
    judge: int
    previous: int | None
    current: int | None
    seen: list[int]
    # What the judge is shown now; an answer must name it (judging.services.pairwise.answer).
    token: str = ""


class CopiedRubric(msgspec.Struct, frozen=True, kw_only=True):
    """How many criteria were copied, and from which round of which edition."""

    count: int
    name: str
    edition: str
    year: int


def round_row(row: dict[str, Any]) -> RoundRow:
    redacted = row.get("redacted_fields")
    if isinstance(redacted, str):  # a JSON column comes back as text unless the query loads it
        row = {**row, "redacted_fields": json.loads(redacted)}
    return msgspec.convert(row, RoundRow)


def criterion_rows(rows: list[dict[str, Any]]) -> list[CriterionRow]:
    return msgspec.convert(rows, list[CriterionRow])
