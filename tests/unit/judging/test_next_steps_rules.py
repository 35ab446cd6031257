"""Judging's next steps: a judge's sheets and profile; the organisers' rounds and results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from challenge.enums import Phase
from challenge.rules.next_steps import EditionFacts
from core.rules.next_steps import Urgency
from judging.enums import RoundMethod, RoundStatus
from judging.rules.next_steps import (
    JudgeFacts,
    ResultsFacts,
    RoundFacts,
    judge_steps,
    organiser_results_steps,
    organiser_round_steps,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 13, 17, 0, tzinfo=UTC)


def edition(phase: Phase | None, **fields: object) -> EditionFacts:
    values: dict[str, object] = {"id": 7, "name": "Smart Challenge 2026", "slug": "2026", "timezone": "Europe/Belgrade"}
    return EditionFacts(phase=phase, **{**values, **fields})  # type: ignore[arg-type]


def round_(status: RoundStatus = RoundStatus.OPEN, **fields: object) -> RoundFacts:
    values: dict[str, object] = {
        "id": 3,
        "name": "Screening round",
        "method": RoundMethod.WEIGHTED_RUBRIC,
        "edition": edition(Phase.SCREENING),
        "closes_at": FRIDAY,
    }
    return RoundFacts(status=status, **{**values, **fields})  # type: ignore[arg-type]


def kinds(steps: list) -> list[tuple[str, bool]]:
    return [(s.kind, s.done) for s in steps]


def test_judge_has_sheets_to_score_by_the_close() -> None:
    [step] = judge_steps(JudgeFacts(rounds=(round_(assigned=12, submitted=0),)), now=NOW)

    assert (step.kind, step.link, step.text.count) == ("judge.score", "/judge/rounds/3", 12)
    assert step.text.params == {"round": "Screening round", "when": FRIDAY}
    assert step.timezone == "Europe/Belgrade"
    assert step.urgency == Urgency.NORMAL


def test_judge_close_to_the_deadline_is_urgent() -> None:
    [step] = judge_steps(JudgeFacts(rounds=(round_(assigned=12, submitted=10),)), now=FRIDAY - timedelta(hours=5))

    assert (step.text.count, step.urgency) == (2, Urgency.SOON)


def test_judge_who_submitted_everything_sees_it_ticked_and_is_asked_for_a_profile() -> None:
    facts = JudgeFacts(rounds=(round_(assigned=4, submitted=4),), editions=(edition(Phase.SCREENING),))

    steps = judge_steps(facts, now=NOW)

    assert kinds(steps) == [("judge.profile", False), ("judge.done", True)]
    assert steps[0].link == "/judge/editions/7/profile"


def test_judge_is_led_to_an_open_live_final() -> None:
    final = round_(method=RoundMethod.PAIRWISE, id=9, name="Final")

    [step] = judge_steps(JudgeFacts(rounds=(final,)), now=NOW)

    assert (step.kind, step.link) == ("judge.pairwise", "/judge/rounds/9/pairwise")


def test_organiser_sees_days_left_and_the_share_scored() -> None:
    [step] = organiser_round_steps([round_(assigned=10, submitted=3)], now=FRIDAY - timedelta(days=2, hours=3))

    assert (step.kind, step.link) == ("round.scoring", "/organiser/rounds/3/")
    assert (step.text.count, step.text.params) == (2, {"round": "Screening round", "percent": 30})
    assert step.text.plural is not None and "days" in step.text.plural


def test_organiser_sees_hours_left_on_the_last_day() -> None:
    [step] = organiser_round_steps([round_(assigned=10, submitted=9)], now=FRIDAY - timedelta(hours=5, minutes=30))

    assert (step.text.count, step.urgency) == (6, Urgency.SOON)
    assert "hour" in step.text.singular


def test_organiser_is_told_a_round_past_its_close_is_still_open() -> None:
    [step] = organiser_round_steps([round_(assigned=10, submitted=10)], now=FRIDAY + timedelta(hours=1))

    assert (step.urgency, step.text.params["percent"]) == (Urgency.LATE, 100)


def test_organiser_is_asked_to_publish_a_closed_round() -> None:
    [step] = organiser_round_steps([round_(RoundStatus.CLOSED)], now=NOW)

    assert step.kind == "round.publish"


def test_results_not_yet_published_in_the_results_phase_is_late() -> None:
    [step] = organiser_results_steps([ResultsFacts(edition(Phase.RESULTS))], now=NOW)

    assert (step.kind, step.link, step.urgency) == ("results.publish", "/organiser/editions/7/judging/", Urgency.LATE)


def test_results_published_are_ticked_with_the_public_page() -> None:
    [step] = organiser_results_steps([ResultsFacts(edition(Phase.RESULTS), 1)], now=NOW)

    assert (step.kind, step.done, step.link) == ("results.published", True, "/editions/2026/results")


def test_results_are_not_mentioned_before_final_judging() -> None:
    assert organiser_results_steps([ResultsFacts(edition(Phase.MENTORING))], now=NOW) == []
