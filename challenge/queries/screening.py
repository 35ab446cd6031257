"""Read side of application screening: the organiser's list, its CSV and the municipality's view.

A page is two queries whatever its size: the filtered, sorted page of applications with their
startup, then the problems (with municipality) of just those applications. Filters on problem,
municipality, region and settlement kind are one indexed sub-select on `application_problem`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import msgspec

from challenge.enums import ApplicationStatus, SettlementKind, StartupStage, Track
from challenge.records import Row, convert_row, convert_rows
from challenge.services.questions import answers_for_export, question_lines
from challenge.tables import Answer, Application, ApplicationEvent, ApplicationProblem, FitNote, Problem, StartupMember
from core.content import place_name
from core.i18n import current_locale, label
from core.i18n import gettext as _
from core.rules.paging import page_within
from core.rules.spreadsheets import safe_cell

# A join two foreign keys deep, which Piccolo builds at run time: its type reads as a bare Column.
_PROBLEM_MUNICIPALITY: Any = ApplicationProblem.problem.municipality
PAGE_SIZE = 50
# A choice key or yes/no (what Answer.tags holds between commas): nothing a LIKE pattern reads as a wildcard.
_ANSWER = re.compile(r"^\d{1,10}:[a-z0-9]{1,20}$")
MAX_QUERY = 100
MAX_PROBLEM_TEXT = 300
SORTS = {
    "submitted": (Application.submitted_at, False),
    "updated": (Application.updated_at, False),
    "startup": (Application.startup.name, True),
    "status": (Application.status, True),
}

# An application's startup, by id and name, on every line that names it.
_STARTUP = (Application.startup.as_alias("startup_id"), Application.startup.name.as_alias("startup_name"))
_LISTED = (
    Application.id,
    Application.edition,
    Application.track,
    Application.status,
    Application.submitted_at,
    Application.updated_at,
    Application.support_needed,
    *_STARTUP,
    Application.startup.country.as_alias("country"),
    Application.startup.city.as_alias("city"),
    Application.startup.stage.as_alias("stage"),
)


@dataclass(frozen=True)
class ScreeningFilters:
    """The screening list's filters, read leniently from a query string (unknown values are dropped)."""

    q: str = ""
    track: str = ""
    status: str = ""
    problem: int | None = None
    # A problem named by its title (what the filter's input sends), until `resolve_problem` finds its id:
    # while it is unresolved the list matches nothing, never every application.
    problem_text: str = ""
    municipality: int | None = None
    region: str = ""
    kind: str = ""
    stage: str = ""
    country: str = ""
    sort: str = "submitted"
    # An answer to one of the organisers' questions: "<question>:<choice key or yes/no>".
    answer: str = ""
    # A number question, and the least answer to it that passes.
    number_question: int | None = None
    at_least: float | None = None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ScreeningFilters:
        def number(name: str) -> int | None:
            value = str(query.get(name, "") or "").strip()
            return int(value) if value.isdigit() else None

        def one_of(name: str, allowed: Iterable[str]) -> str:
            value = str(query.get(name, "") or "")
            return value if value in set(allowed) else ""

        problem_text = str(query.get("problem", "") or "").strip()[:MAX_PROBLEM_TEXT]
        return cls(
            q=str(query.get("q", "") or "").strip()[:MAX_QUERY],
            track=one_of("track", (t.value for t in Track)),
            status=one_of("status", (s.value for s in ApplicationStatus)),
            problem=number("problem"),
            problem_text="" if problem_text.isdigit() else problem_text,
            municipality=number("municipality"),
            region=str(query.get("region", "") or "").strip()[:120],
            kind=one_of("kind", (k.value for k in SettlementKind)),
            stage=one_of("stage", (s.value for s in StartupStage)),
            country=str(query.get("country", "") or "").strip()[:80],
            sort=one_of("sort", SORTS) or "submitted",
            answer=str(query.get("answer", "") or "") if _ANSWER.match(str(query.get("answer", "") or "")) else "",
            number_question=number("number_question"),
            at_least=_float(str(query.get("at_least", "") or "")),
        )

    def query(self) -> dict[str, str]:
        """The filters that are set, for links that keep them (pages, sorting, CSV)."""
        values = {
            "q": self.q,
            "track": self.track,
            "status": self.status,
            "problem": str(self.problem or "") or self.problem_text,
            "municipality": str(self.municipality or ""),
            "region": self.region,
            "kind": self.kind,
            "stage": self.stage,
            "country": self.country,
            "sort": "" if self.sort == "submitted" else self.sort,
            "answer": self.answer,
            "number_question": str(self.number_question or ""),
            "at_least": "" if self.at_least is None else f"{self.at_least:g}",
        }
        return {name: value for name, value in values.items() if value}


