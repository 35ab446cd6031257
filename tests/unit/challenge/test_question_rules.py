"""The organisers' own questions: definitions, stable choice keys, answers and submission."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from challenge.enums import AnswerKind
from challenge.rules.questions import (
    ANSWER_NEEDED,
    Asked,
    Checked,
    Choice,
    Definition,
    Labels,
    Problem,
    asked_of_track,
    assign_keys,
    check_answer,
    draft_problems,
    moved,
    parse_definition,
    parse_track,
    submission_problems,
)

NAMED = {"label_en": "How many employees?", "label_sr_Cyrl": "Колико запослених?"}


def _choices(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(key=f"c{i}", label=Labels(en=label)) for i, label in enumerate(labels, start=1))


SIZE = Definition(kind=AnswerKind.NUMBER, label=Labels(en="Employees"), min_value=1, max_value=500)
SECTOR = Definition(kind=AnswerKind.SINGLE_CHOICE, label=Labels(en="Sector"), choices=_choices("Water", "Energy"))
TAGS = Definition(kind=AnswerKind.MULTIPLE_CHOICE, label=Labels(en="Tags"), choices=_choices("IoT", "AI", "Data"))


def test_parse_definition_derives_latin_from_cyrillic() -> None:
    definition, errors = parse_definition({"kind": "number", **NAMED, "min_value": "1", "max_value": "500"})

    assert errors == {}
    assert definition == Definition(
        kind=AnswerKind.NUMBER,
        label=Labels(en="How many employees?", sr_Cyrl="Колико запослених?", sr_Latn="Koliko zaposlenih?"),
        min_value=1.0,
        max_value=500.0,
    )


def test_parse_definition_derives_cyrillic_from_latin() -> None:
    definition, errors = parse_definition(
        {"kind": "yes_no", "label_en": "Registered?", "label_sr_Latn": "Registrovani?"}
    )

    assert errors == {}
    assert definition is not None
    assert definition.label == Labels(en="Registered?", sr_Cyrl="Регистровани?", sr_Latn="Registrovani?")


def test_parse_definition_needs_english_and_serbian() -> None:
    assert parse_definition({"kind": "text"}) == (
        None,
        {
            "label_en": "Write the question in English.",
            "label_sr_Cyrl": "Write the question in Serbian (in either script).",
        },
    )


def test_parse_definition_refuses_an_unknown_kind() -> None:
    assert parse_definition({"kind": "essay", **NAMED}) == (None, {"kind": "Choose one of the options."})


def test_parse_definition_refuses_a_range_upside_down() -> None:
    _, errors = parse_definition({"kind": "number", **NAMED, "min_value": "10", "max_value": "2"})

    assert errors == {"max_value": "The largest allowed number must not be below the smallest."}


def test_parse_definition_refuses_unreadable_limits() -> None:
    _, errors = parse_definition({"kind": "number", **NAMED, "min_value": "ten"})
    _, text_errors = parse_definition({"kind": "text", **NAMED, "max_length": "0"})

    assert errors == {"min_value": "Give a number, or leave it blank for no limit."}
    assert text_errors == {"max_length": "Give a whole number of characters from 1 to 10000."}


def test_parse_definition_text_limit_defaults_to_2000() -> None:
    definition, _ = parse_definition({"kind": "text", **NAMED})

    assert definition is not None
    assert definition.max_length == 2000


def test_parse_definition_choices_in_three_languages_with_keys() -> None:
    definition, errors = parse_definition(
        {"kind": "single_choice", **NAMED, "choices_en": "1-5\n6-20\n", "choices_sr_Cyrl": "1-5\n6-20 људи"}
    )

    assert errors == {}
    assert definition is not None
    assert definition.choices == (
        Choice(key="c1", label=Labels(en="1-5", sr_Cyrl="1-5", sr_Latn="1-5")),
        Choice(key="c2", label=Labels(en="6-20", sr_Cyrl="6-20 људи", sr_Latn="6-20 ljudi")),
    )


def test_parse_definition_refuses_repeated_or_too_few_choices() -> None:
    _, repeated = parse_definition(
        {"kind": "single_choice", **NAMED, "choices_en": "Yes\nyes", "choices_sr_Cyrl": "Да\nда"}
    )
    _, one = parse_definition({"kind": "multiple_choice", **NAMED, "choices_en": "Only", "choices_sr_Cyrl": "Само"})
    _, uneven = parse_definition({"kind": "single_choice", **NAMED, "choices_en": "A\nB", "choices_sr_Cyrl": "А"})

    assert repeated == {"choices_en": "Each choice must be different from the others."}
    assert one == {"choices_en": "Give at least two choices, one per line."}
    assert uneven == {"choices_en": "Give each choice in Serbian too, one per line in the same order."}


def test_parse_definition_file_types_and_size() -> None:
    definition, errors = parse_definition(
        {"kind": "file", **NAMED, "max_megabytes": "5"}, file_types=["image/png", "application/pdf"]
    )
    _, none_chosen = parse_definition({"kind": "file", **NAMED, "max_megabytes": "99"})

    assert errors == {}
    assert definition is not None
    assert (definition.file_types, definition.max_megabytes) == (("application/pdf", "image/png"), 5)
    assert none_chosen == {
        "file_types": "Choose at least one kind of file.",
        "max_megabytes": "Give a whole number of megabytes from 1 to 20.",
    }


def test_assign_keys_keeps_a_renamed_choice_and_a_moved_one() -> None:
    previous = _choices("Water", "Energy", "Waste")

    # "Water" and "Energy" swapped, "Waste" renamed in its place, "Air" new.
    assert assign_keys(["Energy", "Water", "Recycling", "Air"], previous) == ("c2", "c1", "c3", "c4")
    assert assign_keys(["Drinking water", "Energy"], previous) == ("c1", "c2")


def test_assign_keys_new_choices_never_reuse_a_key() -> None:
    assert assign_keys(["Water", "Air"], _choices("Water")) == ("c1", "c2")


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=4), min_size=1, max_size=8, unique_by=str.casefold))
def test_assign_keys_are_unique(labels: list[str]) -> None:
    previous = _choices("a", "bb", "ccc")

    keys = assign_keys(labels, previous)

    assert len(set(keys)) == len(labels)


def test_parse_track() -> None:
    assert parse_track("", ["smart_city"]) == (None, None)
    assert parse_track("smart_city", ["smart_city"]) == ("smart_city", None)
    assert parse_track("smart_rural", ["smart_city"]) == (None, "This edition does not run that track.")


def test_moved_swaps_with_the_neighbour_and_stops_at_the_ends() -> None:
    assert moved((4, 7, 9), 7, up=True) == (7, 4, 9)
    assert moved((4, 7, 9), 7, up=False) == (4, 9, 7)
    assert moved((4, 7, 9), 4, up=True) == (4, 7, 9)
    assert moved((4, 7, 9), 9, up=False) == (4, 7, 9)
    assert moved((4, 7, 9), 5, up=True) == (4, 7, 9)


def test_check_number_in_range_with_a_decimal_comma() -> None:
    assert check_answer(SIZE, "12,5") == Checked(value="12,5", number=12.5)


def test_check_number_outside_the_range_keeps_what_was_typed() -> None:
    assert check_answer(SIZE, "900") == Checked(
        value="900", problem=Problem("Give a number from %(min)s to %(max)s.", {"min": "1", "max": "500"})
    )
    assert check_answer(SIZE, "many") == Checked(value="many", problem=Problem("Give a number, such as 12 or 3.5."))


def test_check_number_with_one_bound() -> None:
    at_least = Definition(kind=AnswerKind.NUMBER, label=Labels(en="x"), min_value=0.5)

    assert check_answer(at_least, "0") == Checked(
        value="0", problem=Problem("Give a number of at least %(min)s.", {"min": "0.5"})
    )


def test_check_text_over_its_limit() -> None:
    short = Definition(kind=AnswerKind.TEXT, label=Labels(en="x"), max_length=5)

    assert check_answer(short, " abcdef ") == Checked(
        value="abcdef",
        problem=Problem("At most %(limit)s characters, please (this has %(count)s).", {"limit": "5", "count": "6"}),
    )


def test_check_choices_give_searchable_tags() -> None:
    assert check_answer(SECTOR, "c2") == Checked(value="c2", tags=",c2,")
    assert check_answer(SECTOR, "c9") == Checked(value="c9", problem=Problem("Choose one of the options."))
    # Kept in the order of the question's choices, whatever order the form sent them in.
    assert check_answer(TAGS, ["c3", "c1", "c3"]) == Checked(value=("c1", "c3"), tags=",c1,,c3,")
    assert check_answer(TAGS, ["c1", "c7"]).problem == Problem("Choose from the listed options.")


def test_check_yes_no_and_date() -> None:
    yes_no = Definition(kind=AnswerKind.YES_NO, label=Labels(en="x"))
    when = Definition(kind=AnswerKind.DATE, label=Labels(en="x"))

    assert check_answer(yes_no, "yes") == Checked(value="yes", tags=",yes,")
    assert check_answer(when, "2027-02-28") == Checked(value="2027-02-28")
    assert check_answer(when, "2027-02-30").problem == Problem("Give a date as year-month-day, such as 2027-03-31.")


def test_empty_answers_are_no_problem_in_a_draft() -> None:
    assert check_answer(SIZE, "  ") == Checked(value="")
    assert check_answer(TAGS, []) == Checked(value=())


ASKED = (
    Asked(question_id=1, version_id=11, required=True, definition=SIZE),
    Asked(question_id=2, version_id=21, required=False, definition=SECTOR, track="smart_rural"),
    Asked(question_id=3, version_id=31, required=True, definition=TAGS, track="smart_city"),
)


def test_asked_of_track() -> None:
    assert [q.question_id for q in asked_of_track(ASKED, "smart_city")] == [1, 3]


def test_draft_problems_only_name_invalid_answers() -> None:
    answers = {1: check_answer(SIZE, "0"), 2: check_answer(SECTOR, "")}

    assert draft_problems(ASKED, answers) == {
        "a1": Problem("Give a number from %(min)s to %(max)s.", {"min": "1", "max": "500"})
    }


def test_submission_problems_add_unanswered_required_questions() -> None:
    asked = asked_of_track(ASKED, "smart_city")

    assert submission_problems(asked, {1: check_answer(SIZE, "12")}) == {"a3": Problem(ANSWER_NEEDED)}
    assert submission_problems(asked, {1: check_answer(SIZE, "12"), 3: check_answer(TAGS, ["c2"])}) == {}


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_check_number_accepts_exactly_the_range(value: int) -> None:
    checked = check_answer(SIZE, str(value))

    assert (checked.problem is None) == (1 <= value <= 500)
    assert checked.number == (float(value) if 1 <= value <= 500 else None)
    assert checked.value == str(value)
