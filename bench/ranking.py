"""Normalising and ranking 100,000 judges' totals, then choosing who advances under quotas.

Generates scores with a fixed seed (quality per application, leniency per judge, noise), then
times the pure rules in judging.rules: both normalisations, the advancement greedy with quotas,
and one CrowdBT next-project choice. Prints figures; asserts nothing. No database.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judging.enums import Normalisation  # noqa: E402
from judging.rules.pairwise import ItemBelief, ItemState, JudgeBelief, choose_next_item  # noqa: E402
from judging.rules.scoring import (  # noqa: E402
    AtLeast,
    AtMost,
    Candidate,
    JudgeScore,
    ScoringOptions,
    rank_applications,
    select_advancing,
)

RUNS = 5
T = TypeVar("T")


def timed(label: str, work: Callable[[], T], runs: int = RUNS) -> T:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    print(f"{label:58} median {statistics.median(samples) * 1000:8.1f} ms · max {max(samples) * 1000:8.1f} ms")
    return result


def generate(applications: int, judges: int, per_application: int, seed: int) -> list[JudgeScore]:
    """Totals on 1-10: quality + leniency + noise, each application scored by distinct judges."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(6.0, 1.5, applications)
    leniency = rng.normal(0.0, 0.7, judges)
    scores = []
    for application in range(applications):
        panel = rng.choice(judges, size=per_application, replace=False)
        totals = np.clip(quality[application] + leniency[panel] + rng.normal(0, 0.8, per_application), 1, 10)
        scores.extend(
            JudgeScore(int(judge), application + 1, round(float(total), 2))
            for judge, total in zip(panel, totals, strict=True)
        )
    return scores


def bench_round(applications: int, judges: int, per_application: int) -> None:
    start = time.perf_counter()
    scores = generate(applications, judges, per_application, seed=7)
    built = time.perf_counter() - start
    print(
        f"\n{len(scores):,} scores: {applications:,} applications x {per_application} judges of {judges} "
        f"(inputs built in {built * 1000:.0f} ms)"
    )
    rankings = {
        method: timed(
            f"rank_applications ({method.value})",
            lambda method=method: rank_applications(scores, ScoringOptions(normalisation=method)),
        )
        for method in Normalisation
    }
    ranking = rankings[Normalisation.JUDGE_OFFSET]
    flagged = sum(1 for standing in ranking.standings if standing.flags)
    print(f"{'':58} {flagged} applications flagged for discussion")
    rng = random.Random(7)
    towns = [f"town {n}" for n in range(150)]
    ranked = [
        Candidate(
            standing.application_id,
            f"#{standing.application_id}",
            {"track": "smart_rural" if rng.random() < 0.2 else "smart_city", "municipality": rng.choice(towns)},
        )
        for standing in ranking.standings
    ]
    quotas = [AtLeast("track", "smart_rural", 40), AtMost("municipality", 2)]
    advancement = timed(
        "select_advancing (100 places, >= 40 rural, <= 2 per town)", lambda: select_advancing(ranked, 100, quotas)
    )
    print(f"{'':58} {len(advancement.swaps)} swaps explained")


def main() -> None:
    print(f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} cores · {platform.platform()}")
    print(f"Python {platform.python_version()} · numpy {np.__version__}")
    bench_round(2_000, 100, 50)  # the figure: 100,000 scores, dense panels
    bench_round(20_000, 400, 5)  # 100,000 scores, panels of a realistic size
    items = [ItemState(n, ItemBelief(random.Random(n).gauss(0, 1), 0.5)) for n in range(200)]
    rng = random.Random(7)
    print()
    timed(
        "CrowdBT next project among 200",
        lambda: choose_next_item(judge=JudgeBelief(), previous=ItemBelief(), items=items, seen={0}, rng=rng, epsilon=0),
        runs=50,
    )


if __name__ == "__main__":
    main()
