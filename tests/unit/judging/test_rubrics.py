"""Rubric rules: what a valid rubric and score sheet are, and how a sheet adds up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.rules.rubrics import (
    COMMENT_MAX_LENGTH,
    Criterion,
    Message,
    Scale,
    check_rubric,
    check_score_sheet,
    total_scale,
    weighted_total,
)

IMPACT = Criterion(1, "Impact", weight=2)
FEASIBILITY = Criterion(2, "Feasibility", weight=1)
TEAM = Criterion(3, "Team", weight=1)
FIT = Criterion(4, "Fit with the municipality", weight=1, independent=True)
RUBRIC = (IMPACT, FEASIBILITY, TEAM, FIT)


def rendered(errors: dict[str, Message]) -> dict[str, str]:
    return {field: str(message) for field, message in errors.items()}


def test_a_sound_rubric_has_no_problems() -> None:
    assert check_rubric(RUBRIC) == {}


def test_every_problem_of_a_rubric_is_listed_at_once_by_position() -> None:
    criteria = (
        Criterion(0, " ", weight=1),
        Criterion(0, "Impact", weight=-1),
        Criterion(0, "impact ", weight=float("nan"), scale_min=1, scale_max=1),
        Criterion(0, "Team", weight=0, scale_min=0.5, scale_max=5),  # type: ignore[arg-type]
        Criterion(0, "Shown only", weight=0, independent=True, scale_min=5, scale_max=3),
    )

    assert rendered(check_rubric(criteria)) == {
        "criteria-0-name": "Give the criterion a name.",
        "criteria-1-weight": "The weight must be a positive number.",
        "criteria-2-name": "Another criterion already has this name.",
        "criteria-2-weight": "The weight must be a positive number.",
        "criteria-2-scale_max": "The highest score must be above the lowest (1).",
        "criteria-3-weight": (
            "The weight must be a positive number; to leave a criterion out of the total, mark it as shown only."
        ),
        "criteria-3-scale_min": "Use a whole number.",
        "criteria-4-scale_max": "The highest score must be above the lowest (5).",
    }


def test_a_rubric_needs_criteria_and_one_that_counts() -> None:
    assert rendered(check_rubric(())) == {"criteria": "Add at least one criterion."}
    assert rendered(check_rubric((Criterion(1, "Fit", weight=1, independent=True),))) == {
        "criteria": "At least one criterion must count towards the total, with a weight above zero."
    }


def test_an_independent_criterion_may_weigh_nothing() -> None:
    assert check_rubric((IMPACT, Criterion(2, "Fit", weight=0, independent=True))) == {}


def test_a_message_keeps_its_template_for_translation_and_fills_it_in_after() -> None:
    message = check_rubric((Criterion(1, "x" * 121, weight=1),))["criteria-0-name"]

    assert message.template == "Use at most %(max)s characters."
    assert message.params == {"max": 120}
    assert message.render({"Use at most %(max)s characters.": "Najviše %(max)s znakova."}.get) == "Najviše 120 znakova."


def test_a_complete_sheet_within_the_scales_may_be_submitted() -> None:
    values = {1: 8, 2: 6, 3: 4, 4: 10}

    assert check_score_sheet(RUBRIC, values, {1: "Strong pilot plan."}, submitting=True) == {}


def test_a_draft_may_leave_criteria_empty_but_a_submission_may_not() -> None:
    values = {1: 8, 2: None}

    assert check_score_sheet(RUBRIC, values, submitting=False) == {}
    assert rendered(check_score_sheet(RUBRIC, values, submitting=True)) == {
        "c2": "Give a score for this criterion.",
        "c3": "Give a score for this criterion.",
        "c4": "Give a score for this criterion.",
    }


def test_values_outside_the_scale_unknown_criteria_and_long_comments_are_refused() -> None:
    values = {1: 11, 2: 0, 3: 7.5, 4: True, 9: 5}
    comments = {1: "x" * COMMENT_MAX_LENGTH, 2: "x" * (COMMENT_MAX_LENGTH + 1)}

    assert rendered(check_score_sheet(RUBRIC, values, comments, submitting=False)) == {  # type: ignore[arg-type]
        "c9": "This criterion is not part of the rubric.",
        "c1": "Enter a whole number from 1 to 10.",
        "c2": "Enter a whole number from 1 to 10.",
        "c2_comment": "Use at most 2000 characters.",
        "c3": "Enter a whole number from 1 to 10.",
        "c4": "Enter a whole number from 1 to 10.",
    }


def test_the_total_is_the_weighted_mean_over_the_counted_criteria() -> None:
    # Weights 2, 1, 1 normalised to 1/2, 1/4, 1/4; "Fit" is shown only:
    # 8 * 1/2 + 6 * 1/4 + 4 * 1/4 = 4 + 1.5 + 1 = 6.5, on the shared 1-10 scale.
    assert weighted_total(RUBRIC, {1: 8, 2: 6, 3: 4, 4: 1}) == 6.5
    assert total_scale(RUBRIC) == Scale(1, 10)


def test_mixed_scales_meet_as_fractions_of_their_range_on_0_to_100() -> None:
    criteria = (
        Criterion(1, "Impact", weight=3, scale_min=1, scale_max=5),
        Criterion(2, "Team", weight=1, scale_min=0, scale_max=10),
        Criterion(3, "Fit", weight=1, scale_min=1, scale_max=3, independent=True),
    )
    # Impact 4 on 1-5 is (4 - 1) / 4 = 0.75 of the way; Team 2 on 0-10 is 0.2.
    # Weights 3/4 and 1/4: 0.75 * 3/4 + 0.2 * 1/4 = 0.5625 + 0.05 = 0.6125 -> 61.25 on 0-100.
    assert total_scale(criteria) == Scale(0, 100)
    assert weighted_total(criteria, {1: 4, 2: 2}) == pytest.approx(61.25)


def test_a_total_needs_every_counted_value() -> None:
    with pytest.raises(ValueError, match=r"no value for criteria \[2\]"):
        weighted_total(RUBRIC, {1: 8, 3: 4})


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(-5, 5), st.integers(1, 10), st.integers(0, 100)),
        min_size=1,
        max_size=6,
    )
)
def test_a_total_stays_within_its_scale(rows: list[tuple[int, int, int, int]]) -> None:
    criteria = tuple(
        Criterion(index, f"c{index}", weight=weight, scale_min=low, scale_max=low + width)
        for index, (weight, low, width, _) in enumerate(rows)
    )
    values = {index: low + position % (width + 1) for index, (_, low, width, position) in enumerate(rows)}

    scale = total_scale(criteria)
    total = weighted_total(criteria, values)

    assert scale.low - 1e-9 <= total <= scale.high + 1e-9
