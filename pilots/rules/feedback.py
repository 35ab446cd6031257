"""Residents' feedback at the pilot site: what a valid entry is and how it is summed up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.rules import N_, TOO_LONG

RATINGS = (1, 2, 3, 4, 5)
MAX_COMMENT = 2000
MAX_NAME = 120


def check_feedback(*, rating: int | None, comment: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if rating not in RATINGS:
        errors["rating"] = N_("Choose a rating from 1 to 5.")
    if len(comment) > MAX_COMMENT:
        errors["comment"] = TOO_LONG
    return errors


@dataclass(frozen=True)
class Rated:
    rating: int
    on: date
    local: bool


@dataclass(frozen=True)
class Month:
    month: str  # "2026-05"
    count: int
    mean: float


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    distribution: tuple[int, ...]  # how many gave 1, 2, 3, 4, 5
    local_count: int
    months: tuple[Month, ...]


def summarise(entries: Iterable[Rated]) -> Summary:
    entries = list(entries)
    distribution = tuple(sum(1 for entry in entries if entry.rating == rating) for rating in RATINGS)
    by_month: dict[str, list[int]] = {}
    for entry in sorted(entries, key=lambda entry: entry.on):
        by_month.setdefault(entry.on.strftime("%Y-%m"), []).append(entry.rating)
    months = tuple(
        Month(month=month, count=len(ratings), mean=round(sum(ratings) / len(ratings), 2))
        for month, ratings in by_month.items()
    )
    mean = round(sum(entry.rating for entry in entries) / len(entries), 2) if entries else None
    return Summary(
        count=len(entries),
        mean=mean,
        distribution=distribution,
        local_count=sum(1 for entry in entries if entry.local),
        months=months,
    )


MAX_REASON = 500  # as the moderation form says (maxlength)
HIDE_REASON_REQUIRED = N_("Say why the feedback is hidden.")


def check_moderation(*, hide: bool, reason: str) -> dict[str, str]:
    """Hiding needs a reason (the record says why residents no longer see it); restoring does not."""
    errors: dict[str, str] = {}
    if hide and not reason.strip():
        errors["reason"] = HIDE_REASON_REQUIRED
    elif len(reason.strip()) > MAX_REASON:
        errors["reason"] = TOO_LONG
    return errors
