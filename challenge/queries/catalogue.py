"""Read side of the public catalogue: published problems, their detail and residents' voice.

Every list is one query with its joins (no query per row) and a fixed page size; filters use
the indexed columns of `problem` and `municipality`. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from challenge.enums import PHASE_ORDER, Phase, ProblemStatus, SettlementKind, Track
from challenge.queries.columns import ATTACHED_FILE_TYPE_AND_SIZE, MUNICIPALITY_OF_PROBLEM
from challenge.records import EditionRow, ProblemRow, Row, convert_row, convert_rows
from challenge.rules.phases import Timeline
from challenge.rules.sdgs import SDGS
from challenge.tables import Comment, Edition, Endorsement, Municipality, Problem, ProblemAttachment
from core.errors import NotFound
from core.rules import N_
from core.rules.paging import page_within
from core.rules.scripts import to_cyrillic, to_latin

PAGE_SIZE = 20
SORTS = ("newest", "endorsed")
MAX_QUERY = 100

_LISTED = (
    Problem.id,
    Problem.edition,
    Problem.title,
    Problem.summary,
    Problem.language,
    Problem.translated_title,
    Problem.translated_summary,
    Problem.track,
    Problem.sdgs,
    Problem.endorsement_count,
    Problem.published_at,
    Problem.municipality.as_alias("municipality_id"),
    *MUNICIPALITY_OF_PROBLEM,
)


class ListedProblem(Row, frozen=True, kw_only=True):
    """A published problem as a line of the catalogue, with its municipality."""

    id: int
    edition: int
    title: str
    summary: str
    language: str
    translated_title: str
    translated_summary: str
    track: str | None
    sdgs: list[int]
    endorsement_count: int
    published_at: datetime | None
    municipality_id: int
    municipality_name: str
    region: str
    kind: str


class PublishedProblem(ProblemRow, frozen=True, kw_only=True):
    """A published problem with its municipality, as its public page shows it."""

    municipality_name: str
    region: str
    kind: str
    population: int


class FileLink(Row, frozen=True, kw_only=True):
    """An attachment as a link: the upload's id, name, type and size."""

    id: int
    original_name: str
    content_type: str
    size: int


class CommentRow(Row, frozen=True, kw_only=True):
    id: int
    body: str
    created_at: datetime
    hidden: bool
    hidden_reason: str
    hidden_at: datetime | None
    author_name: str
    hidden_by_name: str | None


@dataclass(frozen=True)
class ProblemPage:
    rows: list[ListedProblem]
    page: int
    has_next: bool


@dataclass(frozen=True)
class ProblemDetail:
    problem: PublishedProblem
    edition: EditionRow
    attachments: list[FileLink]
    comments: list[CommentRow]


@dataclass(frozen=True)
class ApplicationsNotice:
    """What the problem page says about applying: `status` is upcoming, open or closed."""

    status: str | None
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class Filters:
    """The catalogue's filters, read leniently from a query string (unknown values are dropped)."""

    q: str = ""
    track: str = ""
    region: str = ""
    kind: str = ""
    sdg: int | None = None
    sort: str = "newest"

    @classmethod
    def from_query(
        cls, *, q: str = "", track: str = "", region: str = "", kind: str = "", sdg: str = "", sort: str = ""
    ) -> Filters:
        goal = int(sdg) if sdg.strip().isdigit() and int(sdg) in SDGS else None
        return cls(
            q=q.strip()[:MAX_QUERY],
            track=track if track in {t.value for t in Track} else "",
            region=region.strip(),
            kind=kind if kind in {k.value for k in SettlementKind} else "",
            sdg=goal,
            sort=sort if sort in SORTS else "newest",
        )

    def query(self) -> dict[str, str]:
        """The filters that are set, for links that must keep them (pages, other editions)."""
        values = {
            "q": self.q,
            "track": self.track,
            "region": self.region,
            "kind": self.kind,
            "sdg": str(self.sdg) if self.sdg else "",
            "sort": "" if self.sort == "newest" else self.sort,
        }
        return {name: value for name, value in values.items() if value}


def _published_in(edition_id: int) -> Any:
    return (Problem.edition == edition_id) & (Problem.status == ProblemStatus.PUBLISHED)


