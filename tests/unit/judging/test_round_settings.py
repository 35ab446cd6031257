"""A round's name and whole-number settings: what each may be, and the message under each field."""

from __future__ import annotations

from core.rules import TOO_LONG
from judging.rules.rounds import (
    ROUND_NAME_MAX_LENGTH,
    number_error,
    round_name_errors,
    round_number_errors,
)
from judging.rules.rubrics import Message

WHOLE_NUMBER = "Give a whole number from %(low)s to %(high)s."


def test_a_name_is_required_and_at_most_120_characters() -> None:
    assert round_name_errors("Final") == {}
    assert round_name_errors("x" * ROUND_NAME_MAX_LENGTH) == {}
    assert round_name_errors("") == {"name": Message("Required.")}
    assert round_name_errors("x" * (ROUND_NAME_MAX_LENGTH + 1)) == {"name": Message(TOO_LONG)}


def test_each_number_out_of_its_range_is_named_with_its_range() -> None:
    within = {"judges_per_application": 1, "max_per_judge": 500, "advance_count": 0}
    assert round_number_errors(within) == {}
    assert round_number_errors({"judges_per_application": 21, "max_per_judge": 0, "advance_count": -1}) == {
        "judges_per_application": Message(WHOLE_NUMBER, {"low": 1, "high": 20}),
        "max_per_judge": Message(WHOLE_NUMBER, {"low": 1, "high": 500}),
        "advance_count": Message(WHOLE_NUMBER, {"low": 0, "high": 10_000}),
    }
    # Only the numbers given are checked: a form reports the ones it could not read itself.
    assert round_number_errors({"advance_count": 10_001}) == {"advance_count": number_error("advance_count")}


def test_the_message_is_filled_in_after_translation() -> None:
    assert number_error("max_per_judge").render() == "Give a whole number from 1 to 500."
    assert number_error("max_per_judge").render(lambda text: text.replace("Give", "Enter")) == (
        "Enter a whole number from 1 to 500."
    )
