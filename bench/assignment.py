"""Judge assignment for a screening round: 2,000 applications, 100 judges, 3 judges each.

Generates judges (organisations, expertise) and applications (requested expertise, sector) with
a fixed seed, 2% of pairs declared or detected conflicts, and times `assign_judges` (the optimal
capacitated plan on OR-Tools min-cost flow, then the split-panel repair). Prints the time, the
places filled, the load spread, the shortfalls and how the panels link judges. Checks that no
conflicted pair and no over-full judge is in the plan. No database.
"""

from __future__ import annotations

import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judging.rules.assignment import ApplicationToJudge, Judge, assign_judges  # noqa: E402

APPLICATIONS = 2_000
JUDGES = 100
PANEL = 3
MAX_PER_JUDGE = 66
SEED = 2026
TAGS = (
    "IoT", "energy efficiency", "water networks", "waste", "mobility", "open data", "GIS", "machine learning",
    "GDPR", "procurement", "agritech", "air quality", "tourism", "e-government", "hardware", "fundraising",
)  # fmt: skip


def main() -> None:
    rng = random.Random(SEED)
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    judges = [
        Judge(id=j, name=f"Judge {j}", organisation=f"Org {rng.randint(1, 40)}", expertise=tuple(rng.sample(TAGS, 3)))
        for j in range(JUDGES)
    ]
    applications = [
        ApplicationToJudge(id=10_000 + a, startup_name=f"Startup {a}", tags=tuple(rng.sample(TAGS, 2)))
        for a in range(APPLICATIONS)
    ]
    conflicts = {(j.id, a.id) for j in judges for a in applications if rng.random() < 0.02}
    start = time.perf_counter()
    result = assign_judges(
        judges, applications, judges_per_application=PANEL, max_per_judge=MAX_PER_JUDGE, conflicts=conflicts, seed=1
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # tracemalloc would slow it tenfold
    pairs = {(s.judge_id, s.application_id) for s in result.assignments}
    if pairs & conflicts:
        raise SystemExit("a conflicted judge was assigned")
    if max(result.loads.values()) > MAX_PER_JUDGE:
        raise SystemExit("a judge is over the limit")
    panels = Counter(s.application_id for s in result.assignments)
    print(
        f"assign_judges: {APPLICATIONS} applications x {JUDGES} judges, {PANEL} per panel, limit {MAX_PER_JUDGE},"
        f" {len(conflicts)} conflicts: {elapsed:.2f} s, peak RSS {peak:.0f} MB"
    )
    print(
        f"  {len(result.assignments)} of {APPLICATIONS * PANEL} places filled,"
        f" {sum(1 for n in panels.values() if n == PANEL)} full panels,"
        f" loads {min(result.loads.values())}-{max(result.loads.values())},"
        f" {len(result.shortfalls)} shortfalls, {result.components} linked group(s) of judges"
    )


if __name__ == "__main__":
    main()
