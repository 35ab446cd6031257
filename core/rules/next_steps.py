"""What a person should do next, as a checklist on their home page: the shapes every domain uses.

Each domain decides its own steps in its `rules/next_steps.py` from plain facts and `now`; the
kernel gathers them per home page (`core.next_steps`) and shows them in the reader's language.
A step's sentence stays untranslated here (a msgid and its values) until it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# A deadline this close makes its step urgent.
SOON = timedelta(hours=48)


class Urgency(StrEnum):
    """How pressing a pending step is; done steps keep `NORMAL`."""

    NORMAL = "normal"
    SOON = "soon"  # its deadline is less than `SOON` away
    LATE = "late"  # its deadline has passed and something can still be done


@dataclass(frozen=True, slots=True)
class StepText:
    """A sentence for people: a msgid (with its plural and count when it has one) and its values.

    Values may be strings (shown as they are: names people typed), ints (shown as numbers in the
    reader's language) or aware datetimes (shown in the step's time zone, with the zone named).
    `count` fills `%(num)s` and chooses the plural form.
    """

    singular: str
    plural: str | None = None
    count: int | None = None
    params: Mapping[str, str | int | datetime] = field(default_factory=dict)


def say(message: str, **params: str | int | datetime) -> StepText:
    """A sentence without plural forms; mark `message` with `N_` where it is written."""
    return StepText(message, params=params)


def say_by_deadline(
    deadline: datetime | None, with_deadline: str, without: str, **params: str | int | datetime
) -> StepText:
    """`with_deadline` with the deadline as `%(when)s` when there is one, else `without`.

    Both messages are marked with `N_` where they are written, so both are extracted.
    """
    return say(with_deadline, when=deadline, **params) if deadline else say(without, **params)


def plural(singular: str, plural_: str, count: int, **params: str | int | datetime) -> StepText:
    """A sentence with plural forms. Rules import it as `ngettext`, the name pybabel extracts."""
    return StepText(singular, plural_, count, params)


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a checklist.

    Attributes:
        kind: a stable name ("application.pitch_deck"), for tests and styling, never shown.
        text: what the line says.
        link: where the person goes to do it (None: nothing to click, e.g. a done step).
        done: ticked rather than pending.
        urgency: how pressing a pending step is.
        timezone: the zone the dates in `text` are shown in (an edition's).
    """

    kind: str
    text: StepText
    link: str | None = None
    done: bool = False
    urgency: Urgency = Urgency.NORMAL
    timezone: str | None = None


def urgency_before(deadline: datetime | None, *, now: datetime) -> Urgency:
    """How pressing work due at `deadline` is at `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if deadline is None:
        return Urgency.NORMAL
    if deadline <= now:
        return Urgency.LATE
    return Urgency.SOON if deadline - now <= SOON else Urgency.NORMAL


_PRESSING = {Urgency.LATE: 0, Urgency.SOON: 1, Urgency.NORMAL: 2}


def ordered(steps: Iterable[Step]) -> list[Step]:
    """Pending steps first, the most pressing first; done steps last. Otherwise the given order."""
    return sorted(steps, key=lambda step: (step.done, _PRESSING[step.urgency]))