def _float(raw: str) -> float | None:
    text = raw.strip().replace(",", ".")
    try:
        value = float(text) if text and len(text) <= 20 else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


class ProblemLink(Row, frozen=True, kw_only=True):
    """A problem an application addresses, with its municipality."""

    application: int
    problem_id: int
    title: str
    language: str
    translated_title: str
    municipality_id: int
    municipality_name: str
    kind: str


class ScreenedApplication(Row, frozen=True, kw_only=True):
    """An application as a line of the screening lists, with its startup and problems."""

    id: int
    edition: int
    track: str
    status: str
    submitted_at: datetime | None
    updated_at: datetime
    support_needed: list[str]
    startup_id: int
    startup_name: str
    country: str
    city: str
    stage: str | None
    problems: list[ProblemLink] = msgspec.field(default_factory=list)
    edition_name: str = ""


class StatusLine(Row, frozen=True, kw_only=True):
    """An application's id, status and startup: what a bulk status change is checked against."""

    id: int
    status: str
    startup_id: int
    startup_name: str


class TimelineEvent(Row, frozen=True, kw_only=True):
    from_status: str | None
    to_status: str
    message: str
    at: datetime
    actor_name: str | None


class FitNoteRow(Row, frozen=True, kw_only=True):
    id: int
    note: str
    created_at: datetime
    municipality_id: int
    municipality_name: str
    author_name: str


@dataclass(frozen=True)
class ApplicationPage:
    rows: list[ScreenedApplication]
    page: int
    has_next: bool
    total: int


def _filtered(query: Any, edition_id: int, filters: ScreeningFilters) -> Any:
    """`query` (a select or a count of applications) narrowed to the edition and the filters."""
    query = query.where(Application.edition == edition_id)
    if filters.track:
        query = query.where(Application.track == filters.track)
    if filters.status:
        query = query.where(Application.status == filters.status)
    else:
        # Drafts are the startups' own business until submitted; organisers filter for them explicitly.
        query = query.where(Application.status != ApplicationStatus.DRAFT)
    if filters.stage:
        query = query.where(Application.startup.stage == filters.stage)
    if filters.country:
        query = query.where(Application.startup.country.ilike(filters.country))
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(
            Application.startup.name.ilike(pattern)
            | Application.solution.ilike(pattern)
            | Application.startup.city.ilike(pattern)
        )
    if filters.problem_text:
        return query.where(Application.id < 0)
    addressed = ApplicationProblem.select(ApplicationProblem.application)
    narrowed = False
    if filters.problem is not None:
        addressed, narrowed = addressed.where(ApplicationProblem.problem == filters.problem), True
    if filters.municipality is not None:
        addressed = addressed.where(ApplicationProblem.problem.municipality == filters.municipality)
        narrowed = True
    if filters.region:
        addressed, narrowed = addressed.where(_PROBLEM_MUNICIPALITY.region == filters.region), True
    if filters.kind:
        addressed, narrowed = addressed.where(_PROBLEM_MUNICIPALITY.kind == filters.kind), True
    if narrowed:
        query = query.where(Application.id.is_in(addressed))
    if filters.answer:
        question, key = filters.answer.split(":", 1)
        answered = Answer.select(Answer.application).where(
            Answer.question == int(question), Answer.tags.like(f"%,{key},%")
        )
        query = query.where(Application.id.is_in(answered))
    if filters.number_question is not None and filters.at_least is not None:
        at_least = Answer.select(Answer.application).where(
            Answer.question == filters.number_question, Answer.number >= filters.at_least
        )
        query = query.where(Application.id.is_in(at_least))
    return query


async def applications(*, edition_id: int, filters: ScreeningFilters, page: int = 1) -> ApplicationPage:
    """One page of an edition's applications with their startup and the problems they address."""
    column, ascending = SORTS[filters.sort]
    page = page_within(page, PAGE_SIZE)
    query = (
        _filtered(Application.select(*_LISTED), edition_id, filters)
        .order_by(column, ascending=ascending)
        .order_by(Application.id, ascending=False)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
        .output(load_json=True)
    )
    found = await query
    total = await _filtered(Application.count(), edition_id, filters) if found or page > 1 else 0
    rows = await _with_problems(found[:PAGE_SIZE])
    return ApplicationPage(
        rows=rows, page=page, has_next=len(rows) == PAGE_SIZE and total > page * PAGE_SIZE, total=total
    )


async def matching_ids(*, edition_id: int, filters: ScreeningFilters) -> list[int]:
    """Every application the filters select, on any page: what "all N matching" means when it is sent."""
    rows = await _filtered(Application.select(Application.id), edition_id, filters).order_by(Application.id)
    return [int(row["id"]) for row in rows]


