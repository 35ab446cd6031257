"""Mentor matching: the organiser's checker, what is still short, and re-runs."""

from __future__ import annotations

import random

from mentoring.rules.matching import (
    PairRef,
    PairWarning,
    PreviousPair,
    WarningKind,
    check_pairs,
    match_mentors,
    rematch,
    still_short,
)
from tests.unit.mentoring.matching_cases import MONDAY, application, mentor, pairs

# --- the organiser's checker and re-runs ------------------------------------------------------


def test_the_checker_lists_every_broken_rule() -> None:
    mentors = [
        mentor(1, name="Ana", organisation="Telekom", capacity=1),
        mentor(2, name="Bojan", organisation="Telekom", conflict_organisations=frozenset({"Startup 2"})),
        mentor(3, name="Hans", languages=("German",)),
    ]
    teams = [application(1), application(2, mentors_wanted=2)]
    proposal = [PairRef(1, 1), PairRef(1, 2), PairRef(2, 2), PairRef(3, 2), PairRef(3, 2), PairRef(1, 99)]

    warnings = check_pairs(mentors, teams, proposal)

    assert [(w.kind, w.mentor_id, w.application_id, w.message) for w in warnings] == [
        (WarningKind.CONFLICT, 2, 2, "Bojan has declared a conflict with Startup 2."),
        (WarningKind.NO_SHARED_LANGUAGE, 3, 2, "Hans speaks German; the team of Startup 2 speaks Serbian."),
        (WarningKind.DUPLICATE, 3, 2, "Hans is paired with Startup 2 twice."),
        (WarningKind.UNKNOWN_APPLICATION, 1, 99, "There is no application 99."),
        (WarningKind.OVER_CAPACITY, 1, None, "Ana has 2 startups but takes at most 1."),
        (
            WarningKind.SAME_ORGANISATION,
            None,
            2,
            "Startup 2 has 2 mentors from Telekom; one per organisation is the rule.",
        ),
        (WarningKind.TOO_MANY_MENTORS, None, 2, "Startup 2 has 3 mentors but asked for 2."),
    ]


def test_a_pair_with_a_team_that_named_no_language_says_so() -> None:
    warnings = check_pairs([mentor(1, name="Ana")], [application(1, languages=())], [PairRef(1, 1)])

    assert [(w.kind, w.message) for w in warnings] == [
        (
            WarningKind.NO_SHARED_LANGUAGE,
            "Ana speaks Serbian; Startup 1 has not said which languages the team speaks.",
        )
    ]


def test_startups_paired_since_the_run_are_no_longer_short() -> None:
    left = [
        {"application_id": 1, "params": {"wanted": "1"}},
        {"application_id": 2, "params": {"wanted": "2"}},
        {"application_id": 3, "params": {"wanted": "1"}},
    ]

    assert still_short(left, {1: 1, 2: 1}) == [left[1], left[2]]
    assert still_short(left, {1: 1, 2: 2, 3: 1}) == []


def test_a_clean_proposal_has_no_warnings() -> None:
    assert check_pairs([mentor(1)], [application(1)], [PairRef(1, 1)]) == ()


def test_a_warning_keeps_its_template_for_translation() -> None:
    [warning] = check_pairs([mentor(1, name="Ana", capacity=0)], [application(1)], [PairRef(1, 1)])

    assert warning == PairWarning(
        WarningKind.OVER_CAPACITY,
        1,
        None,
        "%(mentor)s has %(count)s startups but takes at most %(capacity)s.",
        {"mentor": "Ana", "count": 1, "capacity": 0},
    )


def test_a_rematch_keeps_locks_and_earlier_pairs_it_cannot_clearly_improve() -> None:
    mentors = [mentor(1), mentor(2), mentor(3)]
    teams = [application(1), application(2)]
    # All three mentors are equally good; mentor 3 was with team 2 last time, and team 3 is new.
    previous = [PreviousPair(1, 1, locked=True), PreviousPair(3, 2)]
    again = rematch(mentors, [*teams, application(3)], previous=previous, reference_date=MONDAY)

    assert [(pair.mentor_id, pair.application_id, pair.locked) for pair in again.pairs] == [
        (1, 1, True),
        (3, 2, False),
        (2, 3, False),
    ]


def test_a_rematch_drops_pairs_of_mentors_who_left() -> None:
    result = rematch([mentor(2)], [application(1)], previous=[PreviousPair(1, 1, locked=True)], reference_date=MONDAY)

    assert pairs(result) == [(2, 1)]
    assert [warning.kind for warning in result.warnings] == [WarningKind.UNKNOWN_MENTOR]


def test_the_same_input_in_any_order_gives_the_same_plan() -> None:
    rng = random.Random(11)
    tags = ["IoT", "GIS", "procurement", "energy", "law", "pricing"]
    mentors = [
        mentor(
            n,
            organisation=rng.choice(["A", "B", "C", ""]),
            expertise=tuple(rng.sample(tags, 2)),
            languages=tuple(rng.sample(["Serbian", "English", "Hungarian"], rng.randint(1, 2))),
            capacity=rng.randint(1, 3),
        )
        for n in range(12)
    ]
    teams = [
        application(
            n,
            support_needed=tuple(rng.sample(tags, rng.randint(1, 2))),
            languages=tuple(rng.sample(["Serbian", "English", "Hungarian"], rng.randint(1, 2))),
            mentors_wanted=rng.randint(1, 2),
        )
        for n in range(25)
    ]

    first = match_mentors(mentors, teams, reference_date=MONDAY)
    for _ in range(3):
        rng.shuffle(mentors)
        rng.shuffle(teams)
        assert match_mentors(mentors, teams, reference_date=MONDAY) == first
