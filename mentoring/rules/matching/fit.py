"""The hard rules a pair must pass and the fit score of the pairs that do.

Fit, out of 1,000 with the default weights: the share of the requested expertise the mentor
covers (600), the same sector (200), and weekly hours both sides are available (200 for four
hours or more). Mentors and applications are prepared once (`_Instance`) so that 5,000 x 1,000
pairs are looked at through indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from core.rules import N_
from mentoring.rules.matching.availability import _week_mask, utc_week_intervals
from mentoring.rules.matching.model import Application, Explanation, Fit, Mentor, Period, Weights


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


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
