"""Which mentor mentors which startup: fit, hard rules, an optimal plan, and why.

A pair may be matched only if mentor and team share a language, the mentor has declared no
conflict with the startup (nor works for it), is not away for the whole mentoring period and,
when the team asked for expertise, offers at least one of the requested tags. Among the pairs
that may be matched the plan maximises, in this order, the number of startups served and the
total fit, less a rising cost for every further startup a mentor takes (so the load spreads),
with at most one mentor of an organisation per startup. The organiser's locked pairs are kept
as they are; a lock that breaks a rule is kept and reported.

Fit, out of 1,000 with the default weights: the share of the requested expertise the mentor
covers (600), the same sector (200), and weekly hours both sides are available (200 for four
hours or more). Availability is compared in UTC minutes of the week, each side's local windows
converted at a reference date so that summer time is where it really is in that week.

Every message meant for people is an English template marked with `N_` and filled from
`params`, so it can be translated where it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from core.rules import N_
from core.rules.flow import Agent, Edge, Item, assign

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# A Monday at midnight UTC: minutes of the week are counted from any such instant.
_WEEK_ANCHOR = datetime(2001, 1, 1, tzinfo=UTC)
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


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".removesuffix(".0")


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + ", …" if len(names) > _NAMES_SHOWN else shown


def utc_week_intervals(
    windows: Iterable[WeeklyWindow], timezone: str, *, reference_date: date
) -> tuple[tuple[int, int], ...]:
    """Weekly windows as sorted, disjoint [start, end) minutes of the UTC week (Monday 00:00 = 0).

    Each weekday is read on its first date on or after `reference_date`, with the offset the
    zone has then; a window pushed past Sunday midnight by the offset wraps to Monday.
    """
    zone = ZoneInfo(timezone)
    pieces: list[tuple[int, int]] = []
    for window in windows:
        day = reference_date + timedelta(days=(window.weekday - reference_date.weekday()) % 7)
        midnight = datetime.combine(day, time(), tzinfo=zone)
        # Adding to an aware datetime moves the wall clock, so the offset is the one in force
        # at each end; the length may differ from end - start on the night clocks change.
        start = (midnight + timedelta(minutes=window.start)).astimezone(UTC)
        end = (midnight + timedelta(minutes=window.end)).astimezone(UTC)
        offset = int((start - _WEEK_ANCHOR).total_seconds()) // 60 % MINUTES_PER_WEEK
        length = int((end - start).total_seconds()) // 60
        if length <= 0:
            continue  # an hour that does not exist: clocks jumped over it
        if offset + length <= MINUTES_PER_WEEK:
            pieces.append((offset, offset + length))
        else:
            pieces.append((offset, MINUTES_PER_WEEK))
            pieces.append((0, offset + length - MINUTES_PER_WEEK))
    return _union(pieces)


def _union(pieces: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _week_mask(intervals: Iterable[tuple[int, int]]) -> int:
    # One bit per minute of the week: the overlap of two people is a popcount of an AND,
    # which keeps a million comparisons cheap.
    mask = 0
    for start, end in intervals:
        mask |= ((1 << (end - start)) - 1) << start
    return mask


def weekly_overlap_minutes(
    a: Iterable[WeeklyWindow], a_timezone: str, b: Iterable[WeeklyWindow], b_timezone: str, *, reference_date: date
) -> int:
    """Minutes a week both sides are available, each in its own time zone."""
    a_mask = _week_mask(utc_week_intervals(a, a_timezone, reference_date=reference_date))
    return (a_mask & _week_mask(utc_week_intervals(b, b_timezone, reference_date=reference_date))).bit_count()


class _MentorView:
    """A mentor with everything matching compares precomputed once."""

    __slots__ = ("away", "conflicts", "days_away", "group", "hours", "languages", "mentor", "sectors", "tags")

    def __init__(self, mentor: Mentor, *, reference_date: date, period: Period | None) -> None:
        self.mentor = mentor
        self.tags = frozenset(_norm(tag) for tag in mentor.expertise) - {""}
        self.sectors = frozenset(_norm(sector) for sector in mentor.sectors) - {""}
        self.languages = frozenset(_norm(language) for language in mentor.languages) - {""}
        self.group = _norm(mentor.organisation) or None
        self.conflicts = frozenset(_norm(name) for name in mentor.conflict_organisations) - {""}
        # None: no hours declared, any time will do.
        self.hours = (
            _week_mask(utc_week_intervals(mentor.availability, mentor.timezone, reference_date=reference_date))
            if mentor.availability
            else None
        )
        self.days_away = sum(1 for day in mentor.blackout_dates if period.first <= day <= period.last) if period else 0
        self.away = period is not None and self.days_away == period.days


class _ApplicationView:
    __slots__ = ("application", "hours", "languages", "names", "requested", "requested_keys", "sector")

    def __init__(self, application: Application, *, reference_date: date) -> None:
        self.application = application
        # Keys keep the team's first spelling, which the explanation shows.
        self.requested: dict[str, str] = {}
        for tag in application.support_needed:
            if _norm(tag):
                self.requested.setdefault(_norm(tag), tag.strip())
        self.requested_keys = frozenset(self.requested)
        self.sector = _norm(application.sector)
        self.languages: dict[str, str] = {}
        for language in application.languages:
            if _norm(language):
                self.languages.setdefault(_norm(language), language.strip())
        self.names = frozenset(
            name for name in (_norm(application.organisation), _norm(application.startup_name)) if name
        )
        self.hours = (
            _week_mask(
                utc_week_intervals(application.availability, application.timezone, reference_date=reference_date)
            )
            if application.availability
            else None
        )


def _conflict_message(mentor: _MentorView, application: _ApplicationView) -> str | None:
    """The conflict that forbids the pair, as a message template, or None."""
    if application.application.startup_id in mentor.mentor.conflict_startups:
        return N_("%(mentor)s has declared a conflict with %(startup)s.")
    if not application.names.isdisjoint(mentor.conflicts):
        return N_("%(mentor)s has declared a conflict with %(startup)s.")
    if mentor.group is not None and mentor.group in application.names:
        return N_("%(mentor)s works for %(startup)s.")
    return None


def _shares_language(mentor: _MentorView, application: _ApplicationView) -> bool:
    return not mentor.languages.isdisjoint(application.languages)


def _has_expertise(mentor: _MentorView, application: _ApplicationView, weights: Weights) -> bool:
    if not (weights.require_shared_expertise and application.requested):
        return True
    return not mentor.tags.isdisjoint(application.requested)


def _overlap(mentor: _MentorView, application: _ApplicationView) -> int | None:
    if mentor.hours is None or application.hours is None:
        return None
    return (mentor.hours & application.hours).bit_count()


def _explain(mentor: _MentorView, application: _ApplicationView, period: Period | None) -> Explanation:
    return Explanation(
        shared_expertise=tuple(shown for key, shown in application.requested.items() if key in mentor.tags),
        missing_expertise=tuple(shown for key, shown in application.requested.items() if key not in mentor.tags),
        sector=application.application.sector.strip() if application.sector in mentor.sectors else None,
        shared_languages=tuple(shown for key, shown in application.languages.items() if key in mentor.languages),
        overlap_minutes=_overlap(mentor, application),
        days_away=mentor.days_away,
        period_days=period.days if period else 0,
    )


class _Instance:
    """Mentors and applications prepared once, in id order, with lookup indexes."""

    def __init__(
        self,
        mentors: Sequence[Mentor],
        applications: Sequence[Application],
        *,
        reference_date: date,
        period: Period | None,
        weights: Weights,
    ) -> None:
        self.period = period
        self.period_days = period.days if period else 0
        self.weights = weights
        self.target = weights.full_overlap_hours * 60
        self.mentors = {
            mentor.id: _MentorView(mentor, reference_date=reference_date, period=period)
            for mentor in sorted(mentors, key=lambda mentor: mentor.id)
        }
        self.applications = {
            application.id: _ApplicationView(application, reference_date=reference_date)
            for application in sorted(applications, key=lambda application: application.id)
        }
        if len(self.mentors) != len(mentors) or len(self.applications) != len(applications):
            raise ValueError("mentor and application ids must be unique")

    def fits(self) -> Iterator[tuple[int, int, int]]:
        """(mentor id, application id, score) of every allowed pair, by application then mentor.

        The rules are those `_why_unmatched` walks through one at a time (language, expertise,
        conflict, away), applied here through indexes: 5,000 x 1,000 comparisons become a look
        at the few mentors who could help each team.
        """
        by_language: dict[str, set[int]] = defaultdict(set)
        by_tag: dict[str, set[int]] = defaultdict(set)
        by_startup_conflict: dict[int, set[int]] = defaultdict(set)
        by_name_conflict: dict[str, set[int]] = defaultdict(set)
        for mentor in self.mentors.values():
            if mentor.away:
                continue
            for language in mentor.languages:
                by_language[language].add(mentor.mentor.id)
            for tag in mentor.tags:
                by_tag[tag].add(mentor.mentor.id)
            for startup_id in mentor.mentor.conflict_startups:
                by_startup_conflict[startup_id].add(mentor.mentor.id)
            for name in mentor.conflicts | ({mentor.group} if mentor.group else set()):
                by_name_conflict[name].add(mentor.mentor.id)
        require_expertise = self.weights.require_shared_expertise
        for application in self.applications.values():
            ids: set[int] = set()
            for language in application.languages:
                ids |= by_language.get(language, set())
            if require_expertise and application.requested:
                skilled: set[int] = set()
                for tag in application.requested:
                    skilled |= by_tag.get(tag, set())
                ids &= skilled
            ids -= by_startup_conflict.get(application.application.startup_id, set())
            for name in application.names:
                ids -= by_name_conflict.get(name, set())
            application_id = application.application.id
            for mentor_id in sorted(ids):
                yield mentor_id, application_id, self.fit_score(self.mentors[mentor_id], application)

    def fit_score(self, mentor: _MentorView, application: _ApplicationView) -> int:
        weights = self.weights
        requested = application.requested_keys
        score = weights.expertise * len(mentor.tags & requested) // len(requested) if requested else 0
        if application.sector in mentor.sectors:
            score += weights.sector
        target = self.target
        if mentor.hours is None or application.hours is None:
            useful = target
        else:
            useful = min((mentor.hours & application.hours).bit_count(), target)
        if mentor.days_away:
            # Days away thin out the weekly hours over the period.
            useful = useful * (self.period_days - mentor.days_away) // self.period_days
        return score + weights.availability * useful // target

    def explain(self, mentor_id: int, application_id: int) -> Explanation:
        return _explain(self.mentors[mentor_id], self.applications[application_id], self.period)

    def score(self, mentor_id: int, application_id: int) -> int:
        return self.fit_score(self.mentors[mentor_id], self.applications[application_id])


def candidate_fits(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    *,
    reference_date: date,
    period: Period | None = None,
    weights: Weights = Weights(),
) -> tuple[Fit, ...]:
    """Every pair the hard rules allow, with its score, ordered by application then mentor."""
    instance = _Instance(mentors, applications, reference_date=reference_date, period=period, weights=weights)
    return tuple(Fit(mentor_id, application_id, score) for mentor_id, application_id, score in instance.fits())


def match_mentors(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    *,
    reference_date: date,
    period: Period | None = None,
    locked: Sequence[PairRef] = (),
    weights: Weights = Weights(),
) -> MatchResult:
    """The optimal plan: most startups served, best total fit, load spread, locks kept.

    `reference_date` fixes the time-zone offsets used to compare weekly hours (pass the first
    day of mentoring); `period` makes blackout dates count. Deterministic: the same input, in
    any order, gives the same plan.
    """
    return _solve(
        mentors, applications, reference_date=reference_date, period=period, locked=locked, previous=(), weights=weights
    )


def rematch(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    *,
    previous: Sequence[PreviousPair],
    reference_date: date,
    period: Period | None = None,
    weights: Weights = Weights(),
) -> MatchResult:
    """Plan again for everyone not locked, after mentors or applications changed.

    The locked pairs of `previous` are kept; its other pairs are preferred by
    `weights.stability` points each, so people already introduced are not swapped for a
    marginal gain. Pairs naming a mentor or application that is gone are dropped.
    """
    locked = [PairRef(pair.mentor_id, pair.application_id) for pair in previous if pair.locked]
    kept = [PairRef(pair.mentor_id, pair.application_id) for pair in previous if not pair.locked]
    return _solve(
        mentors,
        applications,
        reference_date=reference_date,
        period=period,
        locked=locked,
        previous=kept,
        weights=weights,
    )


def _solve(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    *,
    reference_date: date,
    period: Period | None,
    locked: Sequence[PairRef],
    previous: Sequence[PairRef],
    weights: Weights,
) -> MatchResult:
    instance = _Instance(mentors, applications, reference_date=reference_date, period=period, weights=weights)
    warnings = _check(instance, locked)
    locks = sorted(
        {
            (lock.mentor_id, lock.application_id)
            for lock in locked
            if lock.mentor_id in instance.mentors and lock.application_id in instance.applications
        }
    )
    bonus = {(pair.mentor_id, pair.application_id) for pair in previous}
    lacking_edge = set(locks)
    # Edges straight from the generator: at 5,000 x 1,000 another copy of a million pairs would
    # cost hundreds of megabytes.
    edges: list[Edge] = []
    for mentor_id, application_id, score in instance.fits():
        key = (mentor_id, application_id)
        lacking_edge.discard(key)
        edges.append(Edge(mentor_id, application_id, -score - weights.stability * (key in bonus)))
    # A lock that breaks a rule has no edge; it gets one so that its fit counts in the totals.
    edges += [
        Edge(mentor_id, application_id, -instance.score(mentor_id, application_id))
        for mentor_id, application_id in sorted(lacking_edge)
    ]
    assignment = assign(
        [Agent(view.mentor.id, view.mentor.capacity, view.group) for view in instance.mentors.values()],
        [Item(view.application.id, view.application.mentors_wanted) for view in instance.applications.values()],
        edges,
        locked=locks,
        balance=weights.balance,
        one_per_group=True,
        unserved_cost=None,
    )
    locked_set = set(locks)
    pairs = tuple(
        MatchedPair(
            mentor_id=pair.agent,
            application_id=pair.item,
            score=instance.score(pair.agent, pair.item),
            explanation=instance.explain(pair.agent, pair.item),
            locked=(pair.agent, pair.item) in locked_set,
        )
        for pair in assignment.pairs
    )
    loads = dict(assignment.loads)
    paired: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        paired[pair.application_id].add(pair.mentor_id)
    unmatched = tuple(
        _why_unmatched(
            instance, instance.applications[shortfall.item], shortfall.missing, loads, paired[shortfall.item]
        )
        for shortfall in assignment.shortfalls
    )
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        warnings=warnings,
        total_score=sum(pair.score for pair in pairs),
        balance_cost=assignment.balance_cost,
    )


def _why_unmatched(
    instance: _Instance,
    application: _ApplicationView,
    missing: int,
    loads: Mapping[int, int],
    paired: set[int],
) -> Unmatched:
    """Name the first thing that stands between the application and another mentor."""
    app = application.application
    base = {"startup": app.startup_name, "missing": missing, "wanted": app.mentors_wanted}

    def unmatched(
        reason: UnmatchedReason, message: str, mentors: Sequence[_MentorView] = (), **params: object
    ) -> Unmatched:
        if mentors:
            params["mentors"] = _names(view.mentor.name for view in mentors)
        return Unmatched(app.id, missing, reason, message, base | params, tuple(view.mentor.id for view in mentors))

    everyone = list(instance.mentors.values())
    if not everyone:
        return unmatched(UnmatchedReason.NO_MENTORS, N_("There are no mentors yet."))
    if not application.languages:
        return unmatched(
            UnmatchedReason.NO_LANGUAGE_GIVEN, N_("%(startup)s has not said which languages the team speaks.")
        )
    languages = ", ".join(application.languages.values())
    speakers = [view for view in everyone if _shares_language(view, application)]
    if not speakers:
        return unmatched(UnmatchedReason.NO_SHARED_LANGUAGE, N_("No mentor speaks %(languages)s."), languages=languages)
    skilled = [view for view in speakers if _has_expertise(view, application, instance.weights)]
    if not skilled:
        return unmatched(
            UnmatchedReason.NO_EXPERTISE,
            N_("No mentor who speaks %(languages)s offers %(tags)s."),
            languages=languages,
            tags=", ".join(application.requested.values()),
        )
    free = [view for view in skilled if _conflict_message(view, application) is None]
    if not free:
        return unmatched(
            UnmatchedReason.ALL_CONFLICTED,
            N_("Every mentor who could help has a conflict with %(startup)s: %(mentors)s."),
            skilled,
        )
    present = [view for view in free if not view.away]
    if not present:
        return unmatched(
            UnmatchedReason.ALL_AWAY, N_("Every mentor who could help is away for the whole period: %(mentors)s."), free
        )
    others = [view for view in present if view.mentor.id not in paired]
    if not others:
        return unmatched(
            UnmatchedReason.TOO_FEW_MENTORS,
            N_("Every mentor who could help %(startup)s already does: %(mentors)s."),
            present,
        )
    open_ = [view for view in others if loads.get(view.mentor.id, 0) < view.mentor.capacity]
    if not open_:
        return unmatched(
            UnmatchedReason.ALL_FULL, N_("Every mentor who could help is fully booked: %(mentors)s."), others
        )
    # The plan serves as many as it can, so a mentor with room left is held back by the rule
    # of one mentor per organisation.
    return unmatched(
        UnmatchedReason.SAME_ORGANISATION,
        N_("The mentors still free are from organisations already mentoring %(startup)s: %(mentors)s."),
        open_,
    )


def check_pairs(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    pairs: Sequence[PairRef],
    *,
    period: Period | None = None,
) -> tuple[PairWarning, ...]:
    """Every rule a hand-made set of pairs breaks: the organiser's check before saving.

    Warns about unknown ids, a pair given twice, a conflict, no shared language, a mentor away
    for the whole `period`, a mentor over capacity, two mentors of one organisation on a
    startup, and a startup with more mentors than it asked for. Missing expertise is a matter
    of fit, not a rule, and is not warned about.
    """
    # The reference date only matters for availability, which no rule here looks at.
    instance = _Instance(mentors, applications, reference_date=date(2001, 1, 1), period=period, weights=Weights())
    return _check(instance, pairs)


def _check(instance: _Instance, pairs: Sequence[PairRef]) -> tuple[PairWarning, ...]:
    warnings: list[PairWarning] = []
    seen: set[tuple[int, int]] = set()
    by_mentor: dict[int, list[int]] = defaultdict(list)
    by_application: dict[int, list[int]] = defaultdict(list)
    for pair in sorted(pairs, key=lambda pair: (pair.application_id, pair.mentor_id)):
        mentor = instance.mentors.get(pair.mentor_id)
        application = instance.applications.get(pair.application_id)
        if mentor is None:
            warnings.append(
                PairWarning(
                    WarningKind.UNKNOWN_MENTOR,
                    pair.mentor_id,
                    pair.application_id,
                    N_("There is no mentor %(mentor_id)s."),
                    {"mentor_id": pair.mentor_id},
                )
            )
        if application is None:
            warnings.append(
                PairWarning(
                    WarningKind.UNKNOWN_APPLICATION,
                    pair.mentor_id,
                    pair.application_id,
                    N_("There is no application %(application_id)s."),
                    {"application_id": pair.application_id},
                )
            )
        if mentor is None or application is None:
            continue
        key = (pair.mentor_id, pair.application_id)
        if key in seen:
            warnings.append(
                _pair_warning(
                    WarningKind.DUPLICATE, mentor, application, N_("%(mentor)s is paired with %(startup)s twice.")
                )
            )
            continue
        seen.add(key)
        by_mentor[pair.mentor_id].append(pair.application_id)
        by_application[pair.application_id].append(pair.mentor_id)
        conflict = _conflict_message(mentor, application)
        if conflict is not None:
            warnings.append(_pair_warning(WarningKind.CONFLICT, mentor, application, conflict))
        if not _shares_language(mentor, application):
            spoken = ", ".join(mentor.mentor.languages) or "—"
            said = (
                N_("%(mentor)s speaks %(mentor_languages)s; the team of %(startup)s speaks %(startup_languages)s.")
                if application.languages
                else N_(
                    "%(mentor)s speaks %(mentor_languages)s; %(startup)s has not said which languages the team speaks."
                )
            )
            params = {"startup_languages": ", ".join(application.languages.values())} if application.languages else {}
            warnings.append(
                _pair_warning(
                    WarningKind.NO_SHARED_LANGUAGE, mentor, application, said, mentor_languages=spoken, **params
                )
            )
        if mentor.away:
            warnings.append(
                _pair_warning(
                    WarningKind.AWAY, mentor, application, N_("%(mentor)s is away for the whole mentoring period.")
                )
            )

    for mentor_id, application_ids in sorted(by_mentor.items()):
        mentor = instance.mentors[mentor_id].mentor
        if len(application_ids) > mentor.capacity:
            warnings.append(
                PairWarning(
                    WarningKind.OVER_CAPACITY,
                    mentor_id,
                    None,
                    N_("%(mentor)s has %(count)s startups but takes at most %(capacity)s."),
                    {"mentor": mentor.name, "count": len(application_ids), "capacity": mentor.capacity},
                )
            )
    for application_id, mentor_ids in sorted(by_application.items()):
        application = instance.applications[application_id].application
        by_group: dict[str, list[_MentorView]] = defaultdict(list)
        for mentor_id in mentor_ids:
            view = instance.mentors[mentor_id]
            if view.group is not None:
                by_group[view.group].append(view)
        for views in sorted(by_group.values(), key=lambda views: views[0].group or ""):
            if len(views) > 1:
                warnings.append(
                    PairWarning(
                        WarningKind.SAME_ORGANISATION,
                        None,
                        application_id,
                        N_(
                            "%(startup)s has %(count)s mentors from %(organisation)s; one per organisation is the rule."
                        ),
                        {
                            "startup": application.startup_name,
                            "count": len(views),
                            "organisation": views[0].mentor.organisation.strip(),
                        },
                    )
                )
        if len(mentor_ids) > application.mentors_wanted:
            warnings.append(
                PairWarning(
                    WarningKind.TOO_MANY_MENTORS,
                    None,
                    application_id,
                    N_("%(startup)s has %(count)s mentors but asked for %(wanted)s."),
                    {
                        "startup": application.startup_name,
                        "count": len(mentor_ids),
                        "wanted": application.mentors_wanted,
                    },
                )
            )
    return tuple(warnings)


def _pair_warning(
    kind: WarningKind, mentor: _MentorView, application: _ApplicationView, message: str, **params: object
) -> PairWarning:
    names = {"mentor": mentor.mentor.name, "startup": application.application.startup_name}
    return PairWarning(kind, mentor.mentor.id, application.application.id, message, names | params)


def still_short(unmatched: Iterable[Mapping[str, Any]], paired: Mapping[int, int]) -> list[Mapping[str, Any]]:
    """The last run's "left without a mentor" entries (as stored: `application_id`, `params` with
    `wanted`) that the pairs as they stand now, `paired` per application, have not filled: a
    startup paired by hand since the run is no longer listed as short."""
    return [
        entry
        for entry in unmatched
        if paired.get(int(entry["application_id"]), 0) < int(entry.get("params", {}).get("wanted", 1))
    ]