async def statuses_in_edition(*, edition_id: int, application_ids: list[int]) -> list[StatusLine]:
    """Id, status and startup of those of `application_ids` that belong to the edition (others are ignored)."""
    rows: list[dict[str, Any]] = []
    unique = list(dict.fromkeys(application_ids))
    for start in range(0, len(unique), 500):  # SQLite's limit of bound parameters
        rows += await (
            Application.select(
                Application.id,
                Application.status,
                *_STARTUP,
            )
            .where(Application.edition == edition_id, Application.id.is_in(unique[start : start + 500]))
            .order_by(Application.startup.name)
        )
    return convert_rows(rows, StatusLine)


# Above this many applications, their problems are read for the whole edition and picked in Python:
# one join instead of chunks of IN lists, which Piccolo builds slowly (a 2,000-line CSV spent more
# time building them than PostgreSQL spent answering).
WHOLE_EDITION = 200


async def _problems_by_application(ids: list[int], *, edition_id: int | None = None) -> dict[int, list[ProblemLink]]:
    """The problems of each of these applications (all of edition `edition_id`'s, if given), by title."""
    links: list[dict[str, Any]] = []
    if edition_id is not None and len(ids) > WHOLE_EDITION:
        wanted = set(ids)
        links = [
            link
            for link in await _problem_links(ApplicationProblem.application.edition == edition_id)
            if link["application"] in wanted
        ]
    else:
        # In chunks: a CSV of tens of thousands of rows would pass SQLite's limit of bound parameters.
        for start in range(0, len(ids), 500):
            links += await _problem_links(ApplicationProblem.application.is_in(ids[start : start + 500]))
    by_application: dict[int, list[ProblemLink]] = {}
    for link in convert_rows(links, ProblemLink):
        by_application.setdefault(link.application, []).append(link)
    return {key: sorted(found, key=lambda p: p.title) for key, found in by_application.items()}


async def _with_problems(rows: list[dict[str, Any]], *, edition_id: int | None = None) -> list[ScreenedApplication]:
    if not rows:
        return []
    problems = await _problems_by_application([row["id"] for row in rows], edition_id=edition_id)
    return [convert_row({**row, "problems": problems.get(row["id"], [])}, ScreenedApplication) for row in rows]


async def _problem_links(where: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await ApplicationProblem.select(
        ApplicationProblem.application,
        ApplicationProblem.problem.as_alias("problem_id"),
        ApplicationProblem.problem.title.as_alias("title"),
        ApplicationProblem.problem.language.as_alias("language"),
        ApplicationProblem.problem.translated_title.as_alias("translated_title"),
        ApplicationProblem.problem.municipality.as_alias("municipality_id"),
        _PROBLEM_MUNICIPALITY.name.as_alias("municipality_name"),
        _PROBLEM_MUNICIPALITY.kind.as_alias("kind"),
    ).where(where)
    return rows


async def csv_export(*, edition_id: int, filters: ScreeningFilters) -> str:
    """Every application the filters select (not just one page), one line each."""
    column, ascending = SORTS[filters.sort]
    rows = await _with_problems(
        await _filtered(Application.select(*_LISTED), edition_id, filters)
        .order_by(column, ascending=ascending)
        .order_by(Application.id, ascending=False)
        .output(load_json=True),
        edition_id=edition_id,
    )
    asked = await question_lines(edition_id, include_removed=True)
    answers = await answers_for_export([row.id for row in rows], edition_id=edition_id)
    locale = current_locale()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "startup",
            "country",
            "city",
            "stage",
            "track",
            "status",
            "submitted_at",
            "problems",
            "municipalities",
            "support_needed",
            *(safe_cell(q.definition.label.shown_in(locale)) for q in asked),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.id,
                safe_cell(row.startup_name),
                safe_cell(row.country),
                safe_cell(row.city),
                row.stage or "",
                row.track,
                row.status,
                row.submitted_at.isoformat() if row.submitted_at else "",
                safe_cell("; ".join(p.title for p in row.problems)),
                safe_cell("; ".join(sorted({p.municipality_name for p in row.problems}))),
                safe_cell("; ".join(row.support_needed)),
                *(safe_cell(answers.get(row.id, {}).get(q.id, "")) for q in asked),
            ]
        )
    return out.getvalue()


async def timeline(application_id: int) -> list[TimelineEvent]:
    rows = await (
        ApplicationEvent.select(
            ApplicationEvent.from_status,
            ApplicationEvent.to_status,
            ApplicationEvent.message,
            ApplicationEvent.at,
            ApplicationEvent.actor.name.as_alias("actor_name"),
        )
        .where(ApplicationEvent.application == application_id)
        .order_by(ApplicationEvent.at)
        .order_by(ApplicationEvent.id)
    )
    return convert_rows(rows, TimelineEvent)


