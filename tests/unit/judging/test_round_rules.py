"""A round's window, the source of last year's rubric, and when results may be published."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from challenge.enums import Phase
from judging.enums import RoundMethod, RoundStatus
from judging.rules.rounds import (
    CLOSE_BY_HAND,
    CLOSES_BEFORE_OPENING,
    CLOSING_PASSED,
    NO_EARLIER_EDITION,
    NO_RUBRIC_FOR_PAIRWISE,
    NOTHING_TO_COPY,
    EarlierRound,
    NothingToCopy,
    PublishFacts,
    Window,
    closing,
    opening,
    publish_refusals,
    rubric_source,
    settle_window,
)

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_draft_takes_its_planned_window() -> None:
    asked = Window(NOW + DAY, NOW + 3 * DAY)

    assert settle_window(RoundStatus.DRAFT, stored=Window(None, None), asked=asked, now=NOW) == (asked, {})


def test_a_draft_closing_before_it_opens_is_an_invalid_window() -> None:
    _, errors = settle_window(
        RoundStatus.DRAFT, stored=Window(None, None), asked=Window(NOW + 3 * DAY, NOW + DAY), now=NOW
    )

    assert errors == {"closes_at": CLOSES_BEFORE_OPENING}


def test_a_draft_cannot_plan_to_close_in_the_past() -> None:
    _, errors = settle_window(RoundStatus.DRAFT, stored=Window(None, None), asked=Window(None, NOW - DAY), now=NOW)

    assert errors == {"closes_at": CLOSING_PASSED}


def test_an_open_round_keeps_its_opening_and_may_move_its_closing_but_not_into_the_past() -> None:
    stored = Window(NOW - DAY, NOW + DAY)

    moved, ok = settle_window(RoundStatus.OPEN, stored=stored, asked=Window(NOW + 9 * DAY, NOW + 2 * DAY), now=NOW)
    _, late = settle_window(RoundStatus.OPEN, stored=stored, asked=Window(None, NOW - DAY / 2), now=NOW)

    assert (moved, ok) == (Window(NOW - DAY, NOW + 2 * DAY), {})
    assert late == {"closes_at": CLOSE_BY_HAND}


def test_a_round_closed_early_keeps_its_record_and_never_reads_closing_before_it_opens() -> None:
    # Planned for next week, opened today by hand, closed an hour later: early twice over.
    planned = Window(NOW + 7 * DAY, NOW + 9 * DAY)
    opened = opening(planned, now=NOW)
    closed = closing(opened, now=NOW + timedelta(hours=1))
    # The settings form sends the old plan back: the record stays, with no error.
    kept = settle_window(RoundStatus.CLOSED, stored=closed.window, asked=planned, now=NOW + 2 * DAY)

    assert opened == Window(NOW, NOW + 9 * DAY)
    assert closed.window == Window(NOW, NOW + timedelta(hours=1)) and closed.early
    assert kept == (closed.window, {})


def test_a_round_closed_at_its_time_is_not_early() -> None:
    assert not closing(Window(NOW - DAY, NOW), now=NOW + timedelta(seconds=5)).early


def test_a_round_whose_closing_time_passed_does_not_open() -> None:
    with pytest.raises(ValueError, match="closing time has passed"):
        opening(Window(None, NOW - DAY), now=NOW)


def _round(
    id: int,
    name: str,
    *,
    year: int = 2025,
    edition: int = 1,
    method=RoundMethod.WEIGHTED_RUBRIC,
    position: int = 1,
    criteria: int = 3,
) -> EarlierRound:
    return EarlierRound(id, edition, year, name, method, position, criteria)


LAST_YEAR = [
    _round(1, "Screening", position=1),
    _round(2, "Final", method=RoundMethod.PAIRWISE, position=2, criteria=0),
]


def test_the_rubric_comes_from_last_years_round_of_the_same_name() -> None:
    source = rubric_source(
        name=" screening ", method=RoundMethod.WEIGHTED_RUBRIC, position=4, earlier=LAST_YEAR, editions=1
    )

    assert source.id == 1


def test_a_pairwise_round_of_the_same_name_or_place_is_passed_over_for_the_nearest_scored_one() -> None:
    by_name = rubric_source(name="Final", method=RoundMethod.WEIGHTED_RUBRIC, position=4, earlier=LAST_YEAR, editions=1)
    by_place = rubric_source(
        name="Interviews", method=RoundMethod.WEIGHTED_RUBRIC, position=2, earlier=LAST_YEAR, editions=1
    )

    assert by_name.id == by_place.id == 1


def test_the_same_place_wins_over_another_scored_round_and_the_latest_edition_over_older_ones() -> None:
    earlier = [
        _round(1, "Screening", position=1),
        _round(3, "Semi-final", position=2),
        _round(9, "Semi-final", year=2024, edition=7, position=3),
    ]

    source = rubric_source(
        name="Interviews", method=RoundMethod.WEIGHTED_RUBRIC, position=2, earlier=earlier, editions=2
    )

    assert source.id == 3


def test_nothing_to_copy_says_why() -> None:
    said = []
    for method, earlier, editions in (
        (RoundMethod.PAIRWISE, LAST_YEAR, 1),
        (RoundMethod.WEIGHTED_RUBRIC, [], 0),
        (RoundMethod.WEIGHTED_RUBRIC, [LAST_YEAR[1]], 1),
    ):
        with pytest.raises(NothingToCopy) as refused:
            rubric_source(name="Final", method=method, position=1, earlier=earlier, editions=editions)
        said.append(refused.value.message)

    assert said == [NO_RUBRIC_FOR_PAIRWISE, NO_EARLIER_EDITION, NOTHING_TO_COPY]


READY = PublishFacts(
    status=RoundStatus.CLOSED,
    method=RoundMethod.WEIGHTED_RUBRIC,
    advanced=2,
    scored=6,
    phase=Phase.FINAL_JUDGING,
    applications_until=NOW - 30 * DAY,
)


def _said(facts: PublishFacts) -> list[str]:
    return [m.render() for m in publish_refusals(facts, now=NOW)]


def test_a_closed_scored_round_with_advancing_applications_may_publish() -> None:
    assert _said(READY) == []


def test_results_are_not_published_while_the_edition_takes_applications() -> None:
    taking = replace(READY, phase=Phase.APPLICATIONS, applications_until=NOW + DAY)
    in_grace = replace(READY, phase=Phase.SCREENING, applications_until=NOW + DAY / 24)

    assert [m.template for m in publish_refusals(taking, now=NOW)] == [
        "The edition takes applications until %(when)s; publish results once they have closed."
    ]
    assert publish_refusals(taking, now=NOW)[0].params == {"when": NOW + DAY}
    assert len(publish_refusals(in_grace, now=NOW)) == 1


def test_an_open_unscored_round_without_advancing_applications_says_everything_at_once() -> None:
    facts = replace(READY, status=RoundStatus.OPEN, scored=0, advanced=0)
    closed_unscored = replace(READY, scored=0, method=RoundMethod.PAIRWISE)

    assert _said(facts) == [
        "Close the round before publishing its results: scores are final only then.",
        "Decide who advances before publishing.",
    ]
    assert _said(closed_unscored) == ["No judge has voted in this round yet: there is nothing to publish."]


def test_published_results_are_not_published_twice() -> None:
    assert _said(replace(READY, status=RoundStatus.PUBLISHED)) == ["These results are already published."]
