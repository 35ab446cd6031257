"""Pairwise judging with CrowdBT, as Gavel does it (github.com/anishathalye/gavel, gavel/crowd_bt.py).

Each project has a Gaussian belief about its quality (mean `mu`, variance `sigma_sq`); each
judge a Beta belief (`alpha`, `beta`) about how often they vote the way the qualities say
(reliability = alpha / (alpha + beta)). A vote "winner beats loser" moves both by the online
update of Chen et al., "Pairwise Ranking Aggregation in a Crowdsourced Setting" (WSDM 2013).
A judge always compares the project in front of them with the one they saw just before, and the
next project is the unseen one whose comparison is expected to teach the most (expected
information gain: the expected KL divergence from the current beliefs to the updated ones), or,
with probability `epsilon`, a random one so that every project keeps being seen.

The formulas are Gavel's, rewritten in terms of the two win probabilities so that nothing
overflows for large means: with ``s = e^mu_w / (e^mu_w + e^mu_l)`` (the logistic of
``mu_w - mu_l``) and ``t = alpha e^mu_w / (alpha e^mu_w + beta e^mu_l)``, Gavel's
``e^w e^l (e^l - e^w) / (e^w + e^l)^3`` is ``s (1 - s) (1 - 2 s)``, and its mean and variance
multipliers are ``t - s`` and ``t (1 - t) - s (1 - s)``. The randomness Gavel draws from numpy
is an injected `random.Random` here, and ties between equally informative projects go to the
lowest id instead of a shuffle, so a choice can be replayed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.rules import N_

# Gavel's constants, "chosen according to experiments in the paper".
GAMMA = 0.1  # weight of what a vote teaches about the judge against what it teaches about projects
LAMBDA = 1.0  # the paper's regularisation; the online update Gavel uses does not need it
KAPPA = 0.0001  # a variance never shrinks below this fraction of itself in one vote
MU_PRIOR = 0.0
SIGMA_SQ_PRIOR = 1.0
ALPHA_PRIOR = 10.0
BETA_PRIOR = 1.0
EPSILON = 0.25  # chance of a random next project instead of the most informative one
MIN_VIEWS = 2  # projects seen fewer times than this by anyone are preferred (Gavel's default)

# Judges of a pairwise round compare projects from their seat: no one is assigned, no sheet scored.
PAIRWISE_NEEDS_NO_ASSIGNMENT = N_(
    "A pairwise round needs no assignment: every judge of the edition compares projects from the final's page."
)
PAIRWISE_HAS_NO_SHEETS = N_("A pairwise round has no score sheets: its judges compare two projects at a time.")


@dataclass(frozen=True, slots=True)
class ItemBelief:
    """What the votes so far say about one project's quality."""

    mu: float = MU_PRIOR
    sigma_sq: float = SIGMA_SQ_PRIOR

    @property
    def sigma(self) -> float:
        return math.sqrt(self.sigma_sq)


@dataclass(frozen=True, slots=True)
class JudgeBelief:
    """What the votes so far say about one judge's reliability."""

    alpha: float = ALPHA_PRIOR
    beta: float = BETA_PRIOR

    @property
    def reliability(self) -> float:
        """The expected chance that the judge votes for the better project."""
        return self.alpha / (self.alpha + self.beta)


@dataclass(frozen=True, slots=True)
class VoteUpdate:
    judge: JudgeBelief
    winner: ItemBelief
    loser: ItemBelief


