"""Applications as their startup reads them, and what the application form offers."""

from __future__ import annotations

from datetime import datetime

from challenge.enums import ProblemStatus
from challenge.records import Row, StoredFileRow, convert_row, convert_rows
from challenge.tables import Application, Problem
from core.tables import StoredFile


class ApplicationSummary(Row, frozen=True, kw_only=True):
    """A line of a startup's list of applications."""

    id: int
    edition: int
    track: str
    status: str
    version: int
    submitted_at: datetime | None
    updated_at: datetime
    edition_name: str
    edition_year: int


class ProblemOption(Row, frozen=True, kw_only=True):
    """A published problem an application may address (`municipality` is its name)."""

    id: int
    title: str
    language: str
    translated_title: str
    track: str | None
    municipality: str


async def applications_of_startup(startup_id: int, *, edition_id: int | None = None) -> list[ApplicationSummary]:
    """A startup's applications, newest first; only one edition's when `edition_id` is given."""
    query = Application.select(
        Application.id,
        Application.edition,
        Application.track,
        Application.status,
        Application.version,
        Application.submitted_at,
        Application.updated_at,
        Application.edition.name.as_alias("edition_name"),
        Application.edition.year.as_alias("edition_year"),
    ).where(Application.startup == startup_id)
    if edition_id is not None:
        query = query.where(Application.edition == edition_id)
    return convert_rows(await query.order_by(Application.created_at, ascending=False), ApplicationSummary)


async def problem_options(edition_id: int) -> list[ProblemOption]:
    """The edition's published problems, by title: what an application may address."""
    rows = await (
        Problem.select(
            Problem.id,
            Problem.title,
            Problem.language,
            Problem.translated_title,
            Problem.track,
            Problem.municipality.name.as_alias("municipality"),
        )
        .where(Problem.edition == edition_id, Problem.status == ProblemStatus.PUBLISHED)
        .order_by(Problem.title)
    )
    return convert_rows(rows, ProblemOption)


async def track_of_problem(problem_id: int) -> str:
    """The track of a problem ('' when it has none or does not exist): a new application's default."""
    row = await Problem.select(Problem.track).where(Problem.id == problem_id).first()
    return str(row["track"] or "") if row else ""


async def stored_file(file_id: int, *, owner_id: int | None = None) -> StoredFileRow | None:
    """An upload by id; only the owner's when `owner_id` is given (a form's id is never trusted)."""
    query = StoredFile.select().where(StoredFile.id == file_id)
    if owner_id is not None:
        query = query.where(StoredFile.owner == owner_id)
    row = await query.first()
    return None if row is None else convert_row(row, StoredFileRow)
