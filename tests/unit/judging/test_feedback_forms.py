"""The round form's feedback fieldset and the sheet's "for organisers only" boxes, as commands."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from judging.enums import FeedbackScores
from judging.forms import round_command, scores_command

ROUND = {
    "name": "Interviews",
    "method": "weighted_rubric",
    "entry": "advanced",
    "judges_per_application": "2",
    "max_per_judge": "6",
    "advance_count": "12",
    "normalisation": "judge_offset",
}


def test_the_round_form_reads_the_feedback_settings() -> None:
    command = round_command({**ROUND, "feedback_scores": "raw_mean", "feedback_comments": "on"}, "Europe/Belgrade")

    assert (command.feedback_scores, command.feedback_comments) == (FeedbackScores.RAW_MEAN, True)


def test_a_round_form_without_the_fieldset_shares_nothing() -> None:
    command = round_command(ROUND, "Europe/Belgrade")

    assert (command.feedback_scores, command.feedback_comments) == (FeedbackScores.NONE, False)


def test_an_unknown_feedback_choice_is_named_with_the_other_errors() -> None:
    with pytest.raises(ValidationFailed) as refused:
        round_command({**ROUND, "name": "", "feedback_scores": "everything"}, "Europe/Belgrade")

    assert list(refused.value.errors) == ["name", "feedback_scores"]


def test_the_sheet_reads_which_comments_are_for_the_organisers() -> None:
    command = scores_command(
        {"c3": "7", "c3_comment": "Shared.", "c4_comment": "Kept.", "c4_private": "on", "c5_private": ""},
        submit=False,
    )

    assert command.comments == {3: "Shared.", 4: "Kept."}
    assert command.private_comments == frozenset({4})
