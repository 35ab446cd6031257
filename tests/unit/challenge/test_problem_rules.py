"""The problem statement: lifecycle and what a complete one contains."""

from __future__ import annotations

import pytest

from challenge.enums import BudgetRange, ProblemAction, ProblemStatus, ProcurementPath, Track
from challenge.rules.problems import (
    TransitionRefused,
    allowed_actions,
    draft_problems,
    missing_for_submission,
    parse_problem,
    transition,
)
from tests.factories import COMPLETE_PROBLEM


def _form(**overrides: object) -> dict[str, object]:
    data = {key: value for key, value in COMPLETE_PROBLEM.items()}
    data["sdgs"] = [str(goal) for goal in COMPLETE_PROBLEM["sdgs"]]
    data["open_data_links"] = "\n".join(COMPLETE_PROBLEM["open_data_links"])
    data["affected_count"] = str(COMPLETE_PROBLEM["affected_count"])
    data.update(overrides)
    return data


def test_a_complete_form_parses_into_typed_fields() -> None:
    parsed = parse_problem(_form())

    assert parsed.errors == {}
    assert parsed.fields.track == Track.SMART_RURAL
    assert parsed.fields.sdgs == (6, 11)
    assert parsed.fields.affected_count == 4200
    assert parsed.fields.budget_range == BudgetRange.FROM_10K_TO_50K
    assert parsed.fields.procurement_path == ProcurementPath.PILOT
    assert missing_for_submission(parsed.fields) == {}


def test_unknown_sdg_numbers_are_refused() -> None:
    parsed = parse_problem(_form(sdgs=["6", "18", "zero"]))

    assert parsed.errors == {"sdgs": "SDG goals are numbered 1 to 17."}
    assert parsed.fields.sdgs == (6,)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("affected_count", "about a thousand", "Give a whole number of people, e.g. 4200."),
        ("track", "smart_moon", "Choose one of the options."),
        ("open_data_links", "javascript:alert(1)", "Each link must be a full web address starting with https://"),
        ("contact_email", "not-an-email", "This does not look like an email address (name@example.org)."),
        ("title", "x" * 201, "This is too long; please shorten it."),
    ],
)
def test_bad_values_are_named_per_field(field: str, value: str, message: str) -> None:
    assert parse_problem(_form(**{field: value})).errors == {field: message}


def test_a_draft_needs_only_a_title() -> None:
    assert draft_problems(parse_problem({"title": "Parking"}).fields) == {}
    assert draft_problems(parse_problem({}).fields) == {"title": "Give the problem a title before saving."}


def test_submission_lists_every_missing_field() -> None:
    missing = missing_for_submission(parse_problem({"title": "Parking", "summary": "Too few spaces"}).fields)

    assert sorted(missing) == sorted(
        [
            "track",
            "context",
            "affected_groups",
            "affected_count",
            "data_available",
            "sdgs",
            "budget_range",
            "procurement_path",
            "pilot_location",
            "contact_name",
            "contact_email",
        ]
    )


@pytest.mark.parametrize(
    ("status", "action", "result"),
    [
        (ProblemStatus.DRAFT, ProblemAction.SUBMIT, ProblemStatus.SUBMITTED),
        (ProblemStatus.SUBMITTED, ProblemAction.REQUEST_CHANGES, ProblemStatus.CHANGES_REQUESTED),
        (ProblemStatus.CHANGES_REQUESTED, ProblemAction.SUBMIT, ProblemStatus.SUBMITTED),
        (ProblemStatus.SUBMITTED, ProblemAction.PUBLISH, ProblemStatus.PUBLISHED),
        (ProblemStatus.PUBLISHED, ProblemAction.ARCHIVE, ProblemStatus.ARCHIVED),
        (ProblemStatus.DRAFT, ProblemAction.WITHDRAW, ProblemStatus.WITHDRAWN),
    ],
)
def test_lifecycle(status: ProblemStatus, action: ProblemAction, result: ProblemStatus) -> None:
    assert transition(status, action) == result


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (ProblemStatus.DRAFT, ProblemAction.PUBLISH),
        (ProblemStatus.PUBLISHED, ProblemAction.SUBMIT),
        (ProblemStatus.ARCHIVED, ProblemAction.PUBLISH),
        (ProblemStatus.WITHDRAWN, ProblemAction.SUBMIT),
    ],
)
def test_impossible_transitions_are_refused(status: ProblemStatus, action: ProblemAction) -> None:
    with pytest.raises(TransitionRefused):
        transition(status, action)


def test_organisers_choose_among_the_actions_the_status_allows() -> None:
    assert allowed_actions(ProblemStatus.SUBMITTED) == {
        ProblemAction.REQUEST_CHANGES,
        ProblemAction.PUBLISH,
        ProblemAction.ARCHIVE,
        ProblemAction.WITHDRAW,
    }
