"""The facts behind the challenge's next steps, gathered in a few small queries per page.

`register()` (called by the composition root) adds the challenge's steps to the home pages;
`edition_facts()` is shared with the downstream domains, whose steps also hang on editions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from challenge.enums import ApplicationStatus, Phase, ProblemStatus
from challenge.queries import editions as edition_queries
from challenge.records import ApplicationRow, convert_rows
from challenge.rules import next_steps as rules
from challenge.rules.applications import missing_parts
from challenge.rules.phases import Override, current_phase, make_timeline
from challenge.services.applications import content_of, load_questions
from challenge.tables import (
    Application,
    ApplicationProblem,
    Edition,
    EditionPhase,
    Endorsement,
    Problem,
    Startup,
    StartupMember,
)
from core.auth import CurrentUser
from core.enums import Role
from core.next_steps import Home, checklist_memo, register_source
from core.rules.next_steps import Step


def _titled(name: str, year: int) -> str:
    """An edition's name with its year, unless the name says it: editions often keep their name."""
    return name if str(year) in name else f"{name} {year}"


async def edition_facts(*, now: datetime, ids: Iterable[int] | None = None) -> dict[int, rules.EditionFacts]:
    """Every edition (or those in `ids`) with its phase at `now` and its deadlines: two queries,
    read once per checklist however many domains ask (`core.next_steps.checklist_memo`)."""
    memo = checklist_memo()
    key = ("editions", now)
    if memo is None or ids is not None:
        return await _read_editions(now=now, ids=ids)
    if key not in memo:
        memo[key] = await _read_editions(now=now, ids=None)
    return memo[key]  # type: ignore[return-value]


async def _read_editions(*, now: datetime, ids: Iterable[int] | None) -> dict[int, rules.EditionFacts]:
    editions = Edition.select(
        Edition.id,
        Edition.name,
        Edition.year,
        Edition.slug,
        Edition.timezone,
        Edition.manual_phase,
        Edition.manual_phase_at,
    )
    starts = EditionPhase.select(EditionPhase.edition, EditionPhase.phase, EditionPhase.starts_at)
    if ids is not None:
        wanted = list(ids) or [0]
        editions = editions.where(Edition.id.is_in(wanted))
        starts = starts.where(EditionPhase.edition.is_in(wanted))
    by_edition: dict[int, dict[Phase, datetime]] = defaultdict(dict)
    for row in await starts:
        by_edition[row["edition"]][Phase(row["phase"])] = row["starts_at"]
    facts = {}
    for edition in await editions.order_by(Edition.year, ascending=False).order_by(Edition.id, ascending=False):
        timeline = make_timeline(by_edition.get(edition["id"], {}))
        override = (
            Override(Phase(edition["manual_phase"]), edition["manual_phase_at"])
            if edition["manual_phase"] and edition["manual_phase_at"]
            else None
        )
        phase = current_phase(timeline, now=now, override=override)
        facts[edition["id"]] = rules.EditionFacts(
            id=edition["id"],
            name=_titled(edition["name"], edition["year"]),
            slug=edition["slug"],
            timezone=edition["timezone"],
            phase=phase,
            has_timeline=bool(timeline.starts),
            intake_opens_at=timeline.start_of(Phase.PROBLEM_INTAKE),
            intake_closes_at=timeline.end_of(Phase.PROBLEM_INTAKE),
            applications_close_at=timeline.end_of(Phase.APPLICATIONS),
            phase_ends_at=timeline.end_of(phase) if phase else None,
        )
    return facts


async def _person_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    showcase_row = await edition_queries.newest_edition_with_published_problems()
    showcase = editions.get(showcase_row.id) if showcase_row else None
    published = endorsed = 0
    if showcase is not None:
        published = await Problem.count().where(
            Problem.edition == showcase.id, Problem.status == ProblemStatus.PUBLISHED
        )
        endorsed = await Endorsement.count().where(
            Endorsement.user == user.id, Endorsement.problem.edition == showcase.id
        )
    member_of = await StartupMember.select(StartupMember.edition).where(StartupMember.user == user.id)
    facts = rules.PersonFacts(
        showcase=showcase,
        has_roles=bool(user.roles),
        published_problems=published,
        endorsed=endorsed,
        taking_applications=tuple(e for e in editions.values() if e.phase == Phase.APPLICATIONS),
        startup_editions=frozenset(row["edition"] for row in member_of),
    )
    return rules.person_steps(facts, now=now)


