"""CrowdBT as in Gavel: the update after a vote, information gain, next project, ranking."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaln, psi

from judging.rules.pairwise import (
    ALPHA_PRIOR,
    BETA_PRIOR,
    GAMMA,
    KAPPA,
    MU_PRIOR,
    SIGMA_SQ_PRIOR,
    ItemBelief,
    ItemState,
    JudgeBelief,
    Vote,
    choose_next_item,
    digamma,
    divergence_beta,
    expected_information_gain,
    rank_items,
    replay_votes,
    update,
)


def test_the_constants_are_gavels() -> None:
    assert (GAMMA, KAPPA, MU_PRIOR, SIGMA_SQ_PRIOR, ALPHA_PRIOR, BETA_PRIOR) == (0.1, 0.0001, 0, 1, 10, 1)


def test_a_first_vote_between_two_fresh_projects_worked_by_hand() -> None:
    # Priors: mu 0, sigma^2 1 for both; alpha 10, beta 1. e^mu = 1 for both.
    # Judge:  c_1 = 1/(1+1) + 0.5 * (1+1) * 1*1*(1-1) / 2^3 = 1/2, c_2 = 1/2,
    #         c = (1/2 * 10 + 1/2 * 1) / 11 = 1/2
    #         E[p]   = (1/2 * 11*10 + 1/2 * 10*1) / (1/2 * 12*11) = 60/66 = 10/11
    #         E[p^2] = (1/2 * 12*11*10 + 1/2 * 11*10*1) / (1/2 * 13*12*11) = 715/858 = 5/6
    #         Var = 5/6 - 100/121 = 5/726
    #         alpha' = (10/11 - 5/6) * 10/11 / (5/726) = (5/66)(10/11)(726/5) = 10
    #         beta'  = (10/11 - 5/6) * 1/11 / (5/726) = 1        (a tie of beliefs says nothing of the judge)
    # Means:  10*1 / (10*1 + 1*1) - 1/(1+1) = 10/11 - 1/2 = 9/22: winner +9/22, loser -9/22.
    # Sigmas: 10*1*1*1 / 11^2 - 1*1 / 2^2 = 10/121 - 1/4 = -81/484;
    #         sigma^2' = 1 * max(1 - 81/484, 0.0001) = 403/484 for both.
    result = update(JudgeBelief(), ItemBelief(), ItemBelief())

    assert result.judge.alpha == pytest.approx(10)
    assert result.judge.beta == pytest.approx(1)
    assert result.winner.mu == pytest.approx(9 / 22)
    assert result.loser.mu == pytest.approx(-9 / 22)
    assert result.winner.sigma_sq == pytest.approx(403 / 484)
    assert result.loser.sigma_sq == pytest.approx(403 / 484)


def test_a_vote_for_the_favourite_worked_with_exact_fractions() -> None:
    # Winner mu = ln 3, loser mu = 0 (so e^mu = 3 and 1), both sigma^2 = 1/2; alpha 10, beta 1.
    # Every step of Chen et al.'s update in exact arithmetic, written out here, not taken from code.
    alpha, beta = Fraction(10), Fraction(1)
    e_w, e_l, s_w, s_l = Fraction(3), Fraction(1), Fraction(1, 2), Fraction(1, 2)
    c_1 = e_w / (e_w + e_l) + Fraction(1, 2) * (s_w + s_l) * e_w * e_l * (e_l - e_w) / (e_w + e_l) ** 3
    assert c_1 == Fraction(3, 4) - Fraction(3, 64) == Fraction(45, 64)
    c = (c_1 * alpha + (1 - c_1) * beta) / (alpha + beta)
    assert c == Fraction(469, 704)
    mean = (c_1 * (alpha + 1) * alpha + (1 - c_1) * alpha * beta) / (c * (alpha + beta + 1) * (alpha + beta))
    assert mean == Fraction(1285, 1407)
    square = (c_1 * (alpha + 2) * (alpha + 1) * alpha + (1 - c_1) * (alpha + 1) * alpha * beta) / (
        c * (alpha + beta + 2) * (alpha + beta + 1) * (alpha + beta)
    )
    assert square == Fraction(2365, 2814)
    variance = square - mean**2
    assert (mean - square) * mean / variance == Fraction(52685, 5021)  # alpha' = 10.49293...
    assert (mean - square) * (1 - mean) / variance == Fraction(5002, 5021)  # beta' = 0.99622...
    shift = alpha * e_w / (alpha * e_w + beta * e_l) - e_w / (e_w + e_l)
    assert shift == Fraction(30, 31) - Fraction(3, 4) == Fraction(27, 124)  # mu +- 1/2 * 27/124
    shrink = alpha * e_w * beta * e_l / (alpha * e_w + beta * e_l) ** 2 - e_w * e_l / (e_w + e_l) ** 2
    assert shrink == Fraction(30, 961) - Fraction(3, 16) == Fraction(-2403, 15376)
    assert s_w * (1 + s_w * shrink) == Fraction(28349, 61504)  # sigma^2' = 0.46093...

    result = update(JudgeBelief(10, 1), ItemBelief(math.log(3), 0.5), ItemBelief(0, 0.5))

    assert result.judge.alpha == pytest.approx(52685 / 5021, rel=1e-12)
    assert result.judge.beta == pytest.approx(5002 / 5021, rel=1e-12)
    assert result.winner.mu == pytest.approx(math.log(3) + 27 / 248, rel=1e-12)
    assert result.loser.mu == pytest.approx(-27 / 248, rel=1e-12)
    assert result.winner.sigma_sq == result.loser.sigma_sq == pytest.approx(28349 / 61504, rel=1e-12)


def test_the_variance_never_shrinks_below_kappa_of_itself() -> None:
    # sigma^2 = 10: 1 + 10 * (10/121 - 1/4) = 1 - 810/484 < 0, so the factor is kappa.
    result = update(JudgeBelief(), ItemBelief(0, 10), ItemBelief(0, 10))

    assert result.winner.sigma_sq == pytest.approx(10 * KAPPA)


def test_the_information_gain_of_two_fresh_projects_worked_by_hand() -> None:
    # Either outcome (chance c = 1/2 each, by symmetry) moves both projects to mu +-9/22,
    # sigma^2 403/484, and leaves the judge at (10, 1) (see the first worked example).
    # KL(N(9/22, 403/484) || N(0, 1)) = (9/22)^2 / 2 + (403/484 - 1 - ln(403/484)) / 2
    #                                  = 81/968 - 81/968 + ln(484/403) / 2 = ln(484/403) / 2,
    # the same for the loser, and the judge's KL is 0: each outcome teaches ln(484/403) = 0.18315.
    gain = expected_information_gain(JudgeBelief(), ItemBelief(), ItemBelief())

    assert gain == pytest.approx(math.log(484 / 403), rel=1e-9)


def test_digamma_and_the_beta_divergence_agree_with_scipy() -> None:
    for x in (0.01, 0.5, 1, 2.5, 9.99, 10, 10.5, 57.3, 1e4):
        assert digamma(x) == pytest.approx(psi(x), rel=1e-12, abs=1e-13)
    # KL(Beta(a1, b1) || Beta(a2, b2)) from its textbook form, with scipy's special functions.
    a1, b1, a2, b2 = 10.49, 0.996, 10, 1
    expected = (
        betaln(a2, b2) - betaln(a1, b1) + (a1 - a2) * psi(a1) + (b1 - b2) * psi(b1) + (a2 - a1 + b2 - b1) * psi(a1 + b1)
    )
    assert divergence_beta(a1, b1, a2, b2) == pytest.approx(expected, rel=1e-10)
    assert divergence_beta(3, 4, 3, 4) == 0


def paper_update(alpha: float, beta: float, mu_w: float, s_w: float, mu_l: float, s_l: float) -> tuple[float, ...]:
    """Chen et al.'s online update in its exponential form, as a float reference."""
    e_w, e_l = math.exp(mu_w), math.exp(mu_l)
    c_1 = e_w / (e_w + e_l) + 0.5 * (s_w + s_l) * e_w * e_l * (e_l - e_w) / (e_w + e_l) ** 3
    c = (c_1 * alpha + (1 - c_1) * beta) / (alpha + beta)
    m1 = (c_1 * (alpha + 1) * alpha + (1 - c_1) * alpha * beta) / (c * (alpha + beta + 1) * (alpha + beta))
    m2 = (c_1 * (alpha + 2) * (alpha + 1) * alpha + (1 - c_1) * (alpha + 1) * alpha * beta) / (
        c * (alpha + beta + 2) * (alpha + beta + 1) * (alpha + beta)
    )
    shift = alpha * e_w / (alpha * e_w + beta * e_l) - e_w / (e_w + e_l)
    shrink = alpha * e_w * beta * e_l / (alpha * e_w + beta * e_l) ** 2 - e_w * e_l / (e_w + e_l) ** 2
    return (
        (m1 - m2) * m1 / (m2 - m1**2),
        (m1 - m2) * (1 - m1) / (m2 - m1**2),
        mu_w + s_w * shift,
        s_w * max(1 + s_w * shrink, KAPPA),
        mu_l - s_l * shift,
        s_l * max(1 + s_l * shrink, KAPPA),
    )