def _logistic(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def _win_chances(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> tuple[float, float]:
    """(s, t): the Bradley-Terry chance the winner is better, and the same weighted by alpha, beta."""
    difference = winner.mu - loser.mu
    s = _logistic(difference)
    t = _logistic(difference + math.log(judge.alpha) - math.log(judge.beta))
    return s, t


def _updated_judge(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> tuple[JudgeBelief, float]:
    """The judge's new Beta (moment matched) and c, the chance of this vote before it was cast."""
    alpha, beta = judge.alpha, judge.beta
    s, _ = _win_chances(judge, winner, loser)
    c_1 = s + 0.5 * (winner.sigma_sq + loser.sigma_sq) * s * (1 - s) * (1 - 2 * s)
    c_2 = 1 - c_1
    c = (c_1 * alpha + c_2 * beta) / (alpha + beta)
    expt = (c_1 * (alpha + 1) * alpha + c_2 * alpha * beta) / (c * (alpha + beta + 1) * (alpha + beta))
    expt_sq = (c_1 * (alpha + 2) * (alpha + 1) * alpha + c_2 * (alpha + 1) * alpha * beta) / (
        c * (alpha + beta + 2) * (alpha + beta + 1) * (alpha + beta)
    )
    variance = expt_sq - expt**2
    return JudgeBelief((expt - expt_sq) * expt / variance, (expt - expt_sq) * (1 - expt) / variance), c


def _updated_items(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> tuple[ItemBelief, ItemBelief]:
    s, t = _win_chances(judge, winner, loser)
    shift = t - s
    shrink = t * (1 - t) - s * (1 - s)
    return (
        ItemBelief(winner.mu + winner.sigma_sq * shift, winner.sigma_sq * max(1 + winner.sigma_sq * shrink, KAPPA)),
        ItemBelief(loser.mu - loser.sigma_sq * shift, loser.sigma_sq * max(1 + loser.sigma_sq * shrink, KAPPA)),
    )


def update(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> VoteUpdate:
    """The beliefs after `judge` preferred `winner` to `loser` (Gavel's crowd_bt.update)."""
    new_judge, _ = _updated_judge(judge, winner, loser)
    new_winner, new_loser = _updated_items(judge, winner, loser)
    return VoteUpdate(new_judge, new_winner, new_loser)


def digamma(x: float) -> float:
    """psi(x) for x > 0: recurrence up to x >= 10, then the asymptotic series (error below 1e-14)."""
    if x <= 0:
        raise ValueError("digamma is only needed for positive arguments here")
    result = 0.0
    while x < 10:
        result -= 1 / x
        x += 1
    inverse_sq = 1 / (x * x)
    series = inverse_sq * (
        1 / 12 - inverse_sq * (1 / 120 - inverse_sq * (1 / 252 - inverse_sq * (1 / 240 - inverse_sq / 132)))
    )
    return result + math.log(x) - 0.5 / x - series


def _log_beta(alpha: float, beta: float) -> float:
    return math.lgamma(alpha) + math.lgamma(beta) - math.lgamma(alpha + beta)


def divergence_gaussian(mu_1: float, sigma_sq_1: float, mu_2: float, sigma_sq_2: float) -> float:
    """KL(N(mu_1, sigma_sq_1) || N(mu_2, sigma_sq_2))."""
    ratio = sigma_sq_1 / sigma_sq_2
    return (mu_1 - mu_2) ** 2 / (2 * sigma_sq_2) + (ratio - 1 - math.log(ratio)) / 2


def divergence_beta(alpha_1: float, beta_1: float, alpha_2: float, beta_2: float) -> float:
    """KL(Beta(alpha_1, beta_1) || Beta(alpha_2, beta_2))."""
    return (
        _log_beta(alpha_2, beta_2)
        - _log_beta(alpha_1, beta_1)
        + (alpha_1 - alpha_2) * digamma(alpha_1)
        + (beta_1 - beta_2) * digamma(beta_1)
        + (alpha_2 - alpha_1 + beta_2 - beta_1) * digamma(alpha_1 + beta_1)
    )


def _gain_if(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> tuple[float, float]:
    """(chance of this outcome, what it would teach) for one outcome of a comparison."""
    new_judge, chance = _updated_judge(judge, winner, loser)
    new_winner, new_loser = _updated_items(judge, winner, loser)
    gain = (
        divergence_gaussian(new_winner.mu, new_winner.sigma_sq, winner.mu, winner.sigma_sq)
        + divergence_gaussian(new_loser.mu, new_loser.sigma_sq, loser.mu, loser.sigma_sq)
        + GAMMA * divergence_beta(new_judge.alpha, new_judge.beta, judge.alpha, judge.beta)
    )
    return chance, gain


def expected_information_gain(judge: JudgeBelief, a: ItemBelief, b: ItemBelief) -> float:
    """What `judge` comparing `a` with `b` is expected to teach, over both outcomes."""
    chance_a, gain_a = _gain_if(judge, a, b)
    _, gain_b = _gain_if(judge, b, a)
    return chance_a * gain_a + (1 - chance_a) * gain_b


@dataclass(frozen=True, slots=True)
class ItemState:
    """A project as the next-project choice sees it; `busy` (someone is at it now) is the caller's call."""

    item_id: int
    belief: ItemBelief = ItemBelief()
    views: int = 0
    prioritised: bool = False
    busy: bool = False


def preferred_items(
    items: Iterable[ItemState], *, seen: Collection[int], min_views: int = MIN_VIEWS
) -> list[ItemState]:
    """Gavel's narrowing: unseen by this judge; then prioritised ones, free ones, little-seen ones, where any."""
    narrowed = [item for item in items if item.item_id not in seen]
    for keep in (
        lambda item: item.prioritised,
        lambda item: not item.busy,
        lambda item: item.views < min_views,
    ):
        preferred = [item for item in narrowed if keep(item)]
        narrowed = preferred or narrowed
    return sorted(narrowed, key=lambda item: item.item_id)


def choose_next_item(
    *,
    judge: JudgeBelief,
    previous: ItemBelief | None,
    items: Iterable[ItemState],
    seen: Collection[int],
    rng: random.Random,
    epsilon: float = EPSILON,
    min_views: int = MIN_VIEWS,
) -> int | None:
    """The id of the project the judge should see next, or None when there is none left.

    With no previous project (the judge's first) or with chance `epsilon`, a random preferred
    project; otherwise the one with the largest expected information gain against the previous
    one, the lowest id among equals.
    """
    candidates = preferred_items(items, seen=seen, min_views=min_views)
    if not candidates:
        return None
    if previous is None or rng.random() < epsilon:
        return rng.choice(candidates).item_id
    best = max(
        candidates,
        key=lambda item: (expected_information_gain(judge, previous, item.belief), -item.item_id),
    )
    return best.item_id


@dataclass(frozen=True, slots=True)
class Vote:
    judge_id: int
    winner_id: int
    loser_id: int


@dataclass(frozen=True, slots=True)
class PairwiseState:
    items: Mapping[int, ItemBelief]
    judges: Mapping[int, JudgeBelief]


def replay_votes(votes: Sequence[Vote], *, item_ids: Iterable[int], judge_ids: Iterable[int] = ()) -> PairwiseState:
    """Every belief after the votes, in the order cast, from the priors: the stored votes are the truth."""
    items = {item_id: ItemBelief() for item_id in item_ids}
    judges = {judge_id: JudgeBelief() for judge_id in judge_ids}
    for vote in votes:
        if vote.winner_id == vote.loser_id:
            raise ValueError(f"a project cannot beat itself (vote by judge {vote.judge_id})")
        judge = judges.get(vote.judge_id, JudgeBelief())
        result = update(judge, items[vote.winner_id], items[vote.loser_id])
        judges[vote.judge_id] = result.judge
        items[vote.winner_id] = result.winner
        items[vote.loser_id] = result.loser
    return PairwiseState(items, judges)


@dataclass(frozen=True, slots=True)
class ItemStanding:
    # None: fewer than the round's minimum of comparisons, so no place yet (the prior alone
    # would rank an uncompared project in the middle).
    rank: int | None
    item_id: int
    mu: float
    sigma: float
    # The chance, under the current beliefs, that this project is better than the next one down
    # (None for the last ranked one and the unranked): near 0.5 means the votes have not separated them yet.
    above_next: float | None
    comparisons: int = 0

    @property
    def low(self) -> float:
        """The lower end of the belief's 95% interval."""
        return self.mu - 1.96 * self.sigma

    @property
    def high(self) -> float:
        return self.mu + 1.96 * self.sigma


def rank_items(
    items: Mapping[int, ItemBelief], *, comparisons: Mapping[int, int] | None = None, minimum: int = 0
) -> tuple[ItemStanding, ...]:
    """Highest mean first; the more certain (smaller variance) first among equals, then the lowest id.

    Projects compared fewer than `minimum` times follow the ranked ones without a rank, the
    most compared first: their means (an uncompared one keeps the prior) say too little to order them.
    """
    counts = comparisons or {}

    def ordered(ids: Iterable[int]) -> list[tuple[int, ItemBelief]]:
        return sorted(((i, items[i]) for i in ids), key=lambda pair: (-pair[1].mu, pair[1].sigma_sq, pair[0]))

    ranked = ordered(i for i in items if counts.get(i, 0) >= minimum)
    unranked = sorted(
        ((i, items[i]) for i in items if counts.get(i, 0) < minimum),
        key=lambda pair: (-counts.get(pair[0], 0), pair[0]),
    )
    standings = []
    for place, (item_id, belief) in enumerate(ranked):
        above_next = None
        if place + 1 < len(ranked):
            below = ranked[place + 1][1]
            spread = math.sqrt(belief.sigma_sq + below.sigma_sq)
            above_next = 0.5 * (1 + math.erf((belief.mu - below.mu) / (spread * math.sqrt(2))))
        standings.append(ItemStanding(place + 1, item_id, belief.mu, belief.sigma, above_next, counts.get(item_id, 0)))
    for item_id, belief in unranked:
        standings.append(ItemStanding(None, item_id, belief.mu, belief.sigma, None, counts.get(item_id, 0)))
    return tuple(standings)


# -- Continued comparisons, balanced (Gavel lets a judge see a project again; so do we)

MIN_COMPARISONS = 3  # a round's default k: comparisons a project needs before it gets a rank
MIN_COMPARISONS_RANGE = (1, 50)
MIN_COMPARISONS_ERROR = N_("Give a whole number from 1 to 50.")


def min_comparisons_errors(value: int) -> dict[str, str]:
    """What is wrong with a round's k, under the field `min_comparisons`."""
    low, high = MIN_COMPARISONS_RANGE
    return {} if low <= value <= high else {"min_comparisons": MIN_COMPARISONS_ERROR}


# A judge whose expected reliability fell below this votes against the others often enough to
# look at (the prior is 10 / 11, about 0.91).
LOW_RELIABILITY = 0.8


def comparisons_of(votes: Iterable[Vote]) -> dict[int, int]:
    """How many decisive votes each project took part in ("can't tell" answers are no votes)."""
    counts: dict[int, int] = {}
    for vote in votes:
        for item in (vote.winner_id, vote.loser_id):
            counts[item] = counts.get(item, 0) + 1
    return counts


def choose_next_project(
    *,
    judge: JudgeBelief,
    previous: int | None,
    beliefs: Mapping[int, ItemBelief],
    comparisons: Mapping[int, int],
    available: Iterable[int],
    avoid: Collection[int] = (),
    minimum: int = MIN_COMPARISONS,
    rng: random.Random,
    epsilon: float = EPSILON,
) -> int | None:
    """The project to put beside `previous` next, or None when no other project is available.

    A judge may see a project again, but never the one in front of them (`previous`) nor those
    in `avoid` (the one just left behind: the same pair twice in a row teaches nothing new).
    While some projects have fewer than `minimum` comparisons, the least compared of them are
    the only candidates, so every project reaches the minimum before any gets far beyond it;
    among candidates the most informative against `previous` wins (the lowest id among equals),
    or, once all are balanced and with chance `epsilon`, a random one. The first project of a
    judge (no `previous`) is a random candidate.
    """
    candidates = sorted(item for item in set(available) if item != previous and item not in avoid)
    if not candidates:
        return None
    short = [item for item in candidates if comparisons.get(item, 0) < minimum]
    if short:
        fewest = min(comparisons.get(item, 0) for item in short)
        candidates = [item for item in short if comparisons.get(item, 0) == fewest]
    if previous is None:
        return rng.choice(candidates)
    if not short and rng.random() < epsilon:
        return rng.choice(candidates)
    return max(
        candidates,
        key=lambda item: (expected_information_gain(judge, beliefs[previous], beliefs[item]), -item),
    )


@dataclass(frozen=True, slots=True)
class SplitPair:
    """Two projects on which votes went both ways (`first` < `second` by id)."""

    first: int
    second: int
    first_wins: int
    second_wins: int


def split_pairs(votes: Iterable[Vote]) -> tuple[SplitPair, ...]:
    """The pairs judges disagree on, the most evenly split first, then by id."""
    wins: dict[tuple[int, int], int] = {}
    for vote in votes:
        wins[(vote.winner_id, vote.loser_id)] = wins.get((vote.winner_id, vote.loser_id), 0) + 1
    split = [SplitPair(a, b, wins[(a, b)], wins[(b, a)]) for (a, b) in wins if a < b and wins.get((b, a), 0) > 0]
    return tuple(sorted(split, key=lambda s: (-min(s.first_wins, s.second_wins), s.first, s.second)))
