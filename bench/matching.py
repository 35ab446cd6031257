"""Mentor matching at scale, checked against an independent solver.

Matches 5,000 applications with 1,000 mentors (capacity 5) on realistic random data with a
fixed seed, then solves the same assignment with SciPy: every mentor column repeated once per
capacity slot with the rising load cost, plus "unmatched" columns at a penalty large enough
that serving one more startup always wins. SciPy's maximum bipartite matching says how many
such columns are needed. Every startup wants one mentor (the default), so the rule of one
mentor per organisation cannot bind and the two are the same problem: their optimal values must
be equal, and the script exits 1 if they are not.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentoring.rules.matching import (  # noqa: E402
    Application,
    Mentor,
    Period,
    WeeklyWindow,
    Weights,
    candidate_fits,
    match_mentors,
)

APPLICATIONS = 5_000
MENTORS = 1_000
CAPACITY = 5
SEED = 2026
START = date(2026, 3, 2)
PERIOD = Period(START, START + timedelta(weeks=8) - timedelta(days=1))
TAGS = (
    "procurement", "IoT", "energy efficiency", "public lighting", "water networks", "waste",
    "mobility", "parking", "open data", "GIS", "machine learning", "cybersecurity", "GDPR",
    "fundraising", "pricing", "B2G sales", "pilots", "hardware", "LoRaWAN", "mobile apps",
    "UX research", "agritech", "irrigation", "drones", "air quality", "heating", "tourism",
    "e-government", "accessibility", "legal",
)  # fmt: skip
SECTORS = ("water", "energy", "mobility", "waste", "agriculture", "health", "education", "tourism", "government")
# (language, share of mentors who speak it, share of teams)
LANGUAGES = (
    ("Serbian", 0.85, 0.85),
    ("English", 0.9, 0.7),
    ("Hungarian", 0.08, 0.06),
    ("German", 0.12, 0.03),
    ("Slovak", 0.02, 0.01),
    ("Romanian", 0.03, 0.02),
    ("Albanian", 0.0, 0.004),
)
ZONES = (("Europe/Belgrade", 0.8), ("Europe/London", 0.08), ("Europe/Berlin", 0.07), ("America/New_York", 0.05))
# Large enough that no change in fit and load costs outweighs one more startup served.
UNMATCHED_PENALTY = 10**9


def machine() -> str:
    return f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}"


def _languages(rng: random.Random, column: int) -> tuple[str, ...]:
    spoken = tuple(name for name, *shares in LANGUAGES if rng.random() < shares[column])
    return spoken or (rng.choice(LANGUAGES[:4])[0],)


def _windows(rng: random.Random, count: int) -> tuple[WeeklyWindow, ...]:
    windows = []
    for weekday in rng.sample(range(7), count):
        start = rng.randrange(8 * 60, 18 * 60, 30)
        windows.append(WeeklyWindow(weekday, start, min(start + rng.choice((60, 90, 120, 180)), 24 * 60)))
    return tuple(windows)


def _zone(rng: random.Random) -> str:
    return rng.choices([zone for zone, _ in ZONES], weights=[share for _, share in ZONES])[0]


def generate() -> tuple[list[Mentor], list[Application]]:
    rng = random.Random(SEED)
    organisations = [f"Organisation {n}" for n in range(180)]

    def away() -> frozenset[date]:
        return frozenset(
            PERIOD.first + timedelta(days=rng.randrange(PERIOD.days)) for _ in range(rng.choice((0, 0, 3, 10)))
        )

    mentors = [
        Mentor(
            id=n,
            name=f"Mentor {n}",
            # A few mentors work for a startup, which rules that startup out for them.
            organisation=f"Startup {rng.randrange(APPLICATIONS)}" if rng.random() < 0.02 else rng.choice(organisations),
            expertise=tuple(rng.sample(TAGS, rng.randint(2, 6))),
            sectors=tuple(rng.sample(SECTORS, rng.randint(1, 3))),
            languages=_languages(rng, 0),
            capacity=CAPACITY,
            timezone=_zone(rng),
            availability=_windows(rng, rng.randint(1, 4)),
            blackout_dates=away(),
            conflict_startups=frozenset(rng.sample(range(APPLICATIONS), rng.choice((0, 0, 1, 2)))),
        )
        for n in range(MENTORS)
    ]
    applications = []
    for n in range(APPLICATIONS):
        # Some teams cannot be served at all (a language or an expertise no mentor has), so the
        # report of who is left and why has something to say and capacity is left over.
        languages = ("Albanian",) if rng.random() < 0.015 else _languages(rng, 1)
        support = ("space tech",) if rng.random() < 0.005 else tuple(rng.sample(TAGS, rng.randint(1, 3)))
        applications.append(
            Application(
                id=n,
                startup_id=n,
                startup_name=f"Startup {n}",
                support_needed=support,
                sector=rng.choice(SECTORS),
                languages=languages,
                timezone=_zone(rng),
                availability=() if rng.random() < 0.4 else _windows(rng, rng.randint(1, 3)),
            )
        )
    return mentors, applications


def reference(mentors: list[Mentor], applications: list[Application], weights: Weights) -> tuple[int, int]:
    """Optimal (startups matched, fit less load cost) by SciPy, without OR-Tools."""
    fits = candidate_fits(mentors, applications, reference_date=START, period=PERIOD, weights=weights)
    mentors = sorted(mentors, key=lambda mentor: mentor.id)
    column = {mentor.id: index for index, mentor in enumerate(mentors)}
    capacity = np.array([mentor.capacity for mentor in mentors])
    first_slot = np.concatenate(([0], np.cumsum(capacity)[:-1]))
    slots = int(capacity.sum())
    row_of = {application_id: row for row, application_id in enumerate(sorted({fit.application_id for fit in fits}))}
    fit_rows = np.array([row_of[fit.application_id] for fit in fits])
    fit_mentors = np.array([column[fit.mentor_id] for fit in fits])
    fit_scores = np.array([fit.score for fit in fits], dtype=float)
    del fits
    # One column per capacity slot; the n-th slot (from 0) of a mentor costs balance * n more.
    repeats = capacity[fit_mentors]
    rows = np.repeat(fit_rows, repeats)
    slot = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    cols = np.repeat(first_slot[fit_mentors], repeats) + slot
    costs = -np.repeat(fit_scores, repeats) + weights.balance * slot

    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(row_of), slots))
    most = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    # Exactly as many "unmatched" columns as startups that must go without, so the matrix stays
    # near 5,000 x 5,000 instead of doubling.
    dummies = len(row_of) - most
    matrix = np.full((len(row_of), slots + dummies), np.inf)
    matrix[rows, cols] = costs
    del graph, rows, cols, costs
    matrix[:, slots:] = UNMATCHED_PENALTY
    chosen_rows, chosen_cols = linear_sum_assignment(matrix)
    matched = int((chosen_cols < slots).sum())
    value = matrix[chosen_rows, chosen_cols].sum() - UNMATCHED_PENALTY * (len(row_of) - matched)
    return matched, -round(value)


def main() -> int:
    print(f"machine: {machine()}")
    mentors, applications = generate()
    weights = Weights()
    print(f"instance: {APPLICATIONS:,} applications x {MENTORS:,} mentors (capacity {CAPACITY}), seed {SEED}")

    start = time.perf_counter()
    allowed = len(candidate_fits(mentors, applications, reference_date=START, period=PERIOD, weights=weights))
    scored = time.perf_counter() - start
    print(f"candidate pairs: {allowed:,} allowed of {APPLICATIONS * MENTORS:,} · scored in {scored:.2f} s")

    start = time.perf_counter()
    result = match_mentors(mentors, applications, reference_date=START, period=PERIOD, weights=weights)
    matched = time.perf_counter() - start
    reasons: dict[str, int] = {}
    for unmatched in result.unmatched:
        reasons[unmatched.reason.value] = reasons.get(unmatched.reason.value, 0) + 1
    loads = [0] * MENTORS
    for pair in result.pairs:
        loads[pair.mentor_id] += 1
    print(f"match_mentors (score, solve, explain): {matched:.2f} s")
    print(f"  matched {len(result.pairs):,} · unmatched {len(result.unmatched):,} {dict(sorted(reasons.items()))}")
    print(f"  mentor load: {', '.join(f'{n}: {loads.count(n)}' for n in range(CAPACITY + 1))}")
    print(f"  total fit {result.total_score:,} − load cost {result.balance_cost:,} = objective {result.objective:,}")

    start = time.perf_counter()
    ref_matched, ref_objective = reference(mentors, applications, weights)
    print(
        f"reference (SciPy linear_sum_assignment, {time.perf_counter() - start:.2f} s): "
        f"matched {ref_matched:,} · objective {ref_objective:,}"
    )
    if (ref_matched, ref_objective) != (len(result.pairs), result.objective):
        print("MISMATCH: the flow and the reference disagree")
        return 1
    print("flow and reference agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
