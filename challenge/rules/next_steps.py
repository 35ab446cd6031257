"""Next steps from the challenge's side: residents, startups' applications, municipalities' problems,
organisers' review and screening queues. Pure: facts in, ordered steps out (see core.rules.next_steps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from challenge.enums import ApplicationStatus, Phase, ProblemStatus
from challenge.rules.phases import RESUBMISSION_PHASES
from core.rules import N_
from core.rules.next_steps import Step, ordered, say, say_by_deadline, urgency_before
from core.rules.next_steps import plural as ngettext  # pybabel extracts ngettext(...) calls


@dataclass(frozen=True)
class EditionFacts:
    """An edition as the checklists need it: where it is in its cycle, and its deadlines."""

    id: int
    name: str
    slug: str
    timezone: str
    phase: Phase | None
    has_timeline: bool = True
    intake_opens_at: datetime | None = None
    intake_closes_at: datetime | None = None
    applications_close_at: datetime | None = None
    phase_ends_at: datetime | None = None


# While startups read the catalogue, a municipality sees its published problems ticked.
CATALOGUE_PHASES = frozenset({Phase.PROBLEM_INTAKE, Phase.APPLICATIONS})


# --- A signed-in person, whatever their roles: the public home page. ---------------------------


@dataclass(frozen=True)
class PersonFacts:
    showcase: EditionFacts | None  # the edition the home page shows
    has_roles: bool = False  # organisers, mentors, judges... are not asked to found a startup
    published_problems: int = 0
    endorsed: int = 0  # problems of `showcase` this person endorsed
    taking_applications: tuple[EditionFacts, ...] = ()
    startup_editions: frozenset[int] = frozenset()  # editions where this person is in a startup


def person_steps(facts: PersonFacts, *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    edition = facts.showcase
    if edition is not None and facts.published_problems:
        if facts.endorsed:
            steps.append(
                Step(
                    "person.endorsed",
                    ngettext("You endorsed %(num)s problem.", "You endorsed %(num)s problems.", facts.endorsed),
                    link=f"/problems?edition={edition.slug}",
                    done=True,
                )
            )
        else:
            steps.append(
                Step(
                    "person.endorse",
                    say(N_("Endorse the problems that matter to you.")),
                    link=f"/problems?edition={edition.slug}",
                )
            )
    for taking in facts.taking_applications:
        if facts.has_roles and taking.id not in facts.startup_editions:
            continue
        if taking.id in facts.startup_editions:
            steps.append(
                Step(
                    "person.startup_registered",
                    say(N_("Your startup is registered for %(edition)s."), edition=taking.name),
                    link="/startup",
                    done=True,
                )
            )
            continue
        deadline = taking.applications_close_at
        text = say_by_deadline(
            deadline,
            N_("Register a startup to apply to %(edition)s by %(when)s."),
            N_("Register a startup to apply to %(edition)s."),
            edition=taking.name,
        )
        steps.append(
            Step(
                "person.register_startup",
                text,
                link=f"/startup/register?edition_id={taking.id}",
                timezone=taking.timezone,
            )
        )
    return ordered(steps)


# --- A startup's home page: its applications. ------------------------------------------------


@dataclass(frozen=True)
class ApplicationFacts:
    id: int
    status: ApplicationStatus
    missing: frozenset[str] = frozenset()  # what missing_parts() names, e.g. "pitch_deck"


@dataclass(frozen=True)
class StartupFacts:
    name: str
    edition: EditionFacts
    applications: tuple[ApplicationFacts, ...] = ()


def _application_steps(startup: StartupFacts, *, now: datetime) -> list[Step]:
    edition = startup.edition
    deadline = edition.applications_close_at
    taking = edition.phase == Phase.APPLICATIONS
    tz = edition.timezone
    steps: list[Step] = []
    active = [a for a in startup.applications if a.status != ApplicationStatus.WITHDRAWN]
    if taking and not active:
        text = say_by_deadline(
            deadline,
            N_("%(startup)s has no application yet; applications close on %(when)s."),
            N_("%(startup)s has no application yet."),
            startup=startup.name,
        )
        steps.append(
            Step(
                "application.start",
                text,
                link=f"/startup/applications/new?edition_id={edition.id}",
                urgency=urgency_before(deadline, now=now),
                timezone=tz,
            )
        )
    for application in active:
        link = f"/startup/applications/{application.id}"
        if application.status != ApplicationStatus.DRAFT:
            steps.append(Step("application.submitted", say(N_("Your application is submitted.")), link=link, done=True))
            continue
        if not taking:
            continue  # a draft after the deadline: nothing left to do with it
        edit = f"{link}/edit"
        urgency = urgency_before(deadline, now=now)
        if "pitch_deck" in application.missing:
            steps.append(
                Step(
                    "application.pitch_deck", say(N_("Your application has no pitch deck.")), link=edit, urgency=urgency
                )
            )
        others = len(application.missing - {"pitch_deck"})
        if others and deadline:
            text = ngettext(
                "Your draft is missing %(num)s part; the deadline is %(when)s.",
                "Your draft is missing %(num)s parts; the deadline is %(when)s.",
                others,
                when=deadline,
            )
            steps.append(Step("application.missing", text, link=edit, urgency=urgency, timezone=tz))
        elif others:
            text = ngettext("Your draft is missing %(num)s part.", "Your draft is missing %(num)s parts.", others)
            steps.append(Step("application.missing", text, link=edit, urgency=urgency))
        elif not application.missing:
            text = say_by_deadline(
                deadline,
                N_("Your draft is complete: submit it before %(when)s."),
                N_("Your draft is complete: submit it."),
            )
            steps.append(Step("application.submit", text, link=link, urgency=urgency, timezone=tz))
    return steps


def startup_steps(
    startups: Sequence[StartupFacts], *, open_editions: Sequence[EditionFacts] = (), now: datetime
) -> list[Step]:
    """`open_editions`: editions taking applications in which this person has no startup yet."""
    steps: list[Step] = []
    for edition in open_editions:
        text = say_by_deadline(
            edition.applications_close_at,
            N_("Register your startup for %(edition)s by %(when)s."),
            N_("Register your startup for %(edition)s."),
            edition=edition.name,
        )
        steps.append(
            Step(
                "startup.register",
                text,
                link=f"/startup/register?edition_id={edition.id}",
                urgency=urgency_before(edition.applications_close_at, now=now),
                timezone=edition.timezone,
            )
        )
    for startup in startups:
        steps.extend(_application_steps(startup, now=now))
    return ordered(steps)


# --- A municipality's home page: its problems. -----------------------------------------------


@dataclass(frozen=True)
class ProblemFacts:
    id: int
    title: str
    status: ProblemStatus
    edition_id: int


def municipality_steps(
    editions: Mapping[int, EditionFacts],
    problems: Sequence[ProblemFacts],
    *,
    applications: Mapping[int, int] | None = None,
    municipality_id: int | None = None,
    now: datetime,
) -> list[Step]:
    """`editions`: every edition the problems belong to, and every edition taking problems now.
    `applications`: per edition in screening, the submitted applications that address these problems.
    `municipality_id`: the one municipality the person speaks for, if only one (preset in links).
    """
    steps: list[Step] = []
    for problem in problems:
        edition = editions.get(problem.edition_id)
        step = _problem_step(problem, edition, now=now) if edition is not None else None
        if step is not None:
            steps.append(step)
    for edition_id, count in (applications or {}).items():
        edition = editions.get(edition_id)
        if edition is None or edition.phase != Phase.SCREENING or not count:
            continue
        text = ngettext(
            "%(num)s application addresses your problems: tell the organisers how it fits.",
            "%(num)s applications address your problems: tell the organisers how they fit.",
            count,
        )
        steps.append(
            Step(
                "problem.fit_notes",
                text,
                link="/municipality/applications/",
                urgency=urgency_before(edition.phase_ends_at, now=now),
            )
        )
    with_problems = {p.edition_id for p in problems if p.status != ProblemStatus.WITHDRAWN}
    for edition in editions.values():
        if edition.phase == Phase.PROBLEM_INTAKE and edition.id not in with_problems:
            steps.append(_describe_step(edition, municipality_id, now=now))
    return ordered(steps)


def _problem_step(problem: ProblemFacts, edition: EditionFacts, *, now: datetime) -> Step | None:
    """Where one of the municipality's problems stands, if the edition's phase makes it a step."""
    link = f"/municipality/problems/{problem.id}"
    if problem.status == ProblemStatus.DRAFT and edition.phase == Phase.PROBLEM_INTAKE:
        text = say_by_deadline(
            edition.intake_closes_at,
            N_("Your draft problem “%(title)s” is not submitted; intake closes on %(when)s."),
            N_("Your draft problem “%(title)s” is not submitted."),
            title=problem.title,
        )
        return Step(
            "problem.draft",
            text,
            link=link,
            timezone=edition.timezone,
            urgency=urgency_before(edition.intake_closes_at, now=now),
        )
    if problem.status == ProblemStatus.DRAFT and edition.phase is None and edition.intake_opens_at:
        text = say(
            N_("Your draft problem “%(title)s” can be submitted once intake opens on %(when)s."),
            title=problem.title,
            when=edition.intake_opens_at,
        )
        return Step("problem.draft_early", text, link=link, timezone=edition.timezone)
    if problem.status == ProblemStatus.CHANGES_REQUESTED and edition.phase in RESUBMISSION_PHASES:
        return Step(
            "problem.changes_requested",
            say(N_("Changes requested on problem “%(title)s”."), title=problem.title),
            link=link,
            urgency=urgency_before(edition.applications_close_at, now=now),
        )
    if problem.status == ProblemStatus.SUBMITTED:
        return Step(
            "problem.submitted",
            say(N_("“%(title)s” is submitted and waits for the organisers' review."), title=problem.title),
            link=link,
            done=True,
        )
    if problem.status == ProblemStatus.PUBLISHED and edition.phase in CATALOGUE_PHASES:
        return Step(
            "problem.published",
            say(N_("“%(title)s” is published."), title=problem.title),
            link=f"/problems/{problem.id}",
            done=True,
        )
    return None


def _describe_step(edition: EditionFacts, municipality_id: int | None, *, now: datetime) -> Step:
    """An edition taking problems to which the municipality has not yet described one."""
    link = f"/municipality/problems/new?edition_id={edition.id}"
    if municipality_id is not None:
        link += f"&municipality_id={municipality_id}"
    text = say_by_deadline(
        edition.intake_closes_at,
        N_("Problem intake for %(edition)s closes on %(when)s: describe a problem."),
        N_("Problem intake for %(edition)s is open: describe a problem."),
        edition=edition.name,
    )
    return Step(
        "problem.describe",
        text,
        link=link,
        timezone=edition.timezone,
        urgency=urgency_before(edition.intake_closes_at, now=now),
    )


# --- The organisers' home page: what waits for them in each edition still under way. ----------


@dataclass(frozen=True)
class QueueFacts:
    edition: EditionFacts
    problems_to_review: int = 0
    applications_to_screen: int = 0


def organiser_steps(queues: Sequence[QueueFacts], *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for queue in queues:
        edition = queue.edition
        base = f"/organiser/editions/{edition.id}"
        if not edition.has_timeline:
            steps.append(
                Step(
                    "edition.timeline",
                    say(N_("%(edition)s has no timeline yet."), edition=edition.name),
                    link=f"{base}/edit",
                )
            )
        if queue.problems_to_review:
            text = ngettext(
                "%(num)s problem waiting for review in %(edition)s.",
                "%(num)s problems waiting for review in %(edition)s.",
                queue.problems_to_review,
                edition=edition.name,
            )
            steps.append(Step("problems.review", text, link=f"{base}/problems?status=submitted"))
        if queue.applications_to_screen and edition.phase == Phase.SCREENING:
            deadline = edition.phase_ends_at
            text = (
                ngettext(
                    "%(num)s application to screen in %(edition)s by %(when)s.",
                    "%(num)s applications to screen in %(edition)s by %(when)s.",
                    queue.applications_to_screen,
                    edition=edition.name,
                    when=deadline,
                )
                if deadline
                else ngettext(
                    "%(num)s application to screen in %(edition)s.",
                    "%(num)s applications to screen in %(edition)s.",
                    queue.applications_to_screen,
                    edition=edition.name,
                )
            )
            steps.append(
                Step(
                    "applications.screen",
                    text,
                    link=f"{base}/applications/?status=submitted",
                    urgency=urgency_before(deadline, now=now),
                    timezone=edition.timezone,
                )
            )
    return ordered(steps)
