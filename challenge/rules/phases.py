"""Where an edition is in its yearly cycle, derived from its timeline and the time.

A timeline gives each phase the instant it starts; a phase lasts until the next one starts,
and the last (results) never ends. Before the first start the edition has not opened. An
organiser may move the phase by hand: that override holds until the next scheduled start
after the moment it was made, then the timeline takes over again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from challenge.enums import PHASE_ORDER, Phase


class TimelineError(ValueError):
    """A timeline that cannot be used; `errors` maps each phase to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class PhaseStart:
    phase: Phase
    starts_at: datetime


@dataclass(frozen=True)
class Override:
    phase: Phase
    set_at: datetime


@dataclass(frozen=True)
class Timeline:
    starts: tuple[PhaseStart, ...]

    def start_of(self, phase: Phase) -> datetime | None:
        return next((s.starts_at for s in self.starts if s.phase == phase), None)

    def end_of(self, phase: Phase) -> datetime | None:
        """When `phase` ends: the start of the next scheduled phase."""
        ordered = sorted(self.starts, key=lambda s: s.starts_at)
        for index, start in enumerate(ordered):
            if start.phase == phase:
                return ordered[index + 1].starts_at if index + 1 < len(ordered) else None
        return None


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def make_timeline(starts: dict[Phase, datetime]) -> Timeline:
    """A timeline from phase starts, which must follow the phases' order strictly."""
    errors: dict[str, str] = {}
    previous: tuple[Phase, datetime] | None = None
    for phase in PHASE_ORDER:
        if phase not in starts:
            continue
        moment = starts[phase]
        _require_aware(moment, phase.value)
        if previous is not None and moment <= previous[1]:
            errors[phase.value] = f"Must start after {previous[0].value.replace('_', ' ')} starts."
        previous = (phase, moment)
    if errors:
        raise TimelineError(errors)
    return Timeline(tuple(PhaseStart(phase, starts[phase]) for phase in PHASE_ORDER if phase in starts))


def scheduled_phase(timeline: Timeline, *, now: datetime) -> Phase | None:
    """The phase the timeline puts `now` in, or None before the edition opens."""
    _require_aware(now, "now")
    current = None
    for start in sorted(timeline.starts, key=lambda s: s.starts_at):
        if start.starts_at <= now:
            current = start.phase
    return current


def current_phase(timeline: Timeline, *, now: datetime, override: Override | None = None) -> Phase | None:
    """The phase in force at `now`, a manual override included."""
    scheduled = scheduled_phase(timeline, now=now)
    if override is None or override.set_at > now:
        return scheduled
    until = override_holds_until(timeline, override)
    return override.phase if until is None or now < until else scheduled


def override_holds_until(timeline: Timeline, override: Override) -> datetime | None:
    """When the timeline takes over again from a phase set by hand: at the first scheduled start,
    after the move, of a phase later than the one chosen. So skipping ahead never falls back to a
    skipped phase, and a reopened phase lasts until the next phase after it begins; None: for good.
    """
    chosen = PHASE_ORDER.index(override.phase)
    later = [
        s.starts_at for s in timeline.starts if s.starts_at > override.set_at and PHASE_ORDER.index(s.phase) > chosen
    ]
    return min(later) if later else None


def next_change(timeline: Timeline, *, now: datetime) -> PhaseStart | None:
    """The next scheduled phase start after `now`."""
    return next((s for s in sorted(timeline.starts, key=lambda s: s.starts_at) if s.starts_at > now), None)


def phases_between(old: Phase | None, new: Phase | None) -> list[Phase]:
    """The phases entered going from `old` to `new`, in order (for catching up missed changes)."""
    if new is None:
        return []
    start = 0 if old is None else PHASE_ORDER.index(old) + 1
    end = PHASE_ORDER.index(new) + 1
    return list(PHASE_ORDER[start:end]) if end > start else [new]


def local_to_utc(local: datetime, timezone_name: str) -> datetime:
    """Wall-clock time in the edition's timezone to an aware UTC instant.

    A time that does not exist (clocks jump forward) moves forward by the gap, as calendars do;
    an ambiguous one (clocks fall back) is the first of the two. Raises ValueError for a time
    that has no UTC instant (the first or last hours of the calendar).
    """
    try:
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        # fold=0 is exactly that: the earlier offset, so a time in the gap lands after it.
        return local.replace(tzinfo=ZoneInfo(timezone_name), fold=0).astimezone(UTC)
    except OverflowError:
        # 0001-01-01 00:00 east of UTC is before the calendar starts: a bad date, like any other.
        raise ValueError(f"{local.isoformat()} in {timezone_name} is outside the calendar") from None


def utc_to_local(moment: datetime, timezone_name: str) -> datetime:
    """An instant as naive wall-clock time in the edition's timezone (for form fields)."""
    return moment.astimezone(ZoneInfo(timezone_name)).replace(tzinfo=None)


# What each role may do depends on the phase.
DRAFTING_PHASES = frozenset({None, Phase.PROBLEM_INTAKE})
RESUBMISSION_PHASES = frozenset({Phase.PROBLEM_INTAKE, Phase.APPLICATIONS})


def may_draft_problems(phase: Phase | None) -> bool:
    return phase in DRAFTING_PHASES


def may_submit_problem(phase: Phase | None, *, resubmission: bool) -> bool:
    """First submissions only while intake is open; answers to requested changes until screening."""
    if resubmission:
        return phase in RESUBMISSION_PHASES
    return phase == Phase.PROBLEM_INTAKE


@dataclass(frozen=True)
class IntakeOutlook:
    """What a municipality may do about a new problem at one instant, over every edition, so the
    problem form can say so before it is filled in."""

    # Some edition takes new drafts (intake open, or an edition that has not opened yet).
    may_draft: bool
    # Some edition's intake is open now: a draft can be submitted today.
    may_submit: bool
    # The next intake start still to come, when one is known.
    opens_at: datetime | None
    # When the latest intake closed, when no intake is open.
    closed_at: datetime | None


def intake_outlook(editions: Sequence[tuple[Phase | None, Timeline]], *, now: datetime) -> IntakeOutlook:
    """Every edition's phase (in force at `now`) and timeline, read together for the problem form."""
    _require_aware(now, "now")
    phases = [phase for phase, _ in editions]
    upcoming = [
        start
        for _, timeline in editions
        if (start := timeline.start_of(Phase.PROBLEM_INTAKE)) is not None and start > now
    ]
    may_submit = Phase.PROBLEM_INTAKE in phases
    closed = [
        end
        for phase, timeline in editions
        if phase not in DRAFTING_PHASES and (end := timeline.end_of(Phase.PROBLEM_INTAKE)) is not None and end <= now
    ]
    return IntakeOutlook(
        may_draft=any(may_draft_problems(phase) for phase in phases),
        may_submit=may_submit,
        opens_at=min(upcoming) if upcoming else None,
        closed_at=max(closed) if closed and not may_submit else None,
    )
