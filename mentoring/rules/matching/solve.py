"""The optimal plan: most startups served, best total fit, load spread, locks kept.

A capacitated assignment (`core.rules.flow.assign`) over the pairs the hard rules allow, with
at most one mentor of an organisation per startup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from core.rules.flow import Agent, Edge, Item, assign
from mentoring.rules.matching.check import _check
from mentoring.rules.matching.explain import _why_unmatched
from mentoring.rules.matching.fit import _Instance
from mentoring.rules.matching.model import (
    Application,
    MatchedPair,
    MatchResult,
    Mentor,
    PairRef,
    Period,
    PreviousPair,
    Weights,
)


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
    edges: list[Edge[int, int]] = []
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
