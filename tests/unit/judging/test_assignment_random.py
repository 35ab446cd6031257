"""Judge assignment on random instances, against an independent max-flow bound (SciPy)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, maximum_flow

from judging.enums import ShortfallReason
from judging.rules.assignment import (
    AssignmentResult,
    Judge,
    assign_judges,
)
from tests.unit.judging.assignment_cases import ORGANISATIONS, TAGS, judge, pairs_of, startup

# Random instances


@st.composite
def instances(draw: st.DrawFn) -> dict:
    judges = [
        judge(
            j,
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            expertise=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
            max_applications=draw(st.one_of(st.none(), st.integers(0, 3))),
        )
        for j in range(1, draw(st.integers(0, 6)) + 1)
    ]
    applications = [
        startup(a, tags=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))))
        for a in range(10, 10 + draw(st.integers(0, 6)))
    ]
    every_pair = [(j.id, a.id) for j in judges for a in applications]
    return {
        "judges": judges,
        "applications": applications,
        "judges_per_application": draw(st.integers(1, 3)),
        "max_per_judge": draw(st.integers(1, 4)),
        "conflicts": {pair for pair in every_pair if draw(st.integers(0, 3)) == 0},
        "locked": {pair for pair in every_pair if draw(st.integers(0, 9)) == 0},
        "seed": draw(st.integers(0, 2**32)),
        "one_per_organisation": draw(st.booleans()),
    }


def limit_of(instance: dict, j: Judge) -> int:
    own = j.max_applications
    return instance["max_per_judge"] if own is None else min(own, instance["max_per_judge"])


def most_judges_placed(instance: dict) -> int:
    """The most judge places any valid plan fills, as a maximum flow built here with SciPy.

    source -> judge (room left after locks) -> [application, organisation] -> application (k
    less its locks) -> sink; no arc for a conflict, a lock, or an organisation a lock already
    put on the panel. The locks are added back at the end.
    """
    k = instance["judges_per_application"]
    locked = instance["locked"]
    nodes: dict[object, int] = {"source": 0, "sink": 1}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    arcs: Counter[tuple[int, int]] = Counter()
    organisation = {j.id: j.organisation for j in instance["judges"]}
    for j in instance["judges"]:
        locks = sum(1 for lj, _ in locked if lj == j.id)
        arcs[0, node(("judge", j.id))] += max(0, limit_of(instance, j) - locks)
    for a in instance["applications"]:
        panel = [lj for lj, la in locked if la == a.id]
        arcs[node(("application", a.id)), 1] += max(0, k - len(panel))
        taken = {organisation[lj] for lj in panel}
        for j in instance["judges"]:
            if (j.id, a.id) in instance["conflicts"] or (j.id, a.id) in locked:
                continue
            org = organisation[j.id]
            if instance["one_per_organisation"] and org:
                if org in taken:
                    continue
                arcs[node(("judge", j.id)), node(("group", a.id, org))] += 1
                arcs[node(("group", a.id, org)), node(("application", a.id))] = 1
            else:
                arcs[node(("judge", j.id)), node(("application", a.id))] += 1
    (tails, heads), capacities = zip(*arcs, strict=True) if arcs else ((), ()), list(arcs.values())
    graph = csr_matrix(
        (np.array(capacities, dtype=np.int32), (np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32))),
        shape=(len(nodes), len(nodes)),
    )
    return int(maximum_flow(graph, 0, 1).flow_value) + len(locked)


def judge_groups(result: AssignmentResult) -> int:
    """Connected groups of judges sharing an application, counted by SciPy."""
    assigned = sorted({a.judge_id for a in result.assignments})
    position = {judge_id: n for n, judge_id in enumerate(assigned)}
    rows, cols = [], []
    for panel in result.panels.values():
        for other in panel:
            rows.append(position[panel[0]])
            cols.append(position[other])
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(assigned), len(assigned)))
    return connected_components(graph, directed=False)[0] if assigned else 0


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_plan_keeps_the_rules_and_places_as_many_judges_as_possible(instance: dict) -> None:
    result = assign_judges(**instance)
    k = instance["judges_per_application"]
    locked = instance["locked"]
    chosen = set(pairs_of(result))
    organisation = {j.id: j.organisation for j in instance["judges"]}

    assert len(chosen) == len(result.assignments) == most_judges_placed(instance)
    assert {(a.judge_id, a.application_id) for a in result.assignments if a.locked} == locked
    assert (chosen & instance["conflicts"]) <= locked
    for j in instance["judges"]:
        load = sum(1 for cj, _ in chosen if cj == j.id)
        assert result.loads[j.id] == load
        assert load <= max(limit_of(instance, j), sum(1 for lj, _ in locked if lj == j.id))
    needed = 0
    for a in instance["applications"]:
        panel = sorted(cj for cj, ca in chosen if ca == a.id)
        own_locks = [lj for lj, la in locked if la == a.id]
        needed += max(k, len(own_locks))
        assert len(panel) <= max(k, len(own_locks))
        if instance["one_per_organisation"]:
            added = [organisation[cj] for cj in panel if cj not in own_locks and organisation[cj]]
            assert len(added) == len(set(added))
            assert not set(added) & {organisation[lj] for lj in own_locks}
    if most_judges_placed(instance) == needed:
        assert result.shortfalls == ()
    assert {s.application_id: s.missing for s in result.shortfalls} == {
        a.id: k - len(result.panels.get(a.id, ()))
        for a in instance["applications"]
        if len(result.panels.get(a.id, ())) < k
    }
    assert result.components == len(result.component_judges) == judge_groups(result)
    assert (result.components > 1) == any("share no application" in w.template for w in result.warnings)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_shortfall_names_what_stands_in_the_way(instance: dict) -> None:
    result = assign_judges(**instance)
    k = instance["judges_per_application"]
    judges = instance["judges"]

    for shortfall in result.shortfalls:
        panel = set(result.panels.get(shortfall.application_id, ()))
        others = [j for j in judges if j.id not in panel]
        conflicted = [j.id for j in others if (j.id, shortfall.application_id) in instance["conflicts"]]
        candidates = [j for j in others if (j.id, shortfall.application_id) not in instance["conflicts"]]
        free = [j for j in candidates if result.loads[j.id] < limit_of(instance, j)]
        if len(judges) < k:
            assert (shortfall.reason, shortfall.judge_ids) == (ShortfallReason.TOO_FEW_JUDGES, ())
        elif len(panel) + len(candidates) < k:
            assert (shortfall.reason, shortfall.judge_ids) == (ShortfallReason.CONFLICTS, tuple(conflicted))
        elif not free:
            assert (shortfall.reason, shortfall.judge_ids) == (
                ShortfallReason.ALL_FULL,
                tuple(j.id for j in candidates),
            )
        else:
            # A free judge without a conflict is held back only by the organisation rule.
            panel_organisations = {j.organisation for j in judges if j.id in panel}
            assert instance["one_per_organisation"]
            assert all(j.organisation and j.organisation in panel_organisations for j in free)
            assert (shortfall.reason, shortfall.judge_ids) == (
                ShortfallReason.SAME_ORGANISATION,
                tuple(j.id for j in free),
            )


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_plan_depends_on_the_seed_not_on_the_input_order(instance: dict, shuffler: random.Random) -> None:
    shuffled = dict(instance)
    shuffled["judges"] = shuffler.sample(instance["judges"], len(instance["judges"]))
    shuffled["applications"] = shuffler.sample(instance["applications"], len(instance["applications"]))
    shuffled["conflicts"] = list(instance["conflicts"])
    shuffled["locked"] = shuffler.sample(sorted(instance["locked"]), len(instance["locked"]))

    assert assign_judges(**shuffled) == assign_judges(**instance)
