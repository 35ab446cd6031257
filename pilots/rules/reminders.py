"""Which reminders are due: before a measurement or milestone is due, and once it is overdue.

Each reminder has a key naming the item, the kind and the due date; the outbox refuses a second
mail with the same key, so however often (and on however many workers) the job runs, each is
sent once. A due date that moves (a new measurement, a changed milestone) makes a new key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pilots.enums import Side

# How long before the due date the reporting side hears of it.
LEAD = timedelta(days=3)


class ItemKind(StrEnum):
    MEASUREMENT = "measurement"  # the next measurement of a KPI
    MILESTONE = "milestone"


class Nudge(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueItem:
    kind: ItemKind
    item_id: int  # the KPI's id for a measurement, the milestone's for a milestone
    pilot_id: int
    due_on: date
    sides: frozenset[Side]  # who is reminded: the KPI's reporter, or the sides yet to sign off


@dataclass(frozen=True)
class Reminder:
    item: DueItem
    nudge: Nudge

    @property
    def key(self) -> str:
        item = self.item
        return f"pilot:{item.kind.value}:{item.item_id}:{self.nudge.value}:{item.due_on.isoformat()}"


def reminders_due(items: Iterable[DueItem], *, today: date) -> list[Reminder]:
    """The reminders to send today: one 'due soon' within LEAD of the due date, one 'overdue' after it."""
    out: list[Reminder] = []
    for item in items:
        if item.due_on < today:
            out.append(Reminder(item, Nudge.OVERDUE))
        elif item.due_on - today <= LEAD:
            out.append(Reminder(item, Nudge.DUE_SOON))
    return out
