"""How long a round has left, and which reminders its judges are due before it closes.

Judges hear twice before a round closes: 48 hours before (`EARLY`) and 12 hours before
(`LAST_CALL`), each once. A reminder belongs to its moment: it is due from `closes_at - lead`
until the next reminder's moment (or the close), and only if the round was already open at its
moment. So a late job (downtime, a slow tick) still sends the reminder whose turn it is, never
one whose turn has passed: a round opened 30 hours before it closes, or a job that wakes 5 hours
before, sends no "48 hours" reminder, only the 12-hour one. The judges of a round opened inside
the last 48 hours heard of it from their assignment mail.

Each reminder has a key naming the round and the lead; the mail adds the judge, and the outbox
queues a key once, however often and on however many workers the job runs. Moving the closing
time does not send a reminder again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Lead(StrEnum):
    """How long before the close a reminder goes out."""

    EARLY = "48h"
    LAST_CALL = "12h"


LEADS: dict[Lead, timedelta] = {Lead.EARLY: timedelta(hours=48), Lead.LAST_CALL: timedelta(hours=12)}


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Reminder:
    round_id: int
    lead: Lead

    def key_for(self, judge_id: int) -> str:
        """The outbox's once-key of this reminder to one judge."""
        return f"judging:reminder:{self.round_id}:{self.lead.value}:{judge_id}"


def reminder_due(round_id: int, *, opens_at: datetime | None, closes_at: datetime, now: datetime) -> Reminder | None:
    """The reminder whose turn it is at `now` for an open round, or None.

    `opens_at` None means the round has been open since before any reminder's moment.
    """
    _aware(closes_at)
    _aware(now)
    if opens_at is not None:
        _aware(opens_at)
    if now >= closes_at:
        return None
    moments = sorted(((closes_at - span, lead) for lead, span in LEADS.items()), reverse=True)
    # The latest moment that has come is the one whose turn it is; earlier ones have passed.
    for moment, lead in moments:
        if now >= moment:
            if opens_at is not None and opens_at > moment:
                return None
            return Reminder(round_id, lead)
    return None


class Remaining(StrEnum):
    """How a deadline reads: overdue, or in so many hours or days."""

    OVERDUE = "overdue"
    HOURS = "hours"
    DAYS = "days"


@dataclass(frozen=True, slots=True)
class TimeLeft:
    remaining: Remaining
    count: int  # hours or days, rounded up; 0 when overdue


def time_left(closes_at: datetime, *, now: datetime) -> TimeLeft:
    """ "in 5 hours" up to two days ahead (rounded up), "in 3 days" (to the nearest day) beyond, or overdue."""
    _aware(closes_at)
    _aware(now)
    left = closes_at - now
    if left <= timedelta(0):
        return TimeLeft(Remaining.OVERDUE, 0)
    hours = math.ceil(left / timedelta(hours=1))
    if hours <= 48:
        return TimeLeft(Remaining.HOURS, hours)
    return TimeLeft(Remaining.DAYS, max(2, math.floor(left / timedelta(days=1) + 0.5)))
