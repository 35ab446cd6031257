"""Application rules: lifecycle, deadline with grace, completeness and eligibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenge.enums import ApplicationStatus as S
from challenge.enums import QuestionKind
from challenge.rules.applications import (
    BULK_NO_STATUS,
    BULK_NOTHING_SELECTED,
    MAX_GRACE_MINUTES,
    ApplicationContent,
    Deadline,
    Question,
    TransitionRefused,
    application_window,
    bulk_request_errors,
    check_transition,
    ineligible_answers,
    judge_submission,
    may_change,
    missing_parts,
    next_statuses,
    parse_grace_minutes,
    split_movable,
)

CLOSES = datetime(2026, 4, 1, 21, 59, tzinfo=UTC)  # 23:59 in Belgrade (summer time)
REGISTERED = Question(1, QuestionKind.YES_NO, "Is the startup registered in the region?", eligible_answer="yes")
EMPLOYEES = Question(2, QuestionKind.CHOICE, "How many employees?", choices=("1-5", "6-20", "21+"))
NOTES = Question(3, QuestionKind.TEXT, "Anything else?", required=False)
QUESTIONS = (REGISTERED, EMPLOYEES, NOTES)
COMPLETE = ApplicationContent(
    problem_ids=(7,),
    solution="Acoustic leak sensors on the main pipes.",
    why_us="We built this for two utilities already.",
    pilot_plan="Six weeks in two villages.",
    impact="A third less water lost.",
    sdgs=(6,),
    has_pitch_deck=True,
    answers={1: "yes", 2: "1-5"},
)


def test_the_deadline_holds_to_the_second_and_honours_the_grace() -> None:
    deadline = Deadline(closes_at=CLOSES, grace=timedelta(minutes=10))

    assert deadline.accepts(CLOSES) is True
    assert deadline.accepts(CLOSES + timedelta(minutes=10)) is True
    assert deadline.accepts(CLOSES + timedelta(minutes=10, seconds=1)) is False
    assert Deadline(closes_at=None).accepts(CLOSES) is True


def test_a_complete_eligible_application_on_time_is_accepted() -> None:
    verdict = judge_submission(
        COMPLETE, QUESTIONS, deadline=Deadline(CLOSES), now=CLOSES - timedelta(hours=1), other_active_in_track=False
    )

    assert verdict.accepted is True


def test_everything_missing_is_listed_at_once() -> None:
    missing = missing_parts(ApplicationContent(solution="Sensors"), QUESTIONS)

    assert missing == {
        "problems": "Choose at least one published problem you address.",
        "why_us": "Required before submission.",
        "pilot_plan": "Required before submission.",
        "impact": "Required before submission.",
        "sdgs": "Required before submission.",
        "pitch_deck": "Upload your pitch deck (PDF).",
        "q1": "Please answer this question.",
        "q2": "Please answer this question.",
    }


def test_answers_must_be_among_the_options() -> None:
    content = ApplicationContent(**{**COMPLETE.__dict__, "answers": {1: "maybe", 2: "lots"}})

    assert missing_parts(content, QUESTIONS) == {"q1": "Choose one of the options.", "q2": "Choose one of the options."}


def test_an_ineligible_answer_is_named() -> None:
    content = ApplicationContent(**{**COMPLETE.__dict__, "answers": {1: "no", 2: "1-5"}})

    assert ineligible_answers(content, QUESTIONS) == {
        "q1": "With this answer the startup is not eligible for this edition."
    }


def test_late_and_duplicate_submissions_are_refused() -> None:
    late = judge_submission(
        COMPLETE, QUESTIONS, deadline=Deadline(CLOSES), now=CLOSES + timedelta(seconds=1), other_active_in_track=False
    )
    duplicate = judge_submission(COMPLETE, QUESTIONS, deadline=Deadline(CLOSES), now=CLOSES, other_active_in_track=True)

    assert (late.accepted, late.too_late) == (False, True)
    assert (duplicate.accepted, duplicate.duplicate) == (False, True)


@pytest.mark.parametrize(
    ("old", "new", "by_organiser"),
    [
        (S.DRAFT, S.SUBMITTED, False),
        (S.SUBMITTED, S.WITHDRAWN, False),
        (S.SUBMITTED, S.SHORTLISTED, True),
        (S.SUBMITTED, S.DRAFT, True),
        (S.SHORTLISTED, S.ACCEPTED, True),
        (S.ACCEPTED, S.FINALIST, True),
        (S.FINALIST, S.WINNER, True),
    ],
)
def test_allowed_transitions(old: S, new: S, by_organiser: bool) -> None:
    check_transition(old, new, by_organiser=by_organiser)


@pytest.mark.parametrize(
    ("old", "new", "by_organiser"),
    [
        (S.DRAFT, S.SHORTLISTED, True),  # organisers screen only what was submitted
        (S.SUBMITTED, S.SHORTLISTED, False),  # startups cannot shortlist themselves
        (S.SHORTLISTED, S.WITHDRAWN, False),  # withdrawal ends when screening has decided
        (S.WINNER, S.REJECTED, True),
    ],
)
def test_refused_transitions(old: S, new: S, by_organiser: bool) -> None:
    with pytest.raises(TransitionRefused):
        check_transition(old, new, by_organiser=by_organiser)


def test_what_each_side_can_do_next() -> None:
    assert next_statuses(S.SUBMITTED, by_organiser=False) == {S.WITHDRAWN}
    assert next_statuses(S.SUBMITTED, by_organiser=True) == {S.DRAFT, S.SHORTLISTED, S.REJECTED}


def test_a_bulk_change_names_a_missing_status_and_an_empty_selection_together() -> None:
    assert bulk_request_errors(status="", selected=0) == {"status": BULK_NO_STATUS, "ids": BULK_NOTHING_SELECTED}
    assert bulk_request_errors(status="submitted", selected=3) == {"status": BULK_NO_STATUS}  # startups submit
    assert bulk_request_errors(status="shortlisted", selected=1) == {}


def test_a_bulk_change_splits_what_may_move_from_what_its_status_stops() -> None:
    movable, stuck = split_movable({1: S.SUBMITTED, 2: S.REJECTED, 3: S.ACCEPTED, 4: S.DRAFT}, S.SHORTLISTED)

    assert movable == [1, 2]
    assert stuck == [(3, S.ACCEPTED), (4, S.DRAFT)]


def test_the_window_is_open_until_the_deadline_then_in_grace_then_closed() -> None:
    deadline = Deadline(closes_at=CLOSES, grace=timedelta(minutes=10))

    before = application_window(deadline, now=CLOSES - timedelta(seconds=1))
    grace = application_window(deadline, now=CLOSES + timedelta(minutes=10))
    after = application_window(deadline, now=CLOSES + timedelta(minutes=10, seconds=1))

    assert (before.open, before.in_grace, before.closed) == (True, False, False)
    assert (grace.open, grace.in_grace, grace.closed) == (True, True, False)
    assert (after.open, after.in_grace, after.closed) == (False, False, True)
    assert after.closes_at == CLOSES
    assert after.last_accepted == CLOSES + timedelta(minutes=10)


def test_without_a_deadline_the_window_stays_open() -> None:
    window = application_window(Deadline(closes_at=None), now=CLOSES)

    assert (window.open, window.in_grace, window.closes_at, window.last_accepted) == (True, False, None, None)


def test_without_grace_the_window_closes_on_the_second() -> None:
    assert application_window(Deadline(CLOSES), now=CLOSES).open is True
    assert application_window(Deadline(CLOSES), now=CLOSES + timedelta(seconds=1)).open is False


@pytest.mark.parametrize(
    ("status", "seconds_after", "expected"),
    [
        (S.DRAFT, -1, True),
        (S.DRAFT, 1, False),  # closed: a draft is neither changed nor submitted
        (S.SUBMITTED, -1, False),
        (S.WITHDRAWN, -1, False),
    ],
)
def test_a_startup_changes_only_a_draft_while_the_window_is_open(status, seconds_after, expected) -> None:
    window = application_window(Deadline(CLOSES), now=CLOSES + timedelta(seconds=seconds_after))

    assert may_change(status, window) is expected


def test_a_window_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        application_window(Deadline(CLOSES), now=datetime(2026, 4, 1, 12, 0))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", (0, None)),
        ("  ", (0, None)),
        ("0", (0, None)),
        ("15", (15, None)),
        (" 1440 ", (1440, None)),
        ("1441", (None, "Give a whole number of minutes from 0 to 1440 (a day).")),
        ("-5", (None, "Give a whole number of minutes from 0 to 1440 (a day).")),
        ("2.5", (None, "Give a whole number of minutes from 0 to 1440 (a day).")),
        ("ten", (None, "Give a whole number of minutes from 0 to 1440 (a day).")),
    ],
)
def test_grace_minutes_from_the_form(raw: str, expected: tuple[int | None, str | None]) -> None:
    assert parse_grace_minutes(raw) == expected
    assert MAX_GRACE_MINUTES == 1440