async def problems_of(application_id: int) -> list[ProblemLink]:
    return (await _problems_by_application([application_id])).get(application_id, [])


async def fit_notes(application_id: int, municipality_ids: list[int] | None = None) -> list[FitNoteRow]:
    query = FitNote.select(
        FitNote.id,
        FitNote.note,
        FitNote.created_at,
        FitNote.municipality.as_alias("municipality_id"),
        FitNote.municipality.name.as_alias("municipality_name"),
        FitNote.author.name.as_alias("author_name"),
    ).where(FitNote.application == application_id)
    if municipality_ids is not None:
        if not municipality_ids:
            return []
        query = query.where(FitNote.municipality.is_in(municipality_ids))
    return convert_rows(await query.order_by(FitNote.created_at), FitNoteRow)


async def for_municipalities(municipality_ids: list[int]) -> list[ScreenedApplication]:
    """Submitted (or later) applications that address a problem of these municipalities."""
    if not municipality_ids:
        return []
    addressed = ApplicationProblem.select(ApplicationProblem.application).where(
        ApplicationProblem.problem.municipality.is_in(municipality_ids)
    )
    rows = await (
        Application.select(*_LISTED, Application.edition.name.as_alias("edition_name"))
        .where(Application.id.is_in(addressed))
        .where(Application.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]))
        .order_by(Application.submitted_at, ascending=False)
        .output(load_json=True)
    )
    return [
        msgspec.structs.replace(row, problems=[p for p in row.problems if p.municipality_id in municipality_ids])
        for row in await _with_problems(rows)
    ]


async def municipality_ids_of(application_id: int) -> set[int]:
    rows = await ApplicationProblem.select(ApplicationProblem.problem.municipality.as_alias("m")).where(
        ApplicationProblem.application == application_id
    )
    return {int(row["m"]) for row in rows}


def problem_choices(problems: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Each problem as the filter offers it: id, title, and the title with its municipality (unique)."""
    return [(p["id"], p["title"], f"{p['title']} ({place_name(p['m_name'])})") for p in problems]


def resolve_problem(
    filters: ScreeningFilters, choices: list[tuple[int, str, str]]
) -> tuple[ScreeningFilters, dict[str, str]]:
    """The filters with the problem typed by its title (as the datalist offers it, or the bare title
    when only one problem has it) turned into its id; else the field's error."""
    if not filters.problem_text:
        return filters, {}
    typed = " ".join(filters.problem_text.split()).casefold()
    found = [c for c in choices if c[2].casefold() == typed] or [c for c in choices if c[1].casefold() == typed]
    if len(found) == 1:
        return replace(filters, problem=found[0][0], problem_text=""), {}
    if found:
        message = _("Several problems have this title: choose one from the list, with its municipality.")
    else:
        message = _("No problem of this edition has this title: choose one from the list.")
    return filters, {"problem": message}


async def _published_problems(edition_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await (
        Problem.select(
            Problem.id,
            Problem.title,
            Problem.municipality.as_alias("m"),
            Problem.municipality.name.as_alias("m_name"),
            Problem.municipality.region.as_alias("region"),
        )
        .where(Problem.edition == edition_id, Problem.published_at.is_not_null())
        .order_by(Problem.title)
    )
    return rows


async def resolved(*, edition_id: int, filters: ScreeningFilters) -> ScreeningFilters:
    """The filters with a problem typed by title resolved (left unresolved, it matches nothing)."""
    if not filters.problem_text:
        return filters
    return resolve_problem(filters, problem_choices(await _published_problems(edition_id)))[0]


async def facets(edition_id: int) -> dict[str, list[Any]]:
    """Options for the filters: the edition's problems, municipalities, regions and countries."""
    problems = await _published_problems(edition_id)
    countries = await (
        Application.select(Application.startup.country.as_alias("country"))
        .where(Application.edition == edition_id)
        .distinct()
    )
    return {
        "problem": problem_choices(problems),
        "municipality": sorted({(p["m"], p["m_name"]) for p in problems}, key=lambda o: o[1]),
        "region": [(r, r) for r in sorted({p["region"] for p in problems})],
        "country": [(c, c) for c in sorted({row["country"] for row in countries})],
        "track": [(t.value, label(t)) for t in Track],
        "status": [(s.value, label(s)) for s in ApplicationStatus],
        "kind": [(k.value, label(k)) for k in SettlementKind],
        "stage": [(s.value, label(s)) for s in StartupStage],
    }


async def member_ids(startup_id: int) -> list[int]:
    rows = await StartupMember.select(StartupMember.user).where(StartupMember.startup == startup_id)
    return [int(row["user"]) for row in rows]
