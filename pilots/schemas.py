"""The pilots' JSON API structs and the typed commands their services take.

Each part of the domain keeps its own section below, headed by a comment.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.schemas import JsonInput
from pilots.enums import FeedbackSource

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
