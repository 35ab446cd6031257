"""Topping up after a judge drops out: only additions, the released judge gets nothing new, and
conflicts, limits and the one-per-organisation rule hold."""

from __future__ import annotations

from judging.enums import ShortfallReason
from judging.rules.assignment import JudgeAssignment, plan_top_up, released_conflicts
from tests.unit.judging.assignment_cases import judge, startup

# Ana (1) dropped out; she submitted application 10 and had 11 and 12 still to score.
CURRENT = {(1, 10), (2, 10), (2, 11), (3, 12)}


def test_the_released_sheets_go_to_others_and_nothing_else_moves() -> None:
    top_up = plan_top_up(
        [judge(1), judge(2), judge(3), judge(4)],
        [startup(10), startup(11), startup(12)],
        released={1},
        current=CURRENT,
        judges_per_application=2,
        max_per_judge=3,
        conflicts={(4, 11)},
    )

    assert sorted((a.judge_id, a.application_id) for a in top_up.added) == [(3, 11), (4, 12)]
    assert all(not a.locked for a in top_up.added)
    kept = {(a.judge_id, a.application_id) for a in top_up.result.assignments if a.locked}
    assert kept == CURRENT
    assert top_up.shortfalls == ()


def test_the_one_per_organisation_rule_holds_in_the_top_up() -> None:
    # Bojan (2) and Cveta (3) are both from Telekom: application 11 cannot have both.
    judges = [judge(1), judge(2, organisation="Telekom"), judge(3, organisation="Telekom"), judge(4)]

    top_up = plan_top_up(
        judges,
        [startup(10), startup(11)],
        released={1},
        current={(1, 10), (2, 10), (2, 11)},
        judges_per_application=2,
        max_per_judge=5,
        conflicts=(),
    )

    assert [(a.judge_id, a.application_id) for a in top_up.added] == [(4, 11)]


def test_a_short_top_up_says_why_without_blaming_the_released_judge() -> None:
    # Only Bojan and Cveta remain for 11; Cveta is at her limit and Bojan sits on it already.
    top_up = plan_top_up(
        [judge(1), judge(2), judge(3)],
        [startup(10), startup(11), startup(12, name="AgroSense")],
        released={1},
        current={(2, 11), (3, 10), (1, 12), (2, 12)},
        judges_per_application=2,
        max_per_judge=1,
        conflicts=(),
    )

    assert top_up.added == ()
    short = {s.application_id: s for s in top_up.shortfalls}
    assert sorted(short) == [10, 11]
    assert short[11].reason == ShortfallReason.ALL_FULL
    assert short[11].judge_ids == (3,)
    assert 1 not in short[10].judge_ids


def test_conflicts_are_kept_and_named_in_the_shortfall() -> None:
    top_up = plan_top_up(
        [judge(1), judge(2), judge(3)],
        [startup(10)],
        released={1},
        current={(2, 10)},
        judges_per_application=2,
        max_per_judge=5,
        conflicts={(3, 10)},
    )

    assert top_up.added == ()
    assert [(s.application_id, s.missing, s.reason, s.judge_ids) for s in top_up.shortfalls] == [
        (10, 1, ShortfallReason.CONFLICTS, (3,))
    ]


def test_an_earlier_released_judge_gets_nothing_new_either() -> None:
    top_up = plan_top_up(
        [judge(1), judge(2), judge(3)],
        [startup(10), startup(11)],
        released={1, 2},
        current={(3, 10)},
        judges_per_application=1,
        max_per_judge=5,
        conflicts=(),
    )

    assert top_up.added == (JudgeAssignment(3, 11),)


def test_released_conflicts_bar_every_application_but_the_kept_ones() -> None:
    assert released_conflicts({1}, [10, 11, 12], {(1, 10), (2, 11)}) == {(1, 11), (1, 12)}