async def published_problems(
    *,
    edition_id: int,
    q: str = "",
    track: str = "",
    region: str = "",
    kind: str = "",
    sdg: int | None = None,
    page: int = 1,
    sort: str = "newest",
    page_size: int = PAGE_SIZE,
) -> ProblemPage:
    """One page of an edition's published problems with their municipality, filtered and sorted."""
    query = Problem.select(*_LISTED).where(_published_in(edition_id))
    if q := q.strip()[:MAX_QUERY]:
        # Serbian is stored in the script it was written in: look for both spellings, in both versions.
        found: Any = None  # Where, then Or: the spellings and columns joined
        for spelling in dict.fromkeys((q, to_latin(q), to_cyrillic(q))):
            pattern = f"%{spelling}%"
            for column in (Problem.title, Problem.summary, Problem.translated_title, Problem.translated_summary):
                found = column.ilike(pattern) if found is None else found | column.ilike(pattern)
        query = query.where(found)
    if track:
        query = query.where(Problem.track == track)
    if region:
        query = query.where(Problem.municipality.region == region)
    if kind:
        query = query.where(Problem.municipality.kind == kind)
    if sdg is not None:
        query = query.where(Problem.sdg_tags.like(f"%,{int(sdg)},%"))
    if sort == "endorsed":
        query = query.order_by(Problem.endorsement_count, ascending=False)
    query = query.order_by(Problem.published_at, ascending=False).order_by(Problem.id, ascending=False)
    page = page_within(page, page_size)
    rows = await query.limit(page_size + 1).offset((page - 1) * page_size).output(load_json=True)
    return ProblemPage(rows=convert_rows(rows[:page_size], ListedProblem), page=page, has_next=len(rows) > page_size)


async def regions(edition_id: int) -> list[str]:
    """Regions that have at least one published problem in the edition (the region filter's options)."""
    municipality_ids = Problem.select(Problem.municipality).where(_published_in(edition_id))
    rows = await (
        Municipality.select(Municipality.region)
        .where(Municipality.id.is_in(municipality_ids))
        .distinct()
        .order_by(Municipality.region)
    )
    return [str(row["region"]) for row in rows]


async def problem_detail(problem_id: int, *, include_hidden: bool = False) -> ProblemDetail:
    """A published problem with its municipality, edition, attachments and comments.

    Hidden comments are left out unless `include_hidden` (organisers moderating).
    """
    problem = await (
        Problem.select(
            *Problem.all_columns(),
            *MUNICIPALITY_OF_PROBLEM,
            Problem.municipality.population.as_alias("population"),
        )
        .where(Problem.id == problem_id, Problem.status == ProblemStatus.PUBLISHED)
        .first()
        .output(load_json=True)
    )
    if problem is None:
        raise NotFound(N_("This problem does not exist."))
    edition = await Edition.select().where(Edition.id == problem["edition"]).first().output(load_json=True)
    if edition is None:  # pragma: no cover - a problem's edition is a foreign key
        raise NotFound(N_("This problem does not exist."))
    attachments = await (
        ProblemAttachment.select(
            ProblemAttachment.file.id.as_alias("id"),
            ProblemAttachment.file.original_name.as_alias("original_name"),
            *ATTACHED_FILE_TYPE_AND_SIZE,
        )
        .where(ProblemAttachment.problem == problem_id)
        .order_by(ProblemAttachment.id)
    )
    comments = Comment.select(
        Comment.id,
        Comment.body,
        Comment.created_at,
        Comment.hidden,
        Comment.hidden_reason,
        Comment.hidden_at,
        Comment.author.name.as_alias("author_name"),
        Comment.hidden_by.name.as_alias("hidden_by_name"),
    ).where(Comment.problem == problem_id)
    if not include_hidden:
        comments = comments.where(Comment.hidden == False)  # noqa: E712
    return ProblemDetail(
        problem=convert_row(problem, PublishedProblem),
        edition=convert_row(edition, EditionRow),
        attachments=convert_rows(attachments, FileLink),
        comments=convert_rows(await comments.order_by(Comment.created_at).order_by(Comment.id), CommentRow),
    )


async def has_endorsed(*, problem_id: int, user_id: int) -> bool:
    return bool(await Endorsement.exists().where(Endorsement.key == f"{problem_id}:{user_id}"))


async def problem_of_comment(comment_id: int) -> int | None:
    row = await Comment.select(Comment.problem).where(Comment.id == comment_id).first()
    return int(row["problem"]) if row else None


def applications_notice(timeline: Timeline, phase: Phase | None) -> ApplicationsNotice:
    """Whether startups can apply now, from when, or until when they could."""
    opens_at = timeline.start_of(Phase.APPLICATIONS)
    closes_at = timeline.end_of(Phase.APPLICATIONS)
    if phase == Phase.APPLICATIONS:
        return ApplicationsNotice("open", opens_at, closes_at)
    if phase is not None and PHASE_ORDER.index(phase) > PHASE_ORDER.index(Phase.APPLICATIONS):
        return ApplicationsNotice("closed", opens_at, closes_at)
    if opens_at is not None:
        return ApplicationsNotice("upcoming", opens_at, closes_at)
    return ApplicationsNotice(None)
