"""Aggregation, normalisation, flags and tie-breaking, against hand-computed tables."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.enums import FlagKind, Normalisation, TieKey
from judging.rules.scoring import (
    JudgeScore,
    ScoringOptions,
    TieBreak,
    rank_applications,
)

Z_SCORE = ScoringOptions(normalisation=Normalisation.Z_SCORE)


def table(rows: dict[tuple[int, int], float]) -> list[JudgeScore]:
    """{(judge, application): total} as scores."""
    return [JudgeScore(judge, application, total) for (judge, application), total in rows.items()]


def by_judge(rows: dict[int, dict[int, float]]) -> list[JudgeScore]:
    """{judge: {application: total}} as scores, judge by judge: the layout of the tables drawn above."""
    return [
        JudgeScore(judge, application, total) for judge, totals in rows.items() for application, total in totals.items()
    ]


def by_application(ranking, field: str) -> dict[int, float]:
    return {standing.application_id: getattr(standing, field) for standing in ranking.standings}


def order(ranking) -> list[int]:
    return [standing.application_id for standing in ranking.standings]


# --- Means and normalisation -------------------------------------------------------------------


def test_a_recusal_costs_nothing_the_mean_is_over_the_judges_who_scored() -> None:
    # Judge 3 recused from application 10: absent, not a zero. (8 + 6) / 2 = 7.
    ranking = rank_applications(table({(1, 10): 8, (2, 10): 6, (3, 11): 5}))

    assert by_application(ranking, "raw_mean") == {10: 7.0, 11: 5.0}
    assert by_application(ranking, "judges") == {10: 2, 11: 1}


def test_z_scores_map_each_judge_back_onto_the_round_scale() -> None:
    #            A=101  B=102  C=103  D=104 | judge mean  sd   z
    # judge 1      9      5                 |     7       2   +1, -1
    # judge 2      9             5          |     7       2   +1, -1
    # judge 3                           8   |     8       -    0 (a single total)
    # judge 4                   10     10   |    10       0    0, 0 (no spread)
    # All seven totals: mean (9+5+9+5+8+10+10)/7 = 56/7 = 8; squares about 8:
    # 1+9+1+9+0+4+4 = 28, /7 = 4, sd 2. Normalised total = 8 + 2z:
    #   A: 10, 10 -> 10    B: 6 -> 6    C: 6, 8 -> 7    D: 8, 8 -> 8
    # Raw means: A 9, B 5, C 7.5, D 9.
    scores = table({(1, 101): 9, (1, 102): 5, (2, 101): 9, (2, 103): 5, (3, 104): 8, (4, 103): 10, (4, 104): 10})

    ranking = rank_applications(scores, Z_SCORE)

    assert by_application(ranking, "normalised_mean") == pytest.approx({101: 10, 102: 6, 103: 7, 104: 8})
    assert by_application(ranking, "raw_mean") == {101: 9, 102: 5, 103: 7.5, 104: 9}
    assert order(ranking) == [101, 104, 103, 102]
    assert ranking.normalised_scores == pytest.approx((10, 6, 10, 6, 8, 8, 8))
    assert (ranking.global_mean, ranking.global_sd) == (8, 2)
    assert [(judge.judge_id, judge.mean, judge.sd, judge.offset) for judge in ranking.judges] == [
        (1, 7, 2, None),
        (2, 7, 2, None),
        (3, 8, 0, None),
        (4, 10, 0, None),
    ]


def test_judge_offsets_take_leniency_out_using_the_shared_applications() -> None:
    # True quality A 7, B 6, C 5, D 4; judge 1 scores 2 points high, judge 3 2 points low.
    #            A=1  B=2  C=3  D=4
    # judge 1     9    8         6      (+2)
    # judge 2     7         5    4      ( 0)
    # judge 3     5    4    3           (-2)
    # Raw means: A 7, B 6, C 4, D 5 - D, scored by the lenient judge, passes C.
    # The model total = quality + leniency fits with no residual at leniencies +2, 0, -2,
    # which already sum to zero (each judge has 3 totals), so the qualities come out as they are.
    scores = by_judge({1: {1: 9, 2: 8, 4: 6}, 2: {1: 7, 3: 5, 4: 4}, 3: {1: 5, 2: 4, 3: 3}})

    ranking = rank_applications(scores)

    assert by_application(ranking, "raw_mean") == {1: 7, 2: 6, 3: 4, 4: 5}
    assert by_application(ranking, "normalised_mean") == pytest.approx({1: 7, 2: 6, 3: 5, 4: 4})
    assert order(ranking) == [1, 2, 3, 4]
    assert [judge.offset for judge in ranking.judges] == pytest.approx([2, 0, -2])


def test_a_judge_with_a_strong_batch_is_not_dragged_down_when_panels_overlap() -> None:
    # Judge 1 happened to get the two strongest applications; judge 2 saw them too and agrees.
    #            A=1  B=2  C=3  D=4  E=5  F=6
    # judge 1     9    8
    # judge 2     9    8    6    5
    # judge 3               6    5    4    3
    # No judge is lenient: every application gets the same total from everyone who scored it.
    scores = by_judge({1: {1: 9, 2: 8}, 2: {1: 9, 2: 8, 3: 6, 4: 5}, 3: {3: 6, 4: 5, 5: 4, 6: 3}})

    # Z-scores read judge 1's 8 as "one sd below their mean" (z = -1) and pull B under C:
    # B = mu + sigma * (-1 + 0.632) / 2 < C = mu + sigma * (-0.632 + 1.342) / 2.
    naive = rank_applications(scores, Z_SCORE)
    assert order(naive) == [1, 3, 2, 4, 5, 6]

    # Judge offsets see that judge 2 agrees with judge 1 on A and B: no offset, nothing moves.
    ranking = rank_applications(scores)
    assert order(ranking) == [1, 2, 3, 4, 5, 6]
    assert by_application(ranking, "normalised_mean") == pytest.approx({1: 9, 2: 8, 3: 6, 4: 5, 5: 4, 6: 3})
    assert [judge.offset for judge in ranking.judges] == pytest.approx([0, 0, 0], abs=1e-12)


def test_a_lenient_judge_with_a_strong_batch_loses_the_leniency_only() -> None:
    # As above, but judge 1 scores one point high (10 and 9 for A and B). The fit has no residual
    # at leniencies (1, 0, 0) + k for any k taken from every quality; the rule that leniencies sum
    # to zero weighted by each judge's number of totals (2, 4, 4) fixes k:
    # 2 (1 - k) + 4 (-k) + 4 (-k) = 0  ->  k = 0.2  ->  leniencies 0.8, -0.2, -0.2
    # and every quality goes up by 0.2: A 9.2, B 8.2, C 6.2, D 5.2, E 4.2, F 3.2.
    scores = by_judge({1: {1: 10, 2: 9}, 2: {1: 9, 2: 8, 3: 6, 4: 5}, 3: {3: 6, 4: 5, 5: 4, 6: 3}})

    ranking = rank_applications(scores)

    assert [judge.offset for judge in ranking.judges] == pytest.approx([0.8, -0.2, -0.2])
    assert by_application(ranking, "normalised_mean") == pytest.approx({1: 9.2, 2: 8.2, 3: 6.2, 4: 5.2, 5: 4.2, 6: 3.2})
    assert by_application(ranking, "raw_mean") == {1: 9.5, 2: 8.5, 3: 6, 4: 5, 5: 4, 6: 3}
    # The round's level is unchanged: the mean of all normalised totals is the raw one, 65 / 10 = 6.5.
    assert sum(ranking.normalised_scores) / len(ranking.normalised_scores) == pytest.approx(6.5)


def test_without_shared_applications_the_raw_totals_stand() -> None:
    # Judges 1 and 2 never scored the same application: no evidence for leniency, offsets 0.
    ranking = rank_applications(table({(1, 1): 9, (1, 2): 7, (2, 3): 4, (2, 4): 2}))

    assert by_application(ranking, "normalised_mean") == pytest.approx({1: 9, 2: 7, 3: 4, 4: 2})
    assert [judge.offset for judge in ranking.judges] == pytest.approx([0, 0])


# --- Spread and flags ---------------------------------------------------------------------------


def flag_scores() -> list[JudgeScore]:
    #            B=2  C=3  D=4
    # judge 1     4    5
    # judge 2     8    5
    # judge 3          5    6
    # judge 4          9    6
    # Squares about each application's mean: B (mean 6) 4 + 4 = 8; C (mean 6) 1+1+1+9 = 12; D 0.
    # Degrees of freedom (judges - 1 per application): 1 + 3 + 1 = 5. Pooled sd = sqrt(20 / 5) = 2.
    return table({(1, 2): 4, (2, 2): 8, (1, 3): 5, (2, 3): 5, (3, 3): 5, (4, 3): 9, (3, 4): 6, (4, 4): 6})


def test_spread_is_max_minus_min_and_the_sample_sd() -> None:
    ranking = rank_applications(flag_scores())

    assert ranking.pooled_sd == 2
    assert by_application(ranking, "spread") == {2: 4, 3: 4, 4: 0}
    # B: sqrt(8 / 1); C: sqrt(12 / 3) = 2; D: 0.
    assert by_application(ranking, "sd") == pytest.approx({2: math.sqrt(8), 3: 2, 4: 0})
    assert by_application(ranking, "median") == {2: 6, 3: 5, 4: 6}


def test_a_judge_far_from_the_others_is_flagged_for_discussion() -> None:
    # On C judge 4 gave 9, the 3 others 5 on average: 4 apart. The limit for one total against the
    # mean of 3 others is outlier_sd x 2 x sqrt(1 + 1/3) = 1.5 x 2 x 1.1547 = 3.46 < 4: flagged.
    # Judge 1's 5 is 19/3 - 5 = 1.33 from the others' mean: fine. B has two judges: never an outlier.
    ranking = rank_applications(flag_scores(), ScoringOptions(outlier_sd=1.5))

    flags = {standing.application_id: standing.flags for standing in ranking.standings}
    assert flags[2] == flags[4] == ()
    assert [(flag.kind, flag.judge_id, str(flag.message)) for flag in flags[3]] == [
        (
            FlagKind.OUTLIER,
            4,
            "Judge 4 gave 9.0 against an average of 5.0 from the other judges: 4.0 apart, beyond the limit of 3.46.",
        )
    ]
    # At the default of 2 the limit is 2 x 2 x 1.1547 = 4.62: nothing is flagged.
    assert all(not standing.flags for standing in rank_applications(flag_scores()).standings)


def test_a_wide_spread_is_flagged_against_the_pooled_sd() -> None:
    # Application sds: B sqrt(8) = 2.83, C 2, D 0. At spread_sd 1.25 the limit is 1.25 x 2 = 2.5.
    ranking = rank_applications(flag_scores(), ScoringOptions(spread_sd=1.25))

    flagged = {
        standing.application_id: [(flag.kind, str(flag.message)) for flag in standing.flags]
        for standing in ranking.standings
    }
    assert flagged == {
        2: [
            (
                FlagKind.WIDE_SPREAD,
                "The judges' totals run from 4.0 to 8.0; their standard deviation of 2.83 is more than 2.5.",
            )
        ],
        3: [],
        4: [],
    }


def test_a_wide_spread_is_flagged_against_a_fixed_limit_when_one_is_set() -> None:
    ranking = rank_applications(flag_scores(), ScoringOptions(max_spread=3.5))

    flagged = {
        standing.application_id: [str(flag.message) for flag in standing.flags] for standing in ranking.standings
    }
    assert flagged == {
        2: ["The judges' totals run from 4.0 to 8.0, a spread of 4.0, more than 3.5."],
        3: ["The judges' totals run from 5.0 to 9.0, a spread of 4.0, more than 3.5."],
        4: [],
    }


# --- Order and ties -----------------------------------------------------------------------------


def test_ties_are_broken_by_raw_mean_judges_median_then_id_and_say_so() -> None:
    # Every judge scores one application, so every z is 0 and every normalised mean is the round's
    # mean: the first key ties everywhere.
    #   app 10: 8            raw 8
    #   app 11: 6, 7, 8      raw 7, 3 judges, median 7
    #   app 12: 5, 8, 8      raw 7, 3 judges, median 8
    #   app 13: 7, 7         raw 7, 2 judges, median 7
    #   app 14: 6, 8         raw 7, 2 judges, median 7
    totals = {10: [8], 11: [6, 7, 8], 12: [5, 8, 8], 13: [7, 7], 14: [6, 8]}
    judge = itertools.count(1)
    scores = [JudgeScore(next(judge), application, total) for application, row in totals.items() for total in row]

    ranking = rank_applications(scores, Z_SCORE)

    assert [(standing.rank, standing.application_id, standing.tie_break) for standing in ranking.standings] == [
        (1, 10, None),
        (2, 12, TieBreak(TieKey.RAW_MEAN, above=10)),
        (3, 11, TieBreak(TieKey.MEDIAN, above=12)),
        (4, 13, TieBreak(TieKey.JUDGES, above=11)),
        (5, 14, TieBreak(TieKey.APPLICATION_ID, above=13)),
    ]


def test_no_tie_break_is_reported_when_the_normalised_means_differ() -> None:
    ranking = rank_applications(table({(1, 1): 9, (1, 2): 7, (2, 1): 8, (2, 2): 7}))

    assert [standing.tie_break for standing in ranking.standings] == [None, None]


def test_bad_input_is_refused_and_no_input_ranks_nothing() -> None:
    with pytest.raises(ValueError, match="judge 2 scored application 7 twice"):
        rank_applications([JudgeScore(1, 7, 5), JudgeScore(2, 7, 6), JudgeScore(2, 7, 4)])
    with pytest.raises(ValueError, match="finite"):
        rank_applications([JudgeScore(1, 7, math.inf)])
    assert rank_applications([]).standings == ()


score_tables = st.dictionaries(
    st.tuples(st.integers(1, 6), st.integers(1, 12)),
    st.floats(0, 10, allow_nan=False).map(lambda total: round(total, 1)),
    min_size=1,
    max_size=50,
)


@settings(max_examples=60, deadline=None)
@given(score_tables, st.sampled_from(list(Normalisation)), st.randoms(use_true_random=False))
def test_the_ranking_is_a_finite_deterministic_permutation(
    rows: dict[tuple[int, int], float], method: Normalisation, shuffler: random.Random
) -> None:
    scores = table(rows)
    shuffled = list(scores)
    shuffler.shuffle(shuffled)
    options = ScoringOptions(normalisation=method)

    ranking = rank_applications(scores, options)
    again = rank_applications(shuffled, options)

    assert sorted(order(ranking)) == sorted({application for _, application in rows})
    assert [standing.rank for standing in ranking.standings] == list(range(1, len(ranking.standings) + 1))
    assert all(math.isfinite(value) for value in ranking.normalised_scores)
    assert all(math.isfinite(standing.normalised_mean) for standing in ranking.standings)
    assert order(again) == order(ranking)
    assert [standing.normalised_mean for standing in again.standings] == pytest.approx(
        [standing.normalised_mean for standing in ranking.standings], abs=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=8),  # qualities
    st.lists(st.integers(-2, 2), min_size=2, max_size=5),  # leniencies
    st.randoms(use_true_random=False),
)
def test_an_exact_additive_model_is_recovered_on_a_linked_panel(
    qualities: list[int], leniencies: list[int], rng: random.Random
) -> None:
    # Every judge scores application 0 (so the panel is linked) and a random half of the rest.
    rows = {}
    for judge, leniency in enumerate(leniencies):
        for application, quality in enumerate(qualities):
            if application == 0 or rng.random() < 0.5:
                rows[(judge, application)] = quality + leniency

    ranking = rank_applications(table(rows))

    recovered = by_application(ranking, "normalised_mean")
    # Up to one constant for the whole round (the leniencies' level), the qualities come back.
    shift = recovered[0] - qualities[0]
    assert recovered == pytest.approx({a: qualities[a] + shift for a in recovered}, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(score_tables)
def test_the_judge_offsets_are_the_least_squares_fit_of_the_whole_design(rows: dict[tuple[int, int], float]) -> None:
    # Reference: total = quality + leniency solved directly over the full (totals x (applications +
    # judges)) design with numpy's lstsq. The split between the two is not unique, the fit is.
    scores = table(rows)
    applications = sorted({application for _, application in rows})
    judges = sorted({judge for judge, _ in rows})
    design = np.zeros((len(scores), len(applications) + len(judges)))
    for row, score in enumerate(scores):
        design[row, applications.index(score.application_id)] = 1
        design[row, len(applications) + judges.index(score.judge_id)] = 1
    totals = np.array([score.total for score in scores])
    solution = np.linalg.lstsq(design, totals, rcond=None)[0]

    ranking = rank_applications(scores)

    quality = by_application(ranking, "normalised_mean")
    offset = {judge.judge_id: judge.offset for judge in ranking.judges}
    fitted = [quality[score.application_id] + offset[score.judge_id] for score in scores]
    assert fitted == pytest.approx((design @ solution).tolist(), abs=1e-7)
