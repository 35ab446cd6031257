"""Mentoring's next steps: a mentor's profile, slots and sessions; a startup's booking and ratings; matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from challenge.enums import Phase
from challenge.rules.next_steps import EditionFacts
from core.rules.next_steps import Urgency
from mentoring.rules.next_steps import (
    MatchFacts,
    MatchingFacts,
    MentorEditionFacts,
    MentorFacts,
    StartupMentoringFacts,
    mentor_steps,
    organiser_matching_steps,
    startup_mentoring_steps,
)

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def edition(phase: Phase | None, **fields: object) -> EditionFacts:
    values: dict[str, object] = {"id": 7, "name": "Smart Challenge 2026", "slug": "2026", "timezone": "Europe/Belgrade"}
    return EditionFacts(phase=phase, **{**values, **fields})  # type: ignore[arg-type]


def kinds(steps: list) -> list[tuple[str, bool]]:
    return [(s.kind, s.done) for s in steps]


def test_mentor_without_profile_is_asked_to_complete_it() -> None:
    [step] = mentor_steps(MentorFacts((MentorEditionFacts(edition(Phase.SCREENING)),)), now=NOW)

    assert (step.kind, step.link, step.done) == ("mentor.profile", "/mentor/editions/7/profile", False)


def test_matched_mentor_without_slots_is_asked_to_offer_some_and_to_confirm_past_sessions() -> None:
    facts = MentorFacts((MentorEditionFacts(edition(Phase.MENTORING), True, 2, 0),), sessions_to_confirm=3)

    steps = mentor_steps(facts, now=NOW)

    assert kinds(steps) == [("mentor.slots", False), ("mentor.confirm", False), ("mentor.profile_done", True)]
    assert [s.link for s in steps[:2]] == ["/mentor/sessions", "/mentor/sessions"]
    assert (steps[0].text.count, steps[1].text.count) == (2, 3)


def test_mentor_with_slots_ahead_sees_them_ticked() -> None:
    facts = MentorFacts((MentorEditionFacts(edition(Phase.MENTORING), True, 2, 4),))

    assert kinds(mentor_steps(facts, now=NOW)) == [("mentor.profile_done", True), ("mentor.slots_done", True)]


def test_mentor_of_a_finished_edition_has_nothing_to_do() -> None:
    assert mentor_steps(MentorFacts((MentorEditionFacts(edition(Phase.RESULTS)),)), now=NOW) == []


def test_startup_books_a_session_and_rates_the_ones_held() -> None:
    mentoring = edition(Phase.MENTORING)
    booked_at = NOW + timedelta(days=2)
    facts = StartupMentoringFacts(
        (MatchFacts("Ana Mentor", mentoring), MatchFacts("Bojan Mentor", mentoring, booked_at)), sessions_to_rate=2
    )

    steps = startup_mentoring_steps(facts, now=NOW)

    assert kinds(steps) == [("mentoring.book", False), ("mentoring.rate", False), ("mentoring.booked", True)]
    assert steps[0].text.params == {"mentor": "Ana Mentor"}
    assert steps[2].text.params == {"mentor": "Bojan Mentor", "when": booked_at}
    assert {s.link for s in steps} == {"/startup/mentoring"}


def test_startup_is_not_asked_to_book_outside_mentoring() -> None:
    facts = StartupMentoringFacts((MatchFacts("Ana Mentor", edition(Phase.HACKATHON)),))

    assert startup_mentoring_steps(facts, now=NOW) == []


def test_matching_not_published_during_mentoring_is_late() -> None:
    [step] = organiser_matching_steps([MatchingFacts(edition(Phase.MENTORING))], now=NOW)

    assert (step.kind, step.link, step.urgency) == ("matching.publish", "/organiser/editions/7/matching/", Urgency.LATE)


def test_matching_published_is_ticked_with_the_pairs() -> None:
    [step] = organiser_matching_steps([MatchingFacts(edition(Phase.SCREENING), 12)], now=NOW)

    assert (step.kind, step.done, step.text.count) == ("matching.published", True, 12)


def test_matching_is_not_mentioned_before_screening() -> None:
    assert organiser_matching_steps([MatchingFacts(edition(Phase.APPLICATIONS))], now=NOW) == []
