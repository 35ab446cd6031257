"""Advancement under quotas, against hand-worked cases and an exhaustive search."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.rules.scoring import (
    AtLeast,
    AtMost,
    Candidate,
    QuotasInfeasible,
    select_advancing,
)


def candidates(*rows: tuple[str, str, str]) -> list[Candidate]:
    """(name, track, municipality) in rank order; ids 1, 2, ..."""
    return [
        Candidate(position, name, {"track": track, "municipality": municipality})
        for position, (name, track, municipality) in enumerate(rows, start=1)
    ]


def test_without_quotas_the_top_n_advance() -> None:
    ranked = candidates(("A", "smart_city", "Niš"), ("B", "smart_city", "Niš"), ("C", "smart_rural", "Pirot"))

    advancement = select_advancing(ranked, 2)

    assert advancement.chosen == (1, 2)
    assert advancement.swaps == ()
    assert select_advancing(ranked, 5).chosen == (1, 2, 3)


def test_a_minimum_for_a_track_swaps_in_the_best_of_that_track_visibly() -> None:
    ranked = candidates(
        ("City 1", "smart_city", "Niš"),
        ("City 2", "smart_city", "Novi Sad"),
        ("City 3", "smart_city", "Subotica"),
        ("City 4", "smart_city", "Kragujevac"),
        ("City 5", "smart_city", "Čačak"),
        ("Rural 6", "smart_rural", "Pirot"),
        ("Rural 7", "smart_rural", "Knjaževac"),
        ("City 8", "smart_city", "Sombor"),
    )

    advancement = select_advancing(ranked, 5, [AtLeast("track", "smart_rural", 2)])

    assert advancement.chosen == (1, 2, 3, 6, 7)
    assert [(swap.displaced_id, swap.promoted_id, str(swap.explanation)) for swap in advancement.swaps] == [
        (
            4,
            6,
            "Rural 6 (rank 6) advances in place of City 4 (rank 4): "
            "places are kept for at least 2 from track smart_rural.",
        ),
        (
            5,
            7,
            "Rural 7 (rank 7) advances in place of City 5 (rank 5): "
            "places are kept for at least 2 from track smart_rural.",
        ),
    ]


def test_a_maximum_per_municipality_passes_over_the_third_from_one_town() -> None:
    ranked = candidates(
        ("A", "smart_city", "Niš"),
        ("B", "smart_city", "Niš"),
        ("C", "smart_city", "Niš"),
        ("D", "smart_city", "Pirot"),
    )

    advancement = select_advancing(ranked, 3, [AtMost("municipality", 2)])

    assert advancement.chosen == (1, 2, 4)
    assert [str(swap.explanation) for swap in advancement.swaps] == [
        "D (rank 4) advances in place of C (rank 3): at most 2 may advance from municipality Niš, and that many "
        "already do."
    ]


def test_minimums_and_maximums_together_keep_the_best_feasible_choice() -> None:
    # One rural place needed, one per municipality. Taking the top two and then swapping City 2 for
    # the best rural one (Rural 3) would put two from Niš; the right answer skips to Rural 4.
    ranked = candidates(
        ("City 1", "smart_city", "Niš"),
        ("City 2", "smart_city", "Pirot"),
        ("Rural 3", "smart_rural", "Niš"),
        ("Rural 4", "smart_rural", "Pirot"),
    )

    advancement = select_advancing(ranked, 2, [AtLeast("track", "smart_rural", 1), AtMost("municipality", 1)])

    assert advancement.chosen == (1, 4)
    assert [(swap.displaced_id, swap.promoted_id) for swap in advancement.swaps] == [(2, 4)]


def test_quotas_that_cannot_be_met_say_why() -> None:
    ranked = candidates(
        ("A", "smart_city", "Niš"),
        ("B", "smart_city", "Niš"),
        ("C", "smart_rural", "Niš"),
        ("D", "smart_rural", "Pirot"),
    )

    with pytest.raises(QuotasInfeasible) as short:
        select_advancing(ranked, 3, [AtLeast("track", "smart_rural", 3)])
    assert [str(reason) for reason in short.value.reasons] == [
        "Only 2 of the applications of track smart_rural can advance; the minimum is 3."
    ]

    with pytest.raises(QuotasInfeasible) as capped:
        select_advancing(ranked, 3, [AtMost("municipality", 1)])
    assert [str(reason) for reason in capped.value.reasons] == [
        "Within the maximums, places that can be filled: 2 of 3."
    ]

    with pytest.raises(QuotasInfeasible) as crowded:
        select_advancing(ranked, 2, [AtLeast("track", "smart_rural", 2), AtLeast("track", "smart_city", 1)])
    assert [str(reason) for reason in crowded.value.reasons] == [
        "The minimums add up to 3, more than the number of places (2)."
    ]


def test_a_minimum_counts_what_the_maximums_let_through() -> None:
    ranked = candidates(
        ("A", "smart_city", "Pirot"),
        ("B", "smart_rural", "Niš"),
        ("C", "smart_rural", "Niš"),
    )

    with pytest.raises(QuotasInfeasible) as short:
        select_advancing(ranked, 2, [AtLeast("track", "smart_rural", 2), AtMost("municipality", 1)])

    assert [str(reason) for reason in short.value.reasons] == [
        "Only 1 of the applications of track smart_rural can advance; the minimum is 2."
    ]


def test_a_maximum_may_sit_on_the_same_kind_of_group_as_a_minimum() -> None:
    ranked = candidates(
        ("A", "smart_city", "Niš"),
        ("B", "smart_city", "Pirot"),
        ("C", "smart_city", "Bor"),
        ("D", "smart_rural", "Bor"),
        ("E", "smart_city", "Zaječar"),
        ("F", "smart_rural", "Knjaževac"),
    )
    quotas = [AtLeast("track", "smart_rural", 1), AtMost("track", 2, "smart_city"), AtMost("municipality", 1)]

    advancement = select_advancing(ranked, 4, quotas)

    # A and B fill smart_city's two places, so C and E are passed over; D (Bor is free once C is
    # out) and F fill the rest. The plain top 4 would have been A, B, C, D: C gives way to F.
    assert advancement.chosen == (1, 2, 4, 6)
    assert [str(reason) for swap in advancement.swaps for reason in swap.reasons] == [
        "at most 2 may advance from track smart_city, and that many already do"
    ]


def test_quotas_on_more_kinds_of_group_than_the_flow_model_covers_are_refused() -> None:
    with pytest.raises(ValueError, match="one kind of group"):
        select_advancing([], 1, [AtLeast("track", "smart_rural", 1), AtLeast("municipality", "Niš", 1)])
    with pytest.raises(ValueError, match="two kinds"):
        select_advancing([], 1, [AtMost("track", 1), AtMost("municipality", 1), AtMost("region", 1)])


def lexicographically_best(ranked: list[Candidate], places: int, floor: int, cap: int) -> tuple[int, ...] | None:
    """The reference: every subset of the right size, the feasible one with the best ranks."""
    for positions in itertools.combinations(range(len(ranked)), places):
        chosen = [ranked[position] for position in positions]
        rural = sum(candidate.groups["track"] == "smart_rural" for candidate in chosen)
        towns = [candidate.groups["municipality"] for candidate in chosen]
        if rural >= floor and all(towns.count(town) <= cap for town in towns):
            return tuple(candidate.application_id for candidate in chosen)
    return None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=1, max_size=9),
    st.integers(1, 5),
    st.integers(0, 3),
    st.integers(1, 3),
)
def test_the_greedy_matches_an_exhaustive_search(
    rows: list[tuple[bool, int]], places: int, floor: int, cap: int
) -> None:
    ranked = candidates(
        *((f"#{n}", "smart_rural" if rural else "smart_city", f"town {town}") for n, (rural, town) in enumerate(rows))
    )
    places = min(places, len(ranked))
    quotas = [AtLeast("track", "smart_rural", floor), AtMost("municipality", cap)]
    expected = lexicographically_best(ranked, places, floor, cap)

    if expected is None:
        with pytest.raises(QuotasInfeasible):
            select_advancing(ranked, places, quotas)
    else:
        advancement = select_advancing(ranked, places, quotas)
        assert advancement.chosen == expected
        top = {candidate.application_id for candidate in ranked[:places]}
        assert {swap.displaced_id for swap in advancement.swaps} == top - set(expected)
        assert {swap.promoted_id for swap in advancement.swaps} == set(expected) - top
