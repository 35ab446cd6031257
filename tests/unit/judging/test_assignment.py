"""Judge assignment: exact plans on small cases, an independent max-flow bound on random ones."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, maximum_flow

from judging.enums import ShortfallReason
from judging.rules.assignment import (
    ApplicationToJudge,
    AssignmentResult,
    Judge,
    JudgeAssignment,
    Shortfall,
    assign_judges,
    shared_tags,
)
from judging.rules.rubrics import Message

NAMES = ("Ana", "Bojan", "Cveta", "Dejan", "Ema", "Filip")
TAGS = ("water", "energy", "mobility")
ORGANISATIONS = ("", "Telekom", "Telekom", "NIS")


def judge(judge_id: int, **fields: object) -> Judge:
    return Judge(judge_id, NAMES[judge_id - 1], **fields)


def startup(application_id: int, name: str = "", **fields: object) -> ApplicationToJudge:
    return ApplicationToJudge(application_id, name or f"Startup {application_id}", **fields)


def pairs_of(result: AssignmentResult) -> list[tuple[int, int]]:
    return [(assignment.judge_id, assignment.application_id) for assignment in result.assignments]


# Exact plans


def test_every_application_gets_k_judges_and_the_load_is_even() -> None:
    result = assign_judges(
        [judge(i) for i in range(1, 5)],
        [startup(i) for i in range(10, 14)],
        judges_per_application=2,
        max_per_judge=4,
        conflicts=(),
    )

    assert {application: len(panel) for application, panel in result.panels.items()} == {10: 2, 11: 2, 12: 2, 13: 2}
    assert result.loads == {1: 2, 2: 2, 3: 2, 4: 2}
    assert (result.shortfalls, result.warnings) == ((), ())


def test_expertise_decides_over_chance() -> None:
    judges = [judge(1, expertise=("energy",)), judge(2, expertise=("Water ",)), judge(3)]
    applications = [startup(10, tags=("water", "mobility")), startup(11, tags=("energy",))]

    for seed in range(10):
        result = assign_judges(judges, applications, judges_per_application=1, max_per_judge=1, conflicts=(), seed=seed)

        assert result.assignments == (
            JudgeAssignment(2, 10, shared_tags=("water",)),
            JudgeAssignment(1, 11, shared_tags=("energy",)),
        )


def test_the_load_spreads_even_against_expertise() -> None:
    # Ana covers every tag, but a third application costs her 2 x 50 points of balance, more
    # than the 100 points of expertise it would bring.
    judges = [judge(1, expertise=("water",)), judge(2), judge(3)]
    applications = [startup(i, tags=("water",)) for i in range(10, 13)]

    result = assign_judges(judges, applications, judges_per_application=1, max_per_judge=3, conflicts=())

    assert result.loads[1] == 2
    assert sorted(result.loads.values()) == [0, 1, 2]


def test_shared_tags_explain_a_pair_in_the_applications_spelling() -> None:
    expert = judge(1, expertise=("WATER", " smart  grid ", "health"))
    application = startup(10, tags=("Smart Grid", "water ", "Water", "mobility", " "))

    assert shared_tags(expert, application) == ("Smart Grid", "water")
    assert shared_tags(judge(2), application) == ()


def test_a_conflict_is_never_assigned() -> None:
    result = assign_judges(
        [judge(1), judge(2), judge(3)],
        [startup(10)],
        judges_per_application=2,
        max_per_judge=1,
        conflicts=[(2, 10)],
    )

    assert pairs_of(result) == [(1, 10), (3, 10)]


def test_at_most_one_judge_of_an_organisation_on_a_panel_unless_switched_off() -> None:
    judges = [
        judge(1, organisation="Telekom", expertise=("water",)),
        judge(2, organisation=" telekom", expertise=("water",)),
        judge(3),
    ]

    grouped = assign_judges(
        judges, [startup(10, tags=("water",))], judges_per_application=2, max_per_judge=1, conflicts=()
    )
    free = assign_judges(
        judges,
        [startup(10, tags=("water",))],
        judges_per_application=2,
        max_per_judge=1,
        conflicts=(),
        one_per_organisation=False,
    )

    assert [pair for pair in pairs_of(grouped) if pair[0] != 3] in ([(1, 10)], [(2, 10)])
    assert 3 in grouped.panels[10]
    assert pairs_of(free) == [(1, 10), (2, 10)]


def test_a_judges_own_limit_is_kept() -> None:
    result = assign_judges(
        [judge(1, max_applications=1), judge(2)],
        [startup(10), startup(11), startup(12)],
        judges_per_application=1,
        max_per_judge=2,
        conflicts=(),
    )

    assert result.loads == {1: 1, 2: 2}


def test_locks_are_kept_and_what_they_break_is_reported() -> None:
    result = assign_judges(
        [judge(1), judge(2), judge(3)],
        [startup(10, "Waterly"), startup(11, "Greenly")],
        judges_per_application=1,
        max_per_judge=1,
        conflicts=[(1, 10)],
        locked=[(1, 10), (1, 11), (2, 11), (2, 11), (9, 10)],
    )

    assert pairs_of(result) == [(1, 10), (1, 11), (2, 11)]
    assert all(assignment.locked for assignment in result.assignments)
    assert result.warnings == (
        Message(
            "%(judge)s is locked onto %(startup)s despite a conflict of interest.",
            {"judge": "Ana", "startup": "Waterly"},
        ),
        Message(
            "The locked pair of judge %(judge_id)s and application %(application_id)s names someone not in this round; "
            "it was left out.",
            {"judge_id": 9, "application_id": 10},
        ),
        Message(
            "%(judge)s has %(count)s locked applications, more than their limit of %(limit)s.",
            {"judge": "Ana", "count": 2, "limit": 1},
        ),
        Message(
            "%(startup)s has %(count)s locked judges, more than the %(needed)s the round asks for.",
            {"startup": "Greenly", "count": 2, "needed": 1},
        ),
    )
    assert result.loads == {1: 2, 2: 1, 3: 0}
    assert result.components == 1


def test_a_lock_takes_a_place_and_the_rest_is_planned_around_it() -> None:
    result = assign_judges(
        [judge(1, expertise=("water",)), judge(2), judge(3)],
        [startup(10, tags=("water",)), startup(11, tags=("water",))],
        judges_per_application=1,
        max_per_judge=1,
        conflicts=(),
        locked=[(1, 11)],
    )

    assert result.assignments[1] == JudgeAssignment(1, 11, locked=True, shared_tags=("water",))
    assert result.assignments[0].application_id == 10
    assert result.assignments[0].judge_id in (2, 3)


# Shortfalls


def test_fewer_judges_than_k_in_total() -> None:
    result = assign_judges(
        [judge(1)], [startup(10, "Waterly")], judges_per_application=3, max_per_judge=5, conflicts=()
    )

    assert result.shortfalls == (
        Shortfall(
            10,
            2,
            ShortfallReason.TOO_FEW_JUDGES,
            Message(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: the round has only %(total)s judges.",
                {"startup": "Waterly", "assigned": 1, "needed": 3, "missing": 2, "total": 1},
            ),
        ),
    )
    assert str(result.shortfalls[0].message) == "Waterly has 1 of the 3 judges it needs: the round has only 1 judges."


def test_too_many_judges_with_a_conflict() -> None:
    result = assign_judges(
        [judge(1), judge(2), judge(3)],
        [startup(10, "Waterly")],
        judges_per_application=2,
        max_per_judge=5,
        conflicts=[(2, 10), (3, 10)],
    )

    assert pairs_of(result) == [(1, 10)]
    assert result.shortfalls == (
        Shortfall(
            10,
            1,
            ShortfallReason.CONFLICTS,
            Message(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: %(conflicted)s of the "
                "%(total)s judges have a conflict with it (%(judges)s).",
                {
                    "startup": "Waterly",
                    "assigned": 1,
                    "needed": 2,
                    "missing": 1,
                    "conflicted": 2,
                    "total": 3,
                    "judges": "Bojan, Cveta",
                },
            ),
            (2, 3),
        ),
    )


def test_every_judge_without_a_conflict_is_full() -> None:
    # Ana and Bojan are each worth 100 points on one application; Zelena gets what is left: nobody.
    result = assign_judges(
        [judge(1, expertise=("water",)), judge(2, expertise=("energy",))],
        [startup(10, tags=("water",)), startup(11, tags=("energy",)), startup(12, "Zelena")],
        judges_per_application=1,
        max_per_judge=1,
        conflicts=(),
    )

    assert pairs_of(result) == [(1, 10), (2, 11)]
    assert result.shortfalls == (
        Shortfall(
            12,
            1,
            ShortfallReason.ALL_FULL,
            Message(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: every other judge without a conflict "
                "has reached their limit (%(judges)s).",
                {"startup": "Zelena", "assigned": 0, "needed": 1, "missing": 1, "judges": "Ana, Bojan"},
            ),
            (1, 2),
        ),
    )


def test_the_judges_left_are_from_an_organisation_already_on_the_panel() -> None:
    result = assign_judges(
        [judge(1, organisation="NIS", expertise=("water",)), judge(2, organisation="nis")],
        [startup(10, "Waterly", tags=("water",))],
        judges_per_application=2,
        max_per_judge=1,
        conflicts=(),
    )

    assert pairs_of(result) == [(1, 10)]
    assert result.shortfalls == (
        Shortfall(
            10,
            1,
            ShortfallReason.SAME_ORGANISATION,
            Message(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: the judges with room left are from "
                "organisations already on its panel (%(judges)s).",
                {"startup": "Waterly", "assigned": 1, "needed": 2, "missing": 1, "judges": "Bojan"},
            ),
            (2,),
        ),
    )


def test_a_long_list_of_judges_is_cut_in_the_message_but_not_in_the_ids() -> None:
    judges = [judge(i) for i in range(1, 7)]

    result = assign_judges(
        judges,
        [startup(10)],
        judges_per_application=1,
        max_per_judge=1,
        conflicts=[(i, 10) for i in range(1, 7)],
    )

    assert result.shortfalls[0].judge_ids == (1, 2, 3, 4, 5, 6)
    assert result.shortfalls[0].message.params["judges"] == "Ana, Bojan, Cveta, Dejan, Ema, …"


# Panels for normalisation


def test_panels_that_would_share_no_judge_are_joined_by_a_swap() -> None:
    judges = [
        judge(1, expertise=("water",)),
        judge(2, expertise=("water",)),
        judge(3, expertise=("energy",)),
        judge(4, expertise=("energy",)),
    ]
    applications = [
        startup(10, tags=("water",)),
        startup(11, tags=("water",)),
        startup(12, tags=("energy",)),
        startup(13, tags=("energy",)),
    ]

    result = assign_judges(judges, applications, judges_per_application=2, max_per_judge=2, conflicts=())

    # Expertise alone would give {10: (1, 2), 11: (1, 2), 12: (3, 4), 13: (3, 4)}: two groups
    # that never meet. One swap of seats joins them; every load stays 2.
    assert result.components == 1 and result.warnings == ()
    assert sorted(len(panel) for panel in result.panels.values()) == [2, 2, 2, 2]
    assert set(result.loads.values()) == {2}


def test_panels_that_cannot_be_joined_are_warned_about() -> None:
    judges = [judge(1), judge(2), judge(3), judge(4)]
    applications = [startup(10), startup(11), startup(12), startup(13)]
    # Judges 1 and 2 may only judge 10 and 11, judges 3 and 4 only 12 and 13.
    conflicts = {(3, 10), (3, 11), (4, 10), (4, 11), (1, 12), (1, 13), (2, 12), (2, 13)}

    result = assign_judges(judges, applications, judges_per_application=2, max_per_judge=2, conflicts=conflicts)

    assert result.panels == {10: (1, 2), 11: (1, 2), 12: (3, 4), 13: (3, 4)}
    assert (result.components, result.component_judges) == (2, ((1, 2), (3, 4)))
    assert result.warnings == (
        Message(
            "The panels split the judges into %(count)s groups that share no application (%(sizes)s judges), "
            "so scores can be normalised only within each group.",
            {"count": 2, "sizes": "2, 2"},
        ),
    )


def test_overlapping_panels_link_every_judge() -> None:
    # Three judges, two places each, three applications of two: every panel pair overlaps.
    result = assign_judges(
        [judge(1), judge(2), judge(3)],
        [startup(10), startup(11), startup(12)],
        judges_per_application=2,
        max_per_judge=2,
        conflicts=(),
    )

    assert (result.components, result.component_judges, result.warnings) == (1, ((1, 2, 3),), ())


def test_one_judge_per_application_links_nobody() -> None:
    result = assign_judges(
        [judge(1), judge(2)], [startup(10), startup(11)], judges_per_application=1, max_per_judge=1, conflicts=()
    )

    assert (result.components, result.component_judges) == (2, ((1,), (2,)))
    assert len(result.warnings) == 1


def test_no_assignment_has_no_components() -> None:
    result = assign_judges([judge(1)], [], judges_per_application=1, max_per_judge=1, conflicts=())

    assert (result.assignments, result.components, result.loads, result.warnings) == ((), 0, {1: 0}, ())


# Chance, reproducibly


def test_the_same_seed_gives_the_same_plan_and_other_seeds_other_plans() -> None:
    judges = [judge(i) for i in range(1, 7)]
    applications = [startup(i) for i in range(10, 16)]

    def plan(seed: int) -> AssignmentResult:
        return assign_judges(judges, applications, judges_per_application=2, max_per_judge=2, conflicts=(), seed=seed)

    plans = {seed: plan(seed) for seed in range(8)}

    assert plan(3) == plans[3]
    assert len({tuple(pairs_of(result)) for result in plans.values()}) > 1
    for result in plans.values():
        assert set(result.loads.values()) == {2}
        assert {len(panel) for panel in result.panels.values()} == {2}


# Input checks


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"judges_per_application": 0}, "at least one judge"),
        ({"max_per_judge": 0}, "at least one application"),
        ({"expertise_weight": -1}, "weights"),
        ({"balance_weight": -1}, "weights"),
    ],
)
def test_bad_numbers_are_refused(changes: dict, match: str) -> None:
    arguments = {"judges_per_application": 1, "max_per_judge": 1, "conflicts": ()} | changes

    with pytest.raises(ValueError, match=match):
        assign_judges([judge(1)], [startup(10)], **arguments)


def test_duplicate_ids_and_negative_own_limits_are_refused() -> None:
    common = {"judges_per_application": 1, "max_per_judge": 1, "conflicts": ()}

    with pytest.raises(ValueError, match="judge ids"):
        assign_judges([judge(1), judge(1)], [startup(10)], **common)
    with pytest.raises(ValueError, match="application ids"):
        assign_judges([judge(1)], [startup(10), startup(10)], **common)
    with pytest.raises(ValueError, match="own limit"):
        assign_judges([judge(1, max_applications=-1)], [startup(10)], **common)


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
