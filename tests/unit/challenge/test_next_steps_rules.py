"""The challenge's next steps: what a resident, a startup, a municipality and an organiser see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from challenge.enums import ApplicationStatus, Phase, ProblemStatus
from challenge.rules.next_steps import (
    ApplicationFacts,
    EditionFacts,
    PersonFacts,
    ProblemFacts,
    QueueFacts,
    StartupFacts,
    municipality_steps,
    organiser_steps,
    person_steps,
    startup_steps,
)
from core.rules.next_steps import Urgency

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 13, 17, 0, tzinfo=UTC)  # 18:00 CET


def edition(phase: Phase | None, **fields: object) -> EditionFacts:
    values: dict[str, object] = {"id": 7, "name": "Smart Challenge 2026", "slug": "2026", "timezone": "Europe/Belgrade"}
    return EditionFacts(phase=phase, **{**values, **fields})  # type: ignore[arg-type]


def kinds(steps: list) -> list[tuple[str, bool]]:
    return [(s.kind, s.done) for s in steps]


def test_person_is_asked_to_endorse_and_to_register_a_startup() -> None:
    taking = edition(Phase.APPLICATIONS, applications_close_at=FRIDAY)
    steps = person_steps(PersonFacts(showcase=taking, published_problems=4, taking_applications=(taking,)), now=NOW)

    assert kinds(steps) == [("person.endorse", False), ("person.register_startup", False)]
    assert steps[0].link == "/problems?edition=2026"
    assert steps[1].link == "/startup/register?edition_id=7"
    assert steps[1].text.params == {"edition": "Smart Challenge 2026", "when": FRIDAY}
    assert steps[1].timezone == "Europe/Belgrade"


def test_person_who_endorsed_and_registered_sees_both_ticked() -> None:
    taking = edition(Phase.APPLICATIONS)
    facts = PersonFacts(
        showcase=taking,
        published_problems=4,
        endorsed=2,
        taking_applications=(taking,),
        startup_editions=frozenset({7}),
    )

    steps = person_steps(facts, now=NOW)

    assert kinds(steps) == [("person.endorsed", True), ("person.startup_registered", True)]
    assert steps[0].text.count == 2


def test_person_sees_nothing_when_no_problem_is_published_and_nothing_takes_applications() -> None:
    assert person_steps(PersonFacts(showcase=None), now=NOW) == []


def test_startup_without_application_is_asked_to_start_one_before_the_deadline() -> None:
    facts = StartupFacts("Vodomer", edition(Phase.APPLICATIONS, applications_close_at=FRIDAY))

    [step] = startup_steps([facts], now=NOW)

    assert (step.kind, step.link, step.urgency) == (
        "application.start",
        "/startup/applications/new?edition_id=7",
        Urgency.NORMAL,
    )


def test_draft_without_deck_names_the_deck_and_counts_the_other_missing_parts() -> None:
    draft = ApplicationFacts(11, ApplicationStatus.DRAFT, frozenset({"pitch_deck", "impact", "sdgs"}))
    facts = StartupFacts("Vodomer", edition(Phase.APPLICATIONS, applications_close_at=FRIDAY), (draft,))

    steps = startup_steps([facts], now=FRIDAY - timedelta(hours=30))

    assert kinds(steps) == [("application.pitch_deck", False), ("application.missing", False)]
    assert [s.link for s in steps] == ["/startup/applications/11/edit"] * 2
    assert steps[1].text.count == 2
    assert steps[1].text.params == {"when": FRIDAY}
    assert {s.urgency for s in steps} == {Urgency.SOON}


def test_complete_draft_is_to_be_submitted() -> None:
    draft = ApplicationFacts(11, ApplicationStatus.DRAFT)
    facts = StartupFacts("Vodomer", edition(Phase.APPLICATIONS, applications_close_at=FRIDAY), (draft,))

    [step] = startup_steps([facts], now=NOW)

    assert (step.kind, step.link) == ("application.submit", "/startup/applications/11")


def test_submitted_application_is_ticked_and_a_draft_after_the_deadline_asks_nothing() -> None:
    submitted = ApplicationFacts(11, ApplicationStatus.SUBMITTED)
    late_draft = ApplicationFacts(12, ApplicationStatus.DRAFT, frozenset({"pitch_deck"}))
    facts = StartupFacts("Vodomer", edition(Phase.SCREENING), (submitted, late_draft))

    assert kinds(startup_steps([facts], now=NOW)) == [("application.submitted", True)]


def test_startup_member_of_another_edition_is_offered_the_open_one() -> None:
    open_edition = edition(Phase.APPLICATIONS, id=8, applications_close_at=FRIDAY)

    [step] = startup_steps([], open_editions=[open_edition], now=NOW)

    assert (step.kind, step.link) == ("startup.register", "/startup/register?edition_id=8")


def test_municipality_draft_during_intake_is_not_submitted_with_the_closing_date() -> None:
    intake = edition(Phase.PROBLEM_INTAKE, intake_closes_at=FRIDAY)
    draft = ProblemFacts(3, "Water losses", ProblemStatus.DRAFT, 7)

    [step] = municipality_steps({7: intake}, [draft], now=NOW)

    assert (step.kind, step.link) == ("problem.draft", "/municipality/problems/3")
    assert step.text.params == {"title": "Water losses", "when": FRIDAY}


def test_municipality_changes_requested_come_before_published_problems() -> None:
    applications = edition(Phase.APPLICATIONS, applications_close_at=FRIDAY)
    problems = [
        ProblemFacts(3, "Water losses", ProblemStatus.PUBLISHED, 7),
        ProblemFacts(4, "School buses", ProblemStatus.CHANGES_REQUESTED, 7),
    ]

    steps = municipality_steps({7: applications}, problems, now=NOW)

    assert kinds(steps) == [("problem.changes_requested", False), ("problem.published", True)]
    assert steps[1].link == "/problems/3"


def test_municipality_without_a_problem_is_told_when_intake_closes() -> None:
    intake = edition(Phase.PROBLEM_INTAKE, intake_closes_at=FRIDAY)

    [step] = municipality_steps({7: intake}, [], municipality_id=5, now=NOW)

    assert (step.kind, step.link) == ("problem.describe", "/municipality/problems/new?edition_id=7&municipality_id=5")


def test_organiser_sees_the_review_queue_and_screening_only_during_screening() -> None:
    screening = edition(Phase.SCREENING, phase_ends_at=FRIDAY)
    intake = edition(Phase.PROBLEM_INTAKE, id=8, name="Next")

    steps = organiser_steps(
        [QueueFacts(screening, problems_to_review=2, applications_to_screen=30), QueueFacts(intake, 0, 5)], now=NOW
    )

    assert kinds(steps) == [("problems.review", False), ("applications.screen", False)]
    assert steps[0].link == "/organiser/editions/7/problems?status=submitted"
    assert steps[1].link == "/organiser/editions/7/applications/?status=submitted"
    assert (steps[0].text.count, steps[1].text.count) == (2, 30)


def test_organiser_is_told_about_an_edition_without_timeline() -> None:
    [step] = organiser_steps([QueueFacts(edition(None, has_timeline=False))], now=NOW)

    assert (step.kind, step.link) == ("edition.timeline", "/organiser/editions/7/edit")


def test_person_with_another_role_is_not_asked_to_register_a_startup() -> None:
    taking = edition(Phase.APPLICATIONS)

    assert person_steps(PersonFacts(showcase=None, has_roles=True, taking_applications=(taking,)), now=NOW) == []


def test_municipality_in_screening_is_asked_for_notes_on_the_applications_to_its_problems() -> None:
    screening = edition(Phase.SCREENING, phase_ends_at=NOW + timedelta(hours=10))
    published = ProblemFacts(3, "Water losses", ProblemStatus.PUBLISHED, 7)

    [step] = municipality_steps({7: screening}, [published], applications={7: 4}, now=NOW)

    assert (step.kind, step.link, step.text.count, step.urgency) == (
        "problem.fit_notes",
        "/municipality/applications/",
        4,
        Urgency.SOON,
    )
