"""Continued, balanced pairwise comparisons: judges see projects again until each has k comparisons."""

from __future__ import annotations

import itertools
import random

from judging.rules.pairwise import (
    LOW_RELIABILITY,
    ItemBelief,
    JudgeBelief,
    SplitPair,
    Vote,
    choose_next_project,
    comparisons_of,
    min_comparisons_errors,
    rank_items,
    replay_votes,
    split_pairs,
)


def _final(teams: int, judges: int, k: int, seed: int) -> tuple[list[Vote], list[tuple[int, int]]]:
    """Judges take turns as in a room, each voting for the higher id, until every team has k comparisons.

    The service's loop in miniature: the project now in front of a judge becomes the previous
    one, the one just left behind is avoided, the draw is seeded per judge and turn.
    """
    items = list(range(1, teams + 1))
    votes: list[Vote] = []
    pairs: list[tuple[int, int]] = []
    seats: dict[int, tuple[int | None, int | None, int]] = {j: (None, None, 0) for j in range(judges)}
    turn = 0
    while any(comparisons_of(votes).get(i, 0) < k for i in items):
        judge = turn % judges
        turn += 1
        previous, current, answered = seats[judge]
        state = replay_votes(votes, item_ids=items, judge_ids=range(judges))
        if current is None:
            rng = random.Random(f"{seed}:{judge}:{answered}")
            current = choose_next_project(
                judge=state.judges[judge],
                previous=None,
                beliefs=state.items,
                comparisons=comparisons_of(votes),
                available=items,
                minimum=k,
                rng=rng,
            )
            seats[judge] = (None, current, answered)
            continue
        if previous is not None:
            votes.append(Vote(judge, max(previous, current), min(previous, current)))
            pairs.append((previous, current))
        state = replay_votes(votes, item_ids=items, judge_ids=range(judges))
        rng = random.Random(f"{seed}:{judge}:{answered + 1}")
        upcoming = choose_next_project(
            judge=state.judges[judge],
            previous=current,
            beliefs=state.items,
            comparisons=comparisons_of(votes),
            available=items,
            avoid={previous} if previous is not None else set(),
            minimum=k,
            rng=rng,
        )
        seats[judge] = (current, upcoming, answered + 1)
    return votes, pairs


def test_seven_teams_and_two_judges_reach_three_comparisons_each_in_thirteen_votes() -> None:
    votes, _pairs = _final(teams=7, judges=2, k=3, seed=1)

    assert len(votes) == 13
    assert comparisons_of(votes) == {1: 3, 2: 3, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4}


def test_one_judge_alone_takes_a_seven_team_final_past_k_by_seeing_projects_again() -> None:
    votes, pairs = _final(teams=7, judges=1, k=3, seed=1)

    # Without seeing projects again one judge stops after 6 comparisons, with 5 teams short of 3.
    assert len(votes) == 13
    assert min(comparisons_of(votes).values()) == 3
    shown = [current for _previous, current in pairs]
    assert len(shown) > len(set(shown))


def test_balance_holds_for_every_seed_no_team_more_than_two_beyond_the_least_compared() -> None:
    for seed in range(20):
        votes, _pairs = _final(teams=7, judges=2, k=3, seed=seed)
        counts = comparisons_of(votes)

        assert min(counts.values()) == 3, seed
        assert max(counts.values()) - min(counts.values()) <= 2, seed
        assert len(votes) in (13, 14), seed


def test_the_same_pair_never_comes_twice_in_a_row_for_a_judge() -> None:
    _votes, pairs = _final(teams=3, judges=1, k=4, seed=1)

    assert all(frozenset(a) != frozenset(b) for a, b in itertools.pairwise(pairs))
    assert len(pairs) >= 6


def test_the_least_compared_project_under_k_is_chosen_before_a_more_informative_one() -> None:
    beliefs = {1: ItemBelief(), 2: ItemBelief(0.0, 0.01), 3: ItemBelief(0.0, 1.0), 4: ItemBelief(0.0, 1.0)}
    chosen = choose_next_project(
        judge=JudgeBelief(),
        previous=1,
        beliefs=beliefs,
        comparisons={1: 1, 2: 0, 3: 2, 4: 2},
        available=[1, 2, 3, 4],
        minimum=3,
        rng=random.Random(0),
        epsilon=1.0,
    )

    assert chosen == 2


def test_once_every_project_has_k_the_most_informative_wins_and_a_project_is_seen_again() -> None:
    beliefs = {1: ItemBelief(), 2: ItemBelief(0.0, 0.01), 3: ItemBelief(0.0, 1.0)}
    chosen = choose_next_project(
        judge=JudgeBelief(),
        previous=1,
        beliefs=beliefs,
        comparisons={1: 3, 2: 3, 3: 5},
        available=[1, 2, 3],
        minimum=3,
        rng=random.Random(0),
        epsilon=0.0,
    )

    assert chosen == 3


def test_no_project_but_the_one_in_front_or_the_one_left_behind_leaves_nothing_to_show() -> None:
    chosen = choose_next_project(
        judge=JudgeBelief(),
        previous=1,
        beliefs={1: ItemBelief(), 2: ItemBelief()},
        comparisons={},
        available=[1, 2],
        avoid={2},
        rng=random.Random(0),
    )

    assert chosen is None


def test_a_project_short_of_k_comparisons_has_no_rank_and_comes_after_the_ranked() -> None:
    votes = [Vote(9, 1, 2), Vote(9, 1, 3), Vote(9, 2, 3), Vote(9, 1, 2)]
    state = replay_votes(votes, item_ids=[1, 2, 3, 4])
    counts = comparisons_of(votes)

    standings = rank_items(state.items, comparisons=counts, minimum=3)

    assert [(s.item_id, s.rank, s.comparisons) for s in standings] == [(1, 1, 3), (2, 2, 3), (3, None, 2), (4, None, 0)]
    assert standings[1].above_next is None and standings[2].above_next is None
    # Uncompared, 4 keeps the prior and would have ranked above 3, which lost twice.
    assert standings[3].mu == 0.0 > standings[2].mu
    assert standings[0].low < standings[0].mu < standings[0].high


def test_votes_split_both_ways_name_the_pairs_judges_disagree_on() -> None:
    votes = [Vote(1, 1, 2), Vote(2, 2, 1), Vote(3, 1, 2), Vote(1, 3, 4), Vote(2, 5, 6), Vote(3, 6, 5)]

    assert split_pairs(votes) == (SplitPair(1, 2, 2, 1), SplitPair(5, 6, 1, 1))


def test_k_is_a_whole_number_from_one_to_fifty() -> None:
    assert [min_comparisons_errors(v) for v in (0, 1, 50, 51)] == [
        {"min_comparisons": "Give a whole number from 1 to 50."},
        {},
        {},
        {"min_comparisons": "Give a whole number from 1 to 50."},
    ]


def test_a_judge_voting_against_the_others_falls_below_the_low_reliability_mark() -> None:
    pairs = [(1, 2), (2, 3), (1, 3), (3, 4), (2, 4), (1, 4)]
    agreeing = [Vote(judge, a, b) for _ in range(4) for a, b in pairs for judge in (1, 2)]
    contrary = [Vote(3, b, a) for a, b in pairs]

    judges = replay_votes(agreeing + contrary, item_ids=[1, 2, 3, 4], judge_ids=[1, 2, 3]).judges

    assert [round(judges[j].reliability, 3) for j in (1, 2, 3)] == [0.958, 0.963, 0.677]
    assert [judges[j].reliability < LOW_RELIABILITY for j in (1, 2, 3)] == [False, False, True]
