"""Read side of the challenge domain used by pages and the composition root."""

from __future__ import annotations

from typing import Any

from challenge.tables import Application, Edition, Municipality, Startup


async def editions() -> list[dict[str, Any]]:
    return await (
        Edition.select()
        .order_by(Edition.year, ascending=False)
        .order_by(Edition.id, ascending=False)
        .output(load_json=True)
    )


async def newest_edition_with_published_problems() -> dict[str, Any] | None:
    from challenge.tables import Problem

    newest = await (
        Problem.select(Problem.edition)
        .where(Problem.status == "published")
        .order_by(Problem.edition.year, ascending=False)
        .order_by(Problem.edition, ascending=False)
        .first()
    )
    if newest is None:
        return None
    return await Edition.select().where(Edition.id == newest["edition"]).first().output(load_json=True)


async def edition_by_slug(slug: str) -> dict[str, Any] | None:
    return await Edition.select().where(Edition.slug == slug).first().output(load_json=True)


async def municipalities(ids: frozenset[int] | None = None) -> list[dict[str, Any]]:
    query = Municipality.select().order_by(Municipality.name)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Municipality.id.is_in(list(ids)))
    return await query


async def startups(ids: frozenset[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await Startup.select().where(Startup.id.is_in(list(ids))).order_by(Startup.name)


async def invite_options() -> dict[str, list[dict[str, Any]]]:
    """What an organiser may invite people into: editions and municipalities."""
    return {
        "editions": await Edition.select(Edition.id, Edition.name, Edition.year).order_by(
            Edition.year, ascending=False
        ),
        "municipalities": await Municipality.select(Municipality.id, Municipality.name).order_by(Municipality.name),
    }


async def problem_for_staff(problem_id: int) -> dict[str, Any]:
    """A problem in any status, with its edition and municipality (staff and organiser views)."""
    from challenge.tables import Problem
    from core.errors import NotFound

    problem = await (
        Problem.select(
            Problem.all_columns(),
            Problem.municipality.name.as_alias("municipality_name"),
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
    return problem


async def problem_history(problem_id: int) -> list[dict[str, Any]]:
    from challenge.tables import ProblemEvent

    return await (
        ProblemEvent.select(ProblemEvent.all_columns(), ProblemEvent.actor.name.as_alias("actor_name"))
        .where(ProblemEvent.problem == problem_id)
        .order_by(ProblemEvent.id)
    )


async def attachments(problem_id: int) -> list[dict[str, Any]]:
    from challenge.tables import ProblemAttachment

    return await (
        ProblemAttachment.select(
            ProblemAttachment.id,
            ProblemAttachment.file.id.as_alias("file_id"),
            ProblemAttachment.file.original_name.as_alias("name"),
            ProblemAttachment.file.content_type.as_alias("content_type"),
            ProblemAttachment.file.size.as_alias("size"),
        )
        .where(ProblemAttachment.problem == problem_id)
        .order_by(ProblemAttachment.id)
    )


async def stored_files(file_ids: list[int], *, owner_id: int, purpose: str) -> list[dict[str, Any]]:
    """The caller's own uploads among `file_ids` that may still be attached for `purpose` (ids
    come from a form: never trust them)."""
    from core.files import UNATTACHED
    from core.tables import StoredFile

    if not file_ids:
        return []
    return await StoredFile.select(StoredFile.id, StoredFile.original_name, StoredFile.size).where(
        StoredFile.id.is_in(file_ids), StoredFile.owner == owner_id, StoredFile.purpose.is_in([UNATTACHED, purpose])
    )


async def problems_of_municipalities(municipality_ids: frozenset[int]) -> list[dict[str, Any]]:
    from challenge.tables import Problem

    if not municipality_ids:
        return []
    return await (
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


async def review_queue(*, edition_id: int, status: str = "") -> list[dict[str, Any]]:
    from challenge.tables import Problem

    query = Problem.select(
        Problem.id,
        Problem.title,
        Problem.status,
        Problem.track,
        Problem.submitted_at,
        Problem.updated_at,
        Problem.endorsement_count,
        Problem.municipality.name.as_alias("municipality_name"),
        Problem.municipality.kind.as_alias("municipality_kind"),
    ).where(Problem.edition == edition_id)
    # Drafts are the municipality's own until submitted: organisers never review them.
    status = "" if status == "draft" else status
    query = query.where(Problem.status == status) if status else query.where(Problem.status != "draft")
    return await query.order_by(Problem.updated_at, ascending=False)


async def full_problems_of_municipalities(municipality_ids: frozenset[int]) -> list[dict[str, Any]]:
    from challenge.tables import Problem

    if not municipality_ids:
        return []
    return await (
        Problem.select()
        .where(Problem.municipality.is_in(list(municipality_ids)))
        .order_by(Problem.id)
        .output(load_json=True)
    )


async def latest_change_request(problem_id: int) -> str:
    """The organisers' comment when they last sent the problem back for changes."""
    from challenge.tables import ProblemEvent

    row = await (
        ProblemEvent.select(ProblemEvent.comment)
        .where(ProblemEvent.problem == problem_id, ProblemEvent.to_status == "changes_requested")
        .order_by(ProblemEvent.id, ascending=False)
        .first()
    )
    return row["comment"] if row else ""


async def applications_of_startup(startup_id: int, *, edition_id: int | None = None) -> list[dict[str, Any]]:
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
    return await query.order_by(Application.created_at, ascending=False)
