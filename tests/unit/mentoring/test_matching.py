"""Mentor matching: fit and explanations, hard rules, the plan, and who is left and why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentoring.rules.matching import (
    Application,
    Explanation,
    Mentor,
    PairRef,
    Period,
    UnmatchedReason,
    WarningKind,
    Weights,
    candidate_fits,
    match_mentors,
)
from tests.unit.mentoring.matching_cases import ANA, AQUA, MONDAY, H, application, mentor, pairs, window

# --- fit and explanation ----------------------------------------------------------------------


def test_a_pair_is_explained_in_data_and_in_english() -> None:
    result = match_mentors([ANA], [AQUA], reference_date=MONDAY)

    [pair] = result.pairs
    assert pair.explanation == Explanation(
        shared_expertise=("procurement", "IoT"),
        missing_expertise=(),
        sector=None,
        shared_languages=("Serbian",),
        overlap_minutes=6 * H,
    )
    assert pair.explanation.text == "shares: procurement, IoT; both speak Serbian; 6 h/week overlap"
    assert pair.explanation.parts == (
        ("shares: %(tags)s", {"tags": "procurement, IoT"}),
        ("both speak %(languages)s", {"languages": "Serbian"}),
        ("%(hours)s h/week overlap", {"hours": "6"}),
    )


def test_the_explanation_names_sector_flexible_hours_and_days_away() -> None:
    away = Mentor(
        id=2,
        name="Marko",
        expertise=("iot ",),
        sectors=("Water",),
        languages=("Serbian", "English"),
        blackout_dates=frozenset({date(2026, 2, 3), date(2026, 2, 4), date(2026, 2, 5), date(2026, 5, 1)}),
    )
    team = application(11, support_needed=("IoT", "GIS"), sector="water", languages=("English", "Serbian"))
    period = Period(date(2026, 2, 2), date(2026, 3, 1))

    [pair] = match_mentors([away], [team], reference_date=MONDAY, period=period).pairs

    assert pair.explanation.text == (
        "shares: IoT; same sector: water; both speak English, Serbian; flexible hours; away 3 of 28 days"
    )
    assert pair.explanation.missing_expertise == ("GIS",)


def test_no_common_hours_and_no_common_expertise_are_said_plainly() -> None:
    generalist = mentor(3, expertise=("law",), availability=(window(4, 9, 10),))
    team = application(12, support_needed=("IoT",), availability=(window(0, 9, 10),))

    [pair] = match_mentors(
        [generalist], [team], reference_date=MONDAY, weights=Weights(require_shared_expertise=False)
    ).pairs

    assert pair.explanation.text == "none of the requested expertise; both speak Serbian; no overlapping hours"
    assert pair.score == 0


@pytest.mark.parametrize(
    ("fields", "score"),
    [
        ({}, 600 + 200),  # all the expertise, no sector, six hours: 600 + 0 + 200
        ({"sector": "water"}, 1000),
        ({"support_needed": ("procurement", "IoT", "GIS", "law")}, 300 + 200),  # half the expertise
        ({"availability": (window(0, 11, 13),)}, 600 + 50),  # one hour of the four that earn it all
        ({"availability": ()}, 600 + 200),  # flexible
    ],
)
def test_the_score_weighs_expertise_sector_and_hours(fields: dict, score: int) -> None:
    team = application(10, **{"support_needed": AQUA.support_needed, "availability": AQUA.availability} | fields)

    [fit] = candidate_fits([ANA], [team], reference_date=MONDAY)

    assert fit.score == score


def test_days_away_thin_out_the_hours() -> None:
    away = mentor(4, blackout_dates=frozenset(date(2026, 2, 2) + timedelta(days=n) for n in range(7)))
    period = Period(date(2026, 2, 2), date(2026, 3, 1))

    [fit] = candidate_fits([away], [application(13)], reference_date=MONDAY, period=period)

    # 600 for IoT, and three weeks of four: 200 * 3 / 4.
    assert fit.score == 600 + 150


# --- hard rules -------------------------------------------------------------------------------


def test_no_shared_language_means_no_pair() -> None:
    result = match_mentors([mentor(1, languages=("German",))], [application(1)], reference_date=MONDAY)

    assert pairs(result) == []
    [unmatched] = result.unmatched
    assert (unmatched.reason, unmatched.message) == (UnmatchedReason.NO_SHARED_LANGUAGE, "No mentor speaks Serbian.")


def test_declared_conflicts_and_own_organisation_mean_no_pair() -> None:
    mentors = [
        mentor(1, conflict_startups=frozenset({101})),
        mentor(2, conflict_organisations=frozenset({" startup  1 "})),
        mentor(3, organisation="Startup 1"),
    ]

    result = match_mentors(mentors, [application(1)], reference_date=MONDAY)

    assert pairs(result) == []
    [unmatched] = result.unmatched
    assert unmatched.reason == UnmatchedReason.ALL_CONFLICTED
    assert (
        unmatched.message == "Every mentor who could help has a conflict with Startup 1: Mentor 1, Mentor 2, Mentor 3."
    )
    assert unmatched.mentor_ids == (1, 2, 3)


def test_at_most_one_mentor_per_organisation_per_startup() -> None:
    mentors = [
        mentor(1, organisation="Telekom", expertise=("IoT", "GIS"), sectors=("water",)),  # 1000
        mentor(2, organisation="telekom ", expertise=("IoT", "GIS")),  # 800
        mentor(3, organisation="NIS"),  # 500
    ]
    team = application(1, support_needed=("IoT", "GIS"), sector="water", mentors_wanted=2)

    result = match_mentors(mentors, [team], reference_date=MONDAY)

    assert pairs(result) == [(1, 1), (3, 1)]


# --- the plan ---------------------------------------------------------------------------------


def test_the_load_is_spread_before_anyone_takes_a_second_startup() -> None:
    # Four hours a week with the star (800 points), three and a half with the other (775):
    # a second startup for the star costs 50, more than the 25 it gains.
    star = mentor(1, capacity=3, availability=(window(0, 9, 13),))
    other = mentor(2, capacity=3, availability=(window(0, 9, 12.5),))
    teams = [application(n, availability=(window(0, 9, 13),)) for n in (1, 2)]

    spread = match_mentors([star, other], teams, reference_date=MONDAY)
    piled = match_mentors([star, other], teams, reference_date=MONDAY, weights=Weights(balance=0))

    assert pairs(spread) == [(1, 1), (2, 2)]
    assert pairs(piled) == [(1, 1), (1, 2)]
    assert (spread.total_score, spread.balance_cost, spread.objective) == (1575, 0, 1575)
    assert (piled.total_score, piled.balance_cost, piled.objective) == (1600, 0, 1600)


def test_serving_every_startup_beats_a_better_fit_for_one() -> None:
    both = mentor(1, expertise=("IoT", "GIS"))
    gis_only = mentor(2, expertise=("GIS",))
    # Mentor 1 fits team 1 best, but only mentor 1 can help team 2.
    teams = [application(1, support_needed=("GIS",), sector="water"), application(2, support_needed=("IoT",))]

    result = match_mentors([both, gis_only], teams, reference_date=MONDAY)

    assert pairs(result) == [(2, 1), (1, 2)]
    assert result.unmatched == ()


def test_a_lock_is_kept_and_reported_when_it_breaks_a_rule() -> None:
    german = mentor(1, name="Hans", languages=("German",), capacity=1)
    conflicted = mentor(2, name="Marko", conflict_startups=frozenset({101}))

    result = match_mentors(
        [german, conflicted],
        [application(1), application(2)],
        reference_date=MONDAY,
        locked=[PairRef(1, 1), PairRef(1, 2), PairRef(9, 1)],
    )

    assert [(pair.mentor_id, pair.application_id, pair.locked) for pair in result.pairs] == [
        (1, 1, True),
        (1, 2, True),
    ]
    assert [(warning.kind, warning.mentor_id, warning.application_id) for warning in result.warnings] == [
        (WarningKind.NO_SHARED_LANGUAGE, 1, 1),
        (WarningKind.UNKNOWN_MENTOR, 9, 1),
        (WarningKind.NO_SHARED_LANGUAGE, 1, 2),
        (WarningKind.OVER_CAPACITY, 1, None),
    ]
    assert result.warnings[3].message == "Hans has 2 startups but takes at most 1."


# --- who is left and why ----------------------------------------------------------------------


def test_without_mentors_everyone_is_left_with_that_reason() -> None:
    result = match_mentors([], [application(1)], reference_date=MONDAY)

    [unmatched] = result.unmatched
    assert (unmatched.reason, unmatched.message, unmatched.missing) == (
        UnmatchedReason.NO_MENTORS,
        "There are no mentors yet.",
        1,
    )


@pytest.mark.parametrize(
    ("mentors", "team", "reason", "message"),
    [
        (
            [mentor(1, expertise=("law",))],
            application(1, support_needed=("IoT", "GIS")),
            UnmatchedReason.NO_EXPERTISE,
            "No mentor who speaks Serbian offers IoT, GIS.",
        ),
        (
            [mentor(1)],
            application(1, languages=()),
            UnmatchedReason.NO_LANGUAGE_GIVEN,
            "Startup 1 has not said which languages the team speaks.",
        ),
        (
            [mentor(1, blackout_dates=frozenset(date(2026, 2, 2) + timedelta(days=n) for n in range(7)))],
            application(1),
            UnmatchedReason.ALL_AWAY,
            "Every mentor who could help is away for the whole period: Mentor 1.",
        ),
        (
            [mentor(1), mentor(2, languages=("German",))],
            application(1, mentors_wanted=2),
            UnmatchedReason.TOO_FEW_MENTORS,
            "Every mentor who could help Startup 1 already does: Mentor 1.",
        ),
        (
            [mentor(1, organisation="Telekom", sectors=("water",)), mentor(2, organisation="Telekom")],
            application(1, mentors_wanted=2, sector="water"),
            UnmatchedReason.SAME_ORGANISATION,
            "The mentors still free are from organisations already mentoring Startup 1: Mentor 2.",
        ),
    ],
)
def test_the_reason_someone_is_left_is_named(
    mentors: list[Mentor], team: Application, reason: UnmatchedReason, message: str
) -> None:
    period = Period(date(2026, 2, 2), date(2026, 2, 8))

    result = match_mentors(mentors, [team], reference_date=MONDAY, period=period)

    [unmatched] = result.unmatched
    assert (unmatched.application_id, unmatched.reason, unmatched.message) == (1, reason, message)


def test_when_mentors_are_full_the_report_names_them() -> None:
    mentors = [mentor(n, capacity=1, name=f"M{n}", sectors=("water",)) for n in range(1, 8)]
    # The first seven teams fit better (same sector), so the last three are the ones left.
    teams = [application(n, sector="water" if n <= 7 else "") for n in range(1, 11)]

    result = match_mentors(mentors, teams, reference_date=MONDAY)

    assert len(result.pairs) == 7
    assert [unmatched.application_id for unmatched in result.unmatched] == [8, 9, 10]
    unmatched = result.unmatched[0]
    assert unmatched.reason == UnmatchedReason.ALL_FULL
    assert unmatched.message == "Every mentor who could help is fully booked: M1, M2, M3, M4, M5, …."
    assert unmatched.mentor_ids == (1, 2, 3, 4, 5, 6, 7)
