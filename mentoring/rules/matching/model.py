"""What matching takes and gives: mentors, applications, weights, pairs, and the plan with its reasons.

Every message meant for people is an English template marked with `N_` and filled from
`params`, so it can be translated where it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.rules import N_

MINUTES_PER_DAY = 24 * 60


MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


# Long lists of names in messages stop here; the structured `mentor_ids` keep them all.
_NAMES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A weekly slot in someone's own time zone: weekday 0 is Monday, minutes from midnight.

    `end` may be 1440 (midnight at the end of the day); a slot across midnight is two slots.
    """

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6 or not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"not a weekly window: {self.weekday}, {self.start}-{self.end}")


@dataclass(frozen=True, slots=True)
class Period:
    """The mentoring period, both days included; blackout dates count only inside it."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class Mentor:
    id: int
    name: str
    organisation: str = ""
    expertise: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    capacity: int = 1
    timezone: str = "Europe/Belgrade"
    # Empty: no hours declared, so any time the team proposes will do.
    availability: tuple[WeeklyWindow, ...] = ()
    blackout_dates: frozenset[date] = frozenset()
    conflict_startups: frozenset[int] = frozenset()
    conflict_organisations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Application:
    """A startup's application as matching sees it; `support_needed` is the expertise asked for."""

    id: int
    startup_id: int
    startup_name: str
    organisation: str = ""
    support_needed: tuple[str, ...] = ()
    sector: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = "Europe/Belgrade"
    # Empty: flexible, any time the mentor offers will do.
    availability: tuple[WeeklyWindow, ...] = ()
    mentors_wanted: int = 1


@dataclass(frozen=True, slots=True)
class Weights:
    """How a fit is scored (points; 1,000 is a perfect fit with the defaults) and balanced."""

    expertise: int = 600
    sector: int = 200
    availability: int = 200
    # This much weekly overlap earns all the availability points; less earns its share.
    full_overlap_hours: int = 4
    # The n-th startup of a mentor costs balance * (n - 1) points: 0, 50, 100, ...
    balance: int = 50
    # A team that asked for expertise is matched only with mentors who offer some of it.
    require_shared_expertise: bool = True
    # When re-running, keeping an earlier unlocked pair is worth this much, so a new run
    # changes the plan only for a real gain.
    stability: int = 10

    def __post_init__(self) -> None:
        if min(self.expertise, self.sector, self.availability, self.balance, self.stability) < 0:
            raise ValueError("weights must not be negative")
        if self.full_overlap_hours <= 0:
            raise ValueError("full_overlap_hours must be positive")


@dataclass(frozen=True, slots=True)
class PairRef:
    """A mentor and an application named by id: a lock, or a pair proposed by hand."""

    mentor_id: int
    application_id: int


@dataclass(frozen=True, slots=True)
class PreviousPair:
    """A pair of an earlier plan, as stored: locked pairs are kept by a rematch."""

    mentor_id: int
    application_id: int
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a pair fits, as data; `parts` are translatable templates, `text` the English."""

    shared_expertise: tuple[str, ...]
    missing_expertise: tuple[str, ...]
    sector: str | None
    shared_languages: tuple[str, ...]
    # None: one side keeps flexible hours.
    overlap_minutes: int | None
    days_away: int = 0
    period_days: int = 0

    @property
    def parts(self) -> tuple[tuple[str, dict[str, object]], ...]:
        parts: list[tuple[str, dict[str, object]]] = []
        if self.shared_expertise:
            parts.append((N_("shares: %(tags)s"), {"tags": ", ".join(self.shared_expertise)}))
        elif self.missing_expertise:
            parts.append((N_("none of the requested expertise"), {}))
        if self.sector:
            parts.append((N_("same sector: %(sector)s"), {"sector": self.sector}))
        if self.shared_languages:
            parts.append((N_("both speak %(languages)s"), {"languages": ", ".join(self.shared_languages)}))
        if self.overlap_minutes is None:
            parts.append((N_("flexible hours"), {}))
        elif self.overlap_minutes == 0:
            parts.append((N_("no overlapping hours"), {}))
        else:
            parts.append((N_("%(hours)s h/week overlap"), {"hours": _hours(self.overlap_minutes)}))
        if self.days_away:
            parts.append((N_("away %(days)s of %(total)s days"), {"days": self.days_away, "total": self.period_days}))
        return tuple(parts)

    @property
    def text(self) -> str:
        return "; ".join(template % params for template, params in self.parts)


@dataclass(frozen=True, slots=True)
class Fit:
    """A pair that may be matched and its score."""

    mentor_id: int
    application_id: int
    score: int


@dataclass(frozen=True, slots=True)
class MatchedPair:
    """A pair of the plan; `score` is its fit, also for a lock that breaks a rule."""

    mentor_id: int
    application_id: int
    score: int
    explanation: Explanation
    locked: bool = False


class UnmatchedReason(StrEnum):
    NO_MENTORS = "no_mentors"
    NO_LANGUAGE_GIVEN = "no_language_given"
    NO_SHARED_LANGUAGE = "no_shared_language"
    NO_EXPERTISE = "no_expertise"
    ALL_CONFLICTED = "all_conflicted"
    ALL_AWAY = "all_away"
    TOO_FEW_MENTORS = "too_few_mentors"
    ALL_FULL = "all_full"
    SAME_ORGANISATION = "same_organisation"


@dataclass(frozen=True)
class Unmatched:
    """An application that got `missing` mentors fewer than it wanted, and why.

    `mentor_ids` are the mentors the reason is about (the full ones, the conflicted ones...).
    """

    application_id: int
    missing: int
    reason: UnmatchedReason
    message_id: str
    params: dict[str, object] = field(default_factory=dict)
    mentor_ids: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        return self.message_id % self.params


class WarningKind(StrEnum):
    UNKNOWN_MENTOR = "unknown_mentor"
    UNKNOWN_APPLICATION = "unknown_application"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    NO_SHARED_LANGUAGE = "no_shared_language"
    AWAY = "away"
    OVER_CAPACITY = "over_capacity"
    SAME_ORGANISATION = "same_organisation"
    TOO_MANY_MENTORS = "too_many_mentors"


@dataclass(frozen=True)
class PairWarning:
    """A rule a set of pairs breaks; ids are None where the warning is not about one of them."""

    kind: WarningKind
    mentor_id: int | None
    application_id: int | None
    message_id: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.message_id % self.params


@dataclass(frozen=True)
class MatchResult:
    """The plan: pairs, who is left short and why, and what the locks break.

    The plan fills as many of the mentor places the startups want as can be filled and, among
    such plans, has the highest `objective`: the total fit less the load costs
    (`balance_cost`). A rematch also counts its stability bonus when choosing, but reports the
    plain figures.
    """

    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[Unmatched, ...]
    warnings: tuple[PairWarning, ...]
    total_score: int
    balance_cost: int

    @property
    def objective(self) -> int:
        return self.total_score - self.balance_cost


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".removesuffix(".0")


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + ", …" if len(names) > _NAMES_SHOWN else shown