async def _missing(application: ApplicationRow, questions: dict[int, Any]) -> frozenset[str]:
    if application.edition not in questions:
        questions[application.edition] = await load_questions(application.edition)
    content = await content_of(application)
    return frozenset(missing_parts(content, questions[application.edition]))


async def _startup_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    members = await StartupMember.select(StartupMember.startup, StartupMember.edition).where(
        StartupMember.user == user.id
    )
    editions = await edition_facts(now=now)
    startup_ids = [m["startup"] for m in members]
    names = {}
    by_startup: dict[tuple[int, int], list[rules.ApplicationFacts]] = defaultdict(list)
    if startup_ids:
        names = {
            r["id"]: r["name"]
            for r in await Startup.select(Startup.id, Startup.name).where(Startup.id.is_in(startup_ids))
        }
        rows = convert_rows(
            await Application.select()
            .where(Application.startup.is_in(startup_ids))
            .order_by(Application.id)
            .output(load_json=True),
            ApplicationRow,
        )
        questions: dict[int, Any] = {}
        for row in rows:
            status = ApplicationStatus(row.status)
            missing = await _missing(row, questions) if status == ApplicationStatus.DRAFT else frozenset()
            by_startup[(row.startup, row.edition)].append(rules.ApplicationFacts(row.id, status, missing))
    startups = [
        rules.StartupFacts(
            name=names.get(m["startup"], ""),
            edition=editions[m["edition"]],
            applications=tuple(by_startup[(m["startup"], m["edition"])]),
        )
        for m in members
        if m["edition"] in editions
    ]
    member_of = {m["edition"] for m in members}
    open_editions = [e for e in editions.values() if e.phase == Phase.APPLICATIONS and e.id not in member_of]
    return rules.startup_steps(startups, open_editions=open_editions, now=now)


async def _municipality_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    ids = user.organisations(Role.MUNICIPALITY)
    rows = []
    if ids:
        rows = (
            await Problem.select(Problem.id, Problem.title, Problem.status, Problem.edition)
            .where(Problem.municipality.is_in(list(ids)))
            .order_by(Problem.id)
        )
    problems = [rules.ProblemFacts(r["id"], r["title"], ProblemStatus(r["status"]), r["edition"]) for r in rows]
    editions = await edition_facts(now=now)
    relevant = {p.edition_id for p in problems}
    shown = {i: e for i, e in editions.items() if i in relevant or e.phase == Phase.PROBLEM_INTAKE}
    only = next(iter(ids)) if len(ids) == 1 else None
    applications = await _applications_to_problems(ids, [i for i, e in editions.items() if e.phase == Phase.SCREENING])
    return rules.municipality_steps(shown, problems, applications=applications, municipality_id=only, now=now)


async def _applications_to_problems(municipality_ids: frozenset[int], edition_ids: list[int]) -> dict[int, int]:
    """Per edition in `edition_ids`: the submitted applications that address these municipalities' problems."""
    if not municipality_ids or not edition_ids:
        return {}
    rows = await ApplicationProblem.select(
        ApplicationProblem.application, ApplicationProblem.application.edition.as_alias("edition")
    ).where(
        ApplicationProblem.problem.municipality.is_in(list(municipality_ids)),
        ApplicationProblem.application.edition.is_in(edition_ids),
        ApplicationProblem.application.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
    )
    counted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        counted[row["edition"]].add(row["application"])
    return {edition: len(ids) for edition, ids in counted.items()}


# The problems and the applications waiting for screening, per edition, in one query.
_QUEUES = """
SELECT 'problem' AS kind, edition, COUNT(*) AS n FROM problem WHERE status = {} GROUP BY edition
UNION ALL
SELECT 'application' AS kind, edition, COUNT(*) AS n FROM application WHERE status = {} GROUP BY edition
"""


async def _organiser_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    counts: dict[str, dict[int, int]] = {"problem": {}, "application": {}}
    for row in await Problem.raw(_QUEUES, str(ProblemStatus.SUBMITTED), str(ApplicationStatus.SUBMITTED)):
        counts[row["kind"]][row["edition"]] = row["n"]
    queues = [
        rules.QueueFacts(edition, counts["problem"].get(edition.id, 0), counts["application"].get(edition.id, 0))
        for edition in editions.values()
    ]
    return rules.organiser_steps(queues, now=now)


def register() -> None:
    register_source(Home.PERSON, _person_steps)
    register_source(Home.STARTUP, _startup_steps)
    register_source(Home.MUNICIPALITY, _municipality_steps)
    register_source(Home.ORGANISER, _organiser_steps)
