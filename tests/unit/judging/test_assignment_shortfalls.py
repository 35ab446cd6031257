"""Judge assignment: every application left short names the first thing in its way."""

from __future__ import annotations

from judging.enums import ShortfallReason
from judging.rules.assignment import (
    Shortfall,
    assign_judges,
)
from judging.rules.rubrics import Message
from tests.unit.judging.assignment_cases import judge, pairs_of, startup

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
