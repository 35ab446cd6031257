"""Feedback to teams: their means against the field, and comments signed by anonymous letters."""

from __future__ import annotations

import pytest

from judging.enums import FeedbackScores, Normalisation
from judging.rules.feedback import (
    Comment,
    Distribution,
    FeedbackSettings,
    JudgeComments,
    Sheet,
    distribution,
    judge_letter,
    round_feedback,
    team_feedback,
)
from judging.rules.rubrics import Criterion

IMPACT = Criterion(id=1, name="Impact", weight=2.0, scale_min=1, scale_max=10)
TEAM = Criterion(id=2, name="Team", weight=1.0, scale_min=1, scale_max=5)
CRITERIA = [IMPACT, TEAM]
# Judge 7 is lenient: two points above judge 3 on both applications they share.
SHEETS = [
    Sheet(101, 7, 10, True, {1: 9, 2: 4}, {1: "Strong pilot plan", 2: "Small team"}, frozenset({2})),
    Sheet(102, 3, 10, True, {1: 6, 2: 5}, {2: "Great team"}),
    Sheet(103, 7, 20, True, {1: 5, 2: 2}, {1: "  "}),
    Sheet(104, 3, 20, True, {1: 4, 2: 3}, {1: "Unclear market"}),
    Sheet(105, 3, 30, True, {1: 9, 2: 5}, {}),
    # A draft counts for nothing, its comment included.
    Sheet(106, 7, 30, False, {1: 1, 2: 1}, {1: "Draft thought"}),
]
RAW = FeedbackSettings(scores=FeedbackScores.RAW_MEAN, comments=True)


def test_raw_means_stand_against_every_teams_mean_on_the_criterion() -> None:
    feedback = team_feedback(10, CRITERIA, SHEETS, RAW)

    impact, team = feedback.scores
    assert (impact.criterion_id, impact.mean, impact.judges, impact.place) == (1, 7.5, 2, 2)
    assert impact.field == Distribution(
        teams=3, minimum=4.5, lower_quartile=6.0, median=7.5, upper_quartile=8.25, maximum=9.0
    )
    assert (team.criterion_id, team.mean, team.place) == (2, 4.5, 2)
    assert team.field == Distribution(
        teams=3, minimum=2.5, lower_quartile=3.5, median=4.5, upper_quartile=4.75, maximum=5.0
    )


def test_normalised_means_take_the_lenient_judges_points_out() -> None:
    settings = FeedbackSettings(scores=FeedbackScores.NORMALISED_MEAN, normalisation=Normalisation.JUDGE_OFFSET)

    feedback = round_feedback(CRITERIA, SHEETS, settings)

    # Leniency on Impact: judge 7 is 2 above judge 3; offsets +1.2 and -0.8 (weighted by 2 and 3 totals).
    impacts = {a: f.scores[0].mean for a, f in feedback.items()}
    assert impacts == {10: pytest.approx(7.3), 20: pytest.approx(4.3), 30: pytest.approx(9.8)}
    assert [f.scores[0].place for f in feedback.values()] == [2, 3, 1]
    assert all(f.comments == () for f in feedback.values())


def test_comments_are_signed_by_letters_in_assignment_order_without_private_or_blank_ones() -> None:
    feedback = round_feedback(CRITERIA, SHEETS, FeedbackSettings(comments=True))

    assert feedback[10].scores == ()
    assert feedback[10].comments == (
        JudgeComments("A", (Comment(1, "Impact", "Strong pilot plan"),)),
        JudgeComments("B", (Comment(2, "Team", "Great team"),)),
    )
    # Judge 7's sheet on team 20 has only a blank comment, yet keeps letter A.
    assert feedback[20].comments == (JudgeComments("B", (Comment(1, "Impact", "Unclear market"),)),)
    assert feedback[30].comments == ()


def test_a_round_that_shares_nothing_gives_no_feedback() -> None:
    assert round_feedback(CRITERIA, SHEETS, FeedbackSettings()) == {}
    assert team_feedback(10, CRITERIA, SHEETS, FeedbackSettings()).empty


def test_a_team_without_submitted_sheets_gets_empty_feedback() -> None:
    assert team_feedback(99, CRITERIA, SHEETS, RAW).empty


def test_equal_means_share_a_place() -> None:
    sheets = [Sheet(1, 1, 10, True, {1: 6}, {}), Sheet(2, 1, 20, True, {1: 6}, {}), Sheet(3, 1, 30, True, {1: 8}, {})]

    feedback = round_feedback([IMPACT], sheets, RAW)

    assert [f.scores[0].place for f in feedback.values()] == [2, 2, 1]


def test_one_team_is_its_own_field() -> None:
    assert distribution([6.0]) == Distribution(1, 6.0, 6.0, 6.0, 6.0, 6.0)


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (2, "C"), (25, "Z"), (26, "AA"), (27, "AB")])
def test_judge_letters_run_like_spreadsheet_columns(index: int, letter: str) -> None:
    assert judge_letter(index) == letter
