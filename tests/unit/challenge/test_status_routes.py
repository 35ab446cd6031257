"""The way an organiser's choice of status is carried out: allowed steps only, forward only."""

from __future__ import annotations

import pytest

from challenge.enums import ApplicationStatus as S
from challenge.rules.applications import ORGANISER_TRANSITIONS, NoRoute, reachable, route


def test_an_allowed_transition_is_one_step() -> None:
    assert route(S.FINALIST, S.WINNER) == (S.WINNER,)
    assert route(S.ACCEPTED, S.REJECTED) == (S.REJECTED,)
    assert route(S.SUBMITTED, S.DRAFT) == (S.DRAFT,)


def test_an_accepted_application_becomes_a_winner_through_finalist() -> None:
    assert route(S.ACCEPTED, S.WINNER) == (S.FINALIST, S.WINNER)


def test_a_submitted_application_becomes_a_winner_through_every_status_between() -> None:
    assert route(S.SUBMITTED, S.WINNER) == (S.SHORTLISTED, S.ACCEPTED, S.FINALIST, S.WINNER)
    assert route(S.SHORTLISTED, S.FINALIST) == (S.ACCEPTED, S.FINALIST)


def test_every_step_of_a_route_is_an_allowed_transition() -> None:
    for old in S:
        for new in reachable(old):
            current = old
            for step in route(old, new):
                assert step in ORGANISER_TRANSITIONS[current], (old, new, current, step)
                current = step
            assert current == new


def test_the_status_it_has_already_needs_no_step() -> None:
    assert route(S.WINNER, S.WINNER) == ()


def test_a_rejected_application_names_the_shortlist_as_the_missing_step() -> None:
    with pytest.raises(NoRoute) as refused:
        route(S.REJECTED, S.WINNER)

    assert (refused.value.old, refused.value.new, refused.value.step) == (S.REJECTED, S.WINNER, S.SHORTLISTED)
    assert refused.value.reason == "%(name)s is %(status)s: move it to %(step)s first, then it can become %(target)s."


def test_a_draft_a_withdrawn_or_a_further_application_has_no_step_an_organiser_can_take() -> None:
    reasons = {}
    for old, new in ((S.DRAFT, S.WINNER), (S.WITHDRAWN, S.FINALIST), (S.WINNER, S.FINALIST)):
        with pytest.raises(NoRoute) as refused:
            route(old, new)
        assert refused.value.step is None
        reasons[old] = refused.value.reason

    assert reasons == {
        S.DRAFT: "%(name)s is a draft again: its team must submit it before it can become %(target)s.",
        S.WITHDRAWN: "%(name)s was withdrawn by its team and cannot become %(target)s.",
        S.WINNER: "%(name)s is %(status)s and cannot become %(target)s.",
    }


def test_a_route_never_goes_back_or_aside_on_the_way() -> None:
    # Rejecting and re-shortlisting would be a way from accepted to shortlisted; it is not taken.
    with pytest.raises(NoRoute) as refused:
        route(S.ACCEPTED, S.SHORTLISTED)
    assert refused.value.step == S.REJECTED


def test_reachable_lists_the_statuses_one_choice_can_reach_in_lifecycle_order() -> None:
    assert reachable(S.ACCEPTED) == [S.REJECTED, S.FINALIST, S.WINNER]
    assert reachable(S.REJECTED) == [S.SHORTLISTED]
    assert reachable(S.WITHDRAWN) == []


def test_a_bulk_change_moves_what_a_route_reaches_and_keeps_the_others() -> None:
    from challenge.rules.applications import split_movable

    movable, stuck = split_movable({1: S.ACCEPTED, 2: S.FINALIST, 3: S.REJECTED, 4: S.WINNER}, S.WINNER)

    assert movable == [1, 2]
    assert stuck == [(3, S.REJECTED), (4, S.WINNER)]
