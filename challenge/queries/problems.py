"""Problems as their municipality's staff and the organisers read them, in any status."""

from __future__ import annotations

from datetime import datetime

from challenge.enums import ProblemStatus
from challenge.queries.columns import ATTACHED_FILE_TYPE_AND_SIZE, MUNICIPALITY_NAME
from challenge.records import (
    MunicipalityRow,
    ProblemRow,
    Row,
    StaffProblemRow,
    StoredFileRow,
    convert_row,
    convert_rows,
)
from challenge.tables import Municipality, Problem, ProblemAttachment, ProblemEvent
from core.errors import NotFound
from core.files import UNATTACHED
from core.tables import StoredFile


class ProblemEventRow(Row, frozen=True, kw_only=True):
    """One status change of a problem, with who made it."""

    id: int
    problem: int
    actor: int | None
    actor_name: str | None
    from_status: str | None
    to_status: str
    comment: str
    at: datetime


class AttachmentRow(Row, frozen=True, kw_only=True):
    """A file attached to a problem (`id` is the link's, `file_id` the upload's)."""

    id: int
    file_id: int
    name: str
    content_type: str
    size: int


class MunicipalityProblem(Row, frozen=True, kw_only=True):
    """A line of a municipality's own list of problems."""

    id: int
    title: str
    status: str
    updated_at: datetime
    municipality: int
    edition_name: str
    edition_year: int
    endorsement_count: int


class QueuedProblem(Row, frozen=True, kw_only=True):
    """A line of the organisers' review queue."""

    id: int
    title: str
    status: str
    track: str | None
    submitted_at: datetime | None
    updated_at: datetime
    endorsement_count: int
    municipality_name: str
    municipality_kind: str


async def municipalities(ids: frozenset[int] | None = None) -> list[MunicipalityRow]:
    """Every municipality by name, or only those of `ids`."""
    query = Municipality.select().order_by(Municipality.name)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Municipality.id.is_in(list(ids)))
    return convert_rows(await query, MunicipalityRow)


async def problem_for_staff(problem_id: int) -> StaffProblemRow:
    """A problem in any status, with its edition and municipality (staff and organiser views)."""
    problem = await (
        Problem.select(
            *Problem.all_columns(),
            MUNICIPALITY_NAME,
            Problem.edition.name.as_alias("edition_name"),
            Problem.edition.slug.as_alias("edition_slug"),
            Problem.edition.timezone.as_alias("edition_timezone"),
        )
        .where(Problem.id == problem_id)
        .first()
        .output(load_json=True)
    )
    if problem is None:
        raise NotFound("This problem does not exist.")
    return convert_row(problem, StaffProblemRow)


async def problem_history(problem_id: int) -> list[ProblemEventRow]:
    rows = await (
        ProblemEvent.select(*ProblemEvent.all_columns(), ProblemEvent.actor.name.as_alias("actor_name"))
        .where(ProblemEvent.problem == problem_id)
        .order_by(ProblemEvent.id)
    )
    return convert_rows(rows, ProblemEventRow)


async def attachments(problem_id: int) -> list[AttachmentRow]:
    rows = await (
        ProblemAttachment.select(
            ProblemAttachment.id,
            ProblemAttachment.file.id.as_alias("file_id"),
            ProblemAttachment.file.original_name.as_alias("name"),
            *ATTACHED_FILE_TYPE_AND_SIZE,
        )
        .where(ProblemAttachment.problem == problem_id)
        .order_by(ProblemAttachment.id)
    )
    return convert_rows(rows, AttachmentRow)


async def stored_files(file_ids: list[int], *, owner_id: int, purpose: str) -> list[StoredFileRow]:
    """The caller's own uploads among `file_ids` that may still be attached for `purpose` (ids
    come from a form: never trust them)."""
    if not file_ids:
        return []
    rows = await StoredFile.select(StoredFile.id, StoredFile.original_name, StoredFile.size).where(
        StoredFile.id.is_in(file_ids), StoredFile.owner == owner_id, StoredFile.purpose.is_in([UNATTACHED, purpose])
    )
    return convert_rows(rows, StoredFileRow)


async def problems_of_municipalities(municipality_ids: frozenset[int]) -> list[MunicipalityProblem]:
    if not municipality_ids:
        return []
    rows = await (
        Problem.select(
            Problem.id,
            Problem.title,
            Problem.status,
            Problem.updated_at,
            Problem.municipality,
            Problem.edition.name.as_alias("edition_name"),
            Problem.edition.year.as_alias("edition_year"),
            Problem.endorsement_count,
        )
        .where(Problem.municipality.is_in(list(municipality_ids)))
        .order_by(Problem.edition.year, ascending=False)
        .order_by(Problem.updated_at, ascending=False)
    )
    return convert_rows(rows, MunicipalityProblem)


async def review_queue(*, edition_id: int, status: str = "") -> list[QueuedProblem]:
    query = Problem.select(
        Problem.id,
        Problem.title,
        Problem.status,
        Problem.track,
        Problem.submitted_at,
        Problem.updated_at,
        Problem.endorsement_count,
        MUNICIPALITY_NAME,
        Problem.municipality.kind.as_alias("municipality_kind"),
    ).where(Problem.edition == edition_id)
    # Drafts are the municipality's own until submitted: organisers never review them.
    status = "" if status == ProblemStatus.DRAFT else status
    query = query.where(Problem.status == status) if status else query.where(Problem.status != ProblemStatus.DRAFT)
    return convert_rows(await query.order_by(Problem.updated_at, ascending=False), QueuedProblem)


async def full_problems_of_municipalities(municipality_ids: frozenset[int]) -> list[ProblemRow]:
    if not municipality_ids:
        return []
    rows = await (
        Problem.select()
        .where(Problem.municipality.is_in(list(municipality_ids)))
        .order_by(Problem.id)
        .output(load_json=True)
    )
    return convert_rows(rows, ProblemRow)


async def latest_change_request(problem_id: int) -> str:
    """The organisers' comment when they last sent the problem back for changes."""
    row = await (
        ProblemEvent.select(ProblemEvent.comment)
        .where(ProblemEvent.problem == problem_id, ProblemEvent.to_status == ProblemStatus.CHANGES_REQUESTED)
        .order_by(ProblemEvent.id, ascending=False)
        .first()
    )
    return str(row["comment"]) if row else ""
