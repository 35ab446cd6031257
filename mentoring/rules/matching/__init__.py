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

The package follows those steps: `model` (what goes in and comes out), `availability` (weekly
hours in UTC), `fit` (the hard rules and the score), `solve` (the optimal plan), `explain` (why
an application is left short) and `check` (what a set of pairs breaks). This module is its
public face: import from `mentoring.rules.matching`, not from the parts.
"""

from mentoring.rules.matching.availability import utc_week_intervals, weekly_overlap_minutes
from mentoring.rules.matching.check import check_pairs
from mentoring.rules.matching.explain import still_short
from mentoring.rules.matching.fit import candidate_fits
from mentoring.rules.matching.model import (
    Application,
    Explanation,
    Fit,
    MatchedPair,
    MatchResult,
    Mentor,
    PairRef,
    PairWarning,
    Period,
    PreviousPair,
    Unmatched,
    UnmatchedReason,
    WarningKind,
    WeeklyWindow,
    Weights,
)
from mentoring.rules.matching.solve import match_mentors, rematch

__all__ = [
    "Application",
    "Explanation",
    "Fit",
    "MatchResult",
    "MatchedPair",
    "Mentor",
    "PairRef",
    "PairWarning",
    "Period",
    "PreviousPair",
    "Unmatched",
    "UnmatchedReason",
    "WarningKind",
    "WeeklyWindow",
    "Weights",
    "candidate_fits",
    "check_pairs",
    "match_mentors",
    "rematch",
    "still_short",
    "utc_week_intervals",
    "weekly_overlap_minutes",
]
