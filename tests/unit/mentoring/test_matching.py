"""Mentor matching: fit and explanations, time zones, hard rules, the plan, and who is left and why."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.flow import load_cost
from mentoring.rules.matching import (
    Application,
    Explanation,
    MatchResult,
    Mentor,
    PairRef,
    PairWarning,
    Period,
    PreviousPair,
    UnmatchedReason,
    WarningKind,
    WeeklyWindow,
    Weights,
    candidate_fits,
    check_pairs,
    match_mentors,
    rematch,
    still_short,
    utc_week_intervals,
    weekly_overlap_minutes,
)

MONDAY = date(2026, 2, 2)  # winter time on both sides of the Atlantic
H = 60


def window(weekday: int, start_hour: float, end_hour: float) -> WeeklyWindow:
    return WeeklyWindow(weekday, int(start_hour * H), int(end_hour * H))


ANA = Mentor(
    id=1,
    name="Ana Petrović",
    organisation="Telekom Srbija",
    expertise=("Procurement", "IoT", "fundraising"),
    sectors=("water",),
    languages=("Serbian", "English"),
    capacity=2,
    availability=(window(0, 9, 12), window(2, 9, 12)),
)
AQUA = Application(
    id=10,
    startup_id=100,
    startup_name="AquaSense",
    support_needed=("procurement", "IoT"),
    sector="energy",
    languages=("Serbian",),
    availability=(window(0, 9, 12), window(2, 9, 12)),
)


def mentor(number: int, **fields: object) -> Mentor:
    defaults: dict[str, object] = {"name": f"Mentor {number}", "expertise": ("IoT",), "languages": ("Serbian",)}
    return Mentor(id=number, **(defaults | fields))  # type: ignore[arg-type]


def application(number: int, **fields: object) -> Application:
    defaults: dict[str, object] = {
        "startup_id": 100 + number,
        "startup_name": f"Startup {number}",
        "support_needed": ("IoT",),
        "languages": ("Serbian",),
    }
    return Application(id=number, **(defaults | fields))  # type: ignore[arg-type]


def pairs(result: MatchResult) -> list[tuple[int, int]]:
    return [(pair.mentor_id, pair.application_id) for pair in result.pairs]


# --- time zones -------------------------------------------------------------------------------


def test_windows_become_utc_minutes_of_the_week() -> None:
    # Belgrade is UTC+1 in February: Monday 09:00-12:00 is 08:00-11:00 UTC.
    assert utc_week_intervals([window(0, 9, 12)], "Europe/Belgrade", reference_date=MONDAY) == ((8 * H, 11 * H),)


def test_a_window_pushed_past_sunday_midnight_wraps_to_monday() -> None:
    # Sunday 20:00-22:00 in Los Angeles (UTC-8) is Monday 04:00-06:00 UTC.
    assert utc_week_intervals([window(6, 20, 22)], "America/Los_Angeles", reference_date=MONDAY) == ((4 * H, 6 * H),)
    # Monday 08:00-10:00 in Tokyo (UTC+9) is Sunday 23:00 to Monday 01:00 UTC: split in two.
    assert utc_week_intervals([window(0, 8, 10)], "Asia/Tokyo", reference_date=MONDAY) == (
        (0, 1 * H),
        (7 * 24 * H - H, 7 * 24 * H),
    )


def test_overlap_across_the_week_boundary_is_counted() -> None:
    overlap = weekly_overlap_minutes(
        [window(6, 20, 23)], "America/Los_Angeles", [window(0, 5, 9)], "UTC", reference_date=MONDAY
    )

    assert overlap == 2 * H  # Monday 05:00-07:00 UTC


def test_overlapping_windows_of_one_person_count_once() -> None:
    overlap = weekly_overlap_minutes(
        [window(1, 9, 12), window(1, 10, 13)],
        "Europe/Belgrade",
        [window(1, 0, 24)],
        "Europe/Belgrade",
        reference_date=MONDAY,
    )

    assert overlap == 4 * H


@pytest.mark.parametrize(
    ("reference_date", "minutes"),
    [
        (date(2026, 2, 2), 60),  # New York UTC-5, Belgrade UTC+1: 09:00 in New York is 15:00 in Belgrade
        (date(2026, 3, 9), 0),  # America is on summer time, Europe not yet: 09:00 is 14:00 in Belgrade
        (date(2026, 3, 30), 60),  # both on summer time again
    ],
)
def test_overlap_follows_summer_time_on_each_side(reference_date: date, minutes: int) -> None:
    overlap = weekly_overlap_minutes(
        [window(0, 15, 17)], "Europe/Belgrade", [window(0, 9, 10)], "America/New_York", reference_date=reference_date
    )

    assert overlap == minutes


@pytest.mark.parametrize(
    ("reference_date", "expected"),
    [
        # Sunday 29 March 2026 in Belgrade: 02:00 becomes 03:00, so 01:00-04:00 lasts two hours.
        (date(2026, 3, 23), ((6 * 24 * H, 6 * 24 * H + 2 * H),)),
        # Sunday 25 October 2026: 03:00 becomes 02:00 again, so it lasts four, from 23:00 UTC.
        (date(2026, 10, 19), ((5 * 24 * H + 23 * H, 5 * 24 * H + 27 * H),)),
    ],
)
def test_a_window_on_the_night_clocks_change_has_its_real_length(
    reference_date: date, expected: tuple[tuple[int, int], ...]
) -> None:
    assert utc_week_intervals([window(6, 1, 4)], "Europe/Belgrade", reference_date=reference_date) == expected


def test_a_window_inside_the_skipped_hour_is_empty() -> None:
    assert utc_week_intervals([window(6, 2, 3)], "Europe/Belgrade", reference_date=date(2026, 3, 23)) == ()


def test_a_malformed_window_is_refused() -> None:
    with pytest.raises(ValueError, match="not a weekly window"):
        WeeklyWindow(0, 600, 600)


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


# --- properties on small random instances -----------------------------------------------------

LANGUAGES = ("Serbian", "English", "Hungarian")
TAGS = ("IoT", "GIS", "law")
ORGANISATIONS = ("", "Telekom", "NIS")


@st.composite
def instances(draw: st.DrawFn) -> dict:
    mentor_count = draw(st.integers(0, 3))
    team_count = draw(st.integers(1, 3))
    mentors = [
        Mentor(
            id=m,
            name=f"Mentor {m}",
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            expertise=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
            sectors=tuple(draw(st.sets(st.sampled_from(("water", "energy")), max_size=1))),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
            capacity=draw(st.integers(0, 2)),
            availability=tuple(window(d, 9, 9 + draw(st.integers(1, 4))) for d in draw(st.sets(st.integers(0, 2)))),
            conflict_startups=frozenset(draw(st.sets(st.sampled_from(range(100, 100 + team_count)), max_size=1))),
        )
        for m in range(mentor_count)
    ]
    teams = [
        Application(
            id=t,
            startup_id=100 + t,
            startup_name=f"Startup {t}",
            support_needed=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
            sector=draw(st.sampled_from(("", "water", "energy"))),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
            availability=tuple(window(d, 10, 12) for d in draw(st.sets(st.integers(0, 2)))),
            mentors_wanted=draw(st.integers(1, 2)),
        )
        for t in range(team_count)
    ]
    every_pair = [(m.id, t.id) for m in mentors for t in teams]
    locked = [PairRef(m, t) for m, t in every_pair if draw(st.integers(0, 6)) == 0]
    return {"mentors": mentors, "teams": teams, "locked": locked}


def allowed(mentor: Mentor, team: Application) -> bool:
    """The hard rules, restated independently of the module."""
    return (
        bool(set(mentor.languages) & set(team.languages))
        and (not team.support_needed or bool(set(mentor.expertise) & set(team.support_needed)))
        and team.startup_id not in mentor.conflict_startups
    )


def best_by_brute_force(instance: dict, scores: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(mentors placed, fit less load cost) of the best plan, trying every plan there is."""
    mentors = {m.id: m for m in instance["mentors"]}
    locks = {(lock.mentor_id, lock.application_id) for lock in instance["locked"]}
    balance = Weights().balance
    choices = []
    for team in instance["teams"]:
        own = {m for m, t in locks if t == team.id}
        room = max(0, team.mentors_wanted - len(own))
        free = [m.id for m in instance["mentors"] if m.id not in own and allowed(m, team)]
        options = []
        for size in range(room + 1):
            for extra in itertools.combinations(free, size):
                groups = [mentors[m].organisation for m in extra if mentors[m].organisation]
                taken = {mentors[m].organisation for m in own if mentors[m].organisation}
                if len(groups) == len(set(groups)) and not set(groups) & taken:
                    options.append(extra)
        choices.append([(team.id, extra) for extra in options])
    best = None
    for plan in itertools.product(*choices):
        load = {m: sum(1 for lm, _ in locks if lm == m) for m in mentors}
        extra_load = dict.fromkeys(mentors, 0)
        score = 0
        for team_id, extra in plan:
            for m in extra:
                extra_load[m] += 1
                score += scores[m, team_id]
        if any(extra_load[m] > max(0, mentors[m].capacity - load[m]) for m in mentors):
            continue
        placed = sum(len(extra) for _, extra in plan)
        value = score - sum(load_cost(load[m] + extra_load[m], balance) for m in mentors)
        if best is None or (placed, value) > best:
            best = (placed, value)
    assert best is not None
    return best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_plan_is_as_good_as_brute_force(instance: dict) -> None:
    result = match_mentors(instance["mentors"], instance["teams"], reference_date=MONDAY, locked=instance["locked"])
    fits = candidate_fits(instance["mentors"], instance["teams"], reference_date=MONDAY)
    scores = {(fit.mentor_id, fit.application_id): fit.score for fit in fits}
    locked_pairs = [pair for pair in result.pairs if pair.locked]

    placed, value = best_by_brute_force(instance, scores)

    assert set(scores) == {(m.id, t.id) for m in instance["mentors"] for t in instance["teams"] if allowed(m, t)}
    assert (len(result.pairs), result.objective) == (
        len(locked_pairs) + placed,
        sum(pair.score for pair in locked_pairs) + value,
    )


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_plan_keeps_the_rules(instance: dict) -> None:
    result = match_mentors(instance["mentors"], instance["teams"], reference_date=MONDAY, locked=instance["locked"])
    mentors = {m.id: m for m in instance["mentors"]}
    teams = {t.id: t for t in instance["teams"]}
    locks = {(lock.mentor_id, lock.application_id) for lock in instance["locked"]}
    chosen = {(pair.mentor_id, pair.application_id) for pair in result.pairs}

    assert locks <= chosen
    assert {(p.mentor_id, p.application_id) for p in result.pairs if p.locked} == locks
    for m, t in chosen - locks:
        assert allowed(mentors[m], teams[t])
    for m in mentors.values():
        own_locks = sum(1 for lm, _ in locks if lm == m.id)
        assert sum(1 for cm, _ in chosen if cm == m.id) <= max(m.capacity, own_locks)
    for t in teams.values():
        organisations = [mentors[m].organisation for m, ct in chosen - locks if ct == t.id and mentors[m].organisation]
        locked_organisations = {mentors[m].organisation for m, ct in locks if ct == t.id}
        assert len(organisations) == len(set(organisations))
        assert not set(organisations) & locked_organisations
        # Everyone short of mentors is in the report, with the number missing.
        placed = sum(1 for _, ct in chosen if ct == t.id)
        missing = {u.application_id: u.missing for u in result.unmatched}.get(t.id, 0)
        assert placed + missing == max(t.mentors_wanted, sum(1 for _, lt in locks if lt == t.id))
    # Locks that break a rule are reported, clean ones are not.
    assert (result.warnings == ()) == (check_pairs(instance["mentors"], instance["teams"], instance["locked"]) == ())
