"""A mentor's profile as given (the typed command): stored values, and every problem under its field."""

from __future__ import annotations

from typing import Any

import msgspec

from mentoring.rules.profiles import parse_profile
from mentoring.schemas import ProfileCommand, WindowIn

TAGS = {"iot", "fundraising"}
STARTUPS = {7, 9}


GIVEN = ProfileCommand(expertise=["iot"], languages=["sr"], capacity=2)


def _parse(**changes: Any) -> tuple[dict[str, object], dict[str, str]]:
    """The rule's values and errors for GIVEN with `changes`."""
    parsed = parse_profile(msgspec.structs.replace(GIVEN, **changes), known_tags=TAGS, known_startups=STARTUPS)
    return parsed.values, parsed.errors


def test_a_whole_profile_is_stored_trimmed_sorted_and_split() -> None:
    values, errors = _parse(
        expertise=["iot", "fundraising", "iot"],
        languages=["en", "sr"],
        bio="  Twenty years of water utilities. ",
        organisation=" ETF ",
        sectors=["water, energy", "", "agriculture; water"],
        availability=[
            WindowIn(weekday=2, start="13:00", end="24:00"),
            WindowIn(weekday=0, start=" 09:00", end="12:00"),
        ],
        blackout_dates=["2027-03-03", " 2027-03-01 ", ""],
        conflict_startups=[9, 7, 9],
        conflict_organisations=["Vodovod Niš, d.o.o.", "ETF"],
    )
    assert errors == {}
    assert values == {
        "bio": "Twenty years of water utilities.",
        "organisation": "ETF",
        "expertise": ["fundraising", "iot"],
        "languages": ["sr", "en"],
        "sectors": ["agriculture", "energy", "water"],
        "capacity": 2,
        "timezone": "Europe/Belgrade",
        "availability": [[0, 540, 720], [2, 780, 1440]],
        "blackout_dates": ["2027-03-01", "2027-03-03"],
        "conflict_startups": [7, 9],
        "conflict_organisations": ["ETF", "Vodovod Niš, d.o.o."],
    }


def test_every_problem_is_named_under_the_forms_field_names() -> None:
    _, errors = _parse(
        expertise=["iot", "blockchain"],
        languages=["sr", "xx"],
        capacity=None,
        timezone="Europe/Nowhere",
        bio="x" * 2001,
        organisation="x" * 201,
        sectors=[f"sector {n}" for n in range(11)],
        availability=[WindowIn(weekday=1, start="12:00", end="09:00"), WindowIn(weekday=4, start="9", end="")],
        blackout_dates=["1 March"],
        conflict_startups=[7, -1],
        conflict_organisations=["x" * 201],
    )
    assert errors == {
        "expertise": "Unknown expertise: choose from the list.",
        "languages": "Choose languages from the list.",
        "capacity": "Give how many startups you can mentor, a whole number.",
        "timezone": "Choose a time zone from the list.",
        "bio": "This is too long; please shorten it.",
        "organisation": "This is too long; please shorten it.",
        "sectors": "Give at most 10 sectors.",
        "avail_1": "Give a start and an end time, e.g. 09:00 and 12:00.",
        "avail_4": "Give a start and an end time, e.g. 09:00 and 12:00.",
        "blackout_dates": "Write each date as YYYY-MM-DD, one per line.",
        "conflict_startups": "Choose startups from the list.",
        "conflict_organisations": "This is too long; please shorten it.",
    }


def test_what_is_required_and_what_is_out_of_range() -> None:
    assert _parse(expertise=[], languages=[], capacity=21)[1] == {
        "expertise": "Choose at least one area of expertise.",
        "languages": "Choose the languages you mentor in.",
        "capacity": "You can mentor from 1 to 20 startups.",
    }
    assert _parse(capacity=0)[1] == {"capacity": "You can mentor from 1 to 20 startups."}


def test_a_day_left_blank_has_no_hours_and_a_day_given_twice_keeps_its_last_window() -> None:
    values, errors = _parse(
        availability=[
            WindowIn(weekday=3, start=" ", end=""),
            WindowIn(weekday=5, start="08:00", end="10:00"),
            WindowIn(weekday=5, start="14:00", end="16:00"),
        ]
    )
    assert errors == {}
    assert values["availability"] == [[5, 840, 960]]
