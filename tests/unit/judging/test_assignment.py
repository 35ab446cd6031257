"""Judge assignment: exact plans on small cases, panels that link judges, seeds and input checks."""

from __future__ import annotations

import pytest

from judging.rules.assignment import (
    AssignmentResult,
    JudgeAssignment,
    assign_judges,
    shared_tags,
)
from judging.rules.rubrics import Message
from tests.unit.judging.assignment_cases import judge, pairs_of, startup

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
