"""The demo jury's comments vary from judge to judge and application to application, the same on every run."""

from __future__ import annotations

from core.demo.jury import FEASIBLE, IMPACT_PRAISE, TEAM_NOTES, judge_comment


def test_judge_comment_is_the_same_on_every_run() -> None:
    first = [judge_comment(FEASIBLE, seed=2, application_id=a, judge_number=j) for a in range(20) for j in range(6)]
    again = [judge_comment(FEASIBLE, seed=2, application_id=a, judge_number=j) for a in range(20) for j in range(6)]

    assert first == again


def test_judge_comment_differs_between_judges_of_one_application() -> None:
    said = [judge_comment(TEAM_NOTES, seed=2, application_id=7, judge_number=j) for j in range(len(TEAM_NOTES))]

    assert sorted(said) == sorted(TEAM_NOTES)


def test_judge_comment_varies_across_applications() -> None:
    said = {judge_comment(IMPACT_PRAISE, seed=1, application_id=a, judge_number=0) for a in range(40)}

    assert said == set(IMPACT_PRAISE)