Pair = tuple[float, float]
beliefs = st.tuples(st.floats(-3, 3), st.floats(0.05, 1))
judges = st.tuples(st.floats(1, 30), st.floats(0.5, 10))


@settings(max_examples=100, deadline=None)
@given(judges, beliefs, beliefs)
def test_the_logistic_form_equals_the_papers_exponential_form(judge: Pair, winner: Pair, loser: Pair) -> None:
    result = update(JudgeBelief(*judge), ItemBelief(*winner), ItemBelief(*loser))

    assert (
        result.judge.alpha,
        result.judge.beta,
        result.winner.mu,
        result.winner.sigma_sq,
        result.loser.mu,
        result.loser.sigma_sq,
    ) == pytest.approx(paper_update(*judge, *winner, *loser), rel=1e-7, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(judges, beliefs, beliefs)
def test_a_vote_keeps_beliefs_proper_and_a_reliable_judge_lifts_the_winner(
    judge: Pair, winner: Pair, loser: Pair
) -> None:
    result = update(JudgeBelief(*judge), ItemBelief(*winner), ItemBelief(*loser))

    assert result.judge.alpha > 0 and result.judge.beta > 0
    # A variance may grow (a surprise against a reliable judge), but never reaches zero.
    assert result.winner.sigma_sq >= KAPPA * winner[1] and result.loser.sigma_sq >= KAPPA * loser[1]
    if judge[0] > judge[1] + 0.1:  # a judge more often right than wrong (by a margin floats can see)
        assert result.winner.mu > winner[0] and result.loser.mu < loser[0]
    # A mix of KL divergences: never negative, up to rounding.
    assert expected_information_gain(JudgeBelief(*judge), ItemBelief(*winner), ItemBelief(*loser)) >= -1e-12


def test_the_next_project_is_the_most_informative_unseen_one() -> None:
    previous = ItemBelief()
    items = [
        ItemState(1, ItemBelief(0, 1)),  # seen already
        ItemState(2, ItemBelief(4, 1)),  # far better than the previous one: little to learn
        ItemState(3, ItemBelief(0, 0.1)),  # already well known
        ItemState(4, ItemBelief(0.2, 1)),  # close and uncertain: most to learn
    ]

    chosen = choose_next_item(
        judge=JudgeBelief(), previous=previous, items=items, seen={1}, rng=random.Random(1), epsilon=0
    )

    assert chosen == 4


def test_equally_informative_projects_go_to_the_lowest_id() -> None:
    items = [ItemState(9), ItemState(5), ItemState(7)]

    chosen = choose_next_item(
        judge=JudgeBelief(), previous=ItemBelief(), items=items, seen=set(), rng=random.Random(1), epsilon=0
    )

    assert chosen == 5


def test_gavels_preferences_come_first_prioritised_then_free_then_little_seen() -> None:
    items = [
        ItemState(1, ItemBelief(0.1, 1), views=0),
        ItemState(2, ItemBelief(3, 1), views=5, prioritised=True, busy=True),
        ItemState(3, ItemBelief(3, 1), views=5, prioritised=True),
        ItemState(4, ItemBelief(3, 1), views=0, prioritised=True),
    ]

    def pick(candidates: list[ItemState]) -> int | None:
        return choose_next_item(
            judge=JudgeBelief(), previous=ItemBelief(), items=candidates, seen=set(), rng=random.Random(3), epsilon=0
        )

    assert pick(items) == 4  # prioritised, not busy, seen fewer than twice
    assert pick(items[:3]) == 3  # prioritised and not busy, though seen often
    assert pick(items[:2]) == 2  # only busy ones are prioritised: still prioritised first
    assert pick([]) is None


def test_randomness_is_injected_so_a_choice_can_be_replayed() -> None:
    items = [ItemState(item_id) for item_id in range(1, 21)]

    def pick(seed: int, previous: ItemBelief | None, epsilon: float) -> int | None:
        return choose_next_item(
            judge=JudgeBelief(), previous=previous, items=items, seen=set(), rng=random.Random(seed), epsilon=epsilon
        )

    assert pick(7, None, 0) == pick(7, None, 0)  # the judge's first project: a random one
    assert pick(7, ItemBelief(), 1) == pick(7, ItemBelief(), 1)  # always exploring
    assert {pick(seed, ItemBelief(), 1) for seed in range(50)} != {1}
    assert {pick(seed, ItemBelief(), 0) for seed in range(50)} == {1}  # never exploring: the argmax


def test_replayed_votes_rank_the_projects_with_their_uncertainty() -> None:
    votes = [Vote(1, 10, 20), Vote(1, 20, 30), Vote(2, 10, 30), Vote(2, 10, 20)]

    state = replay_votes(votes, item_ids=[10, 20, 30, 40], judge_ids=[1, 2])
    standings = rank_items(state.items)

    assert [standing.item_id for standing in standings] == [10, 40, 20, 30]
    assert standings[1].mu == 0 and standings[1].sigma == 1  # never compared: the prior
    assert all(standing.sigma < 1 for standing in standings if standing.item_id != 40)
    assert standings[-1].above_next is None
    assert all(0.5 <= standing.above_next < 1 for standing in standings[:-1])
    assert set(state.judges) == {1, 2}


def test_a_project_cannot_beat_itself() -> None:
    with pytest.raises(ValueError, match="cannot beat itself"):
        replay_votes([Vote(1, 5, 5)], item_ids=[5])
