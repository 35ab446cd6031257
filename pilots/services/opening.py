"""An organiser opens a pilot from an application that won or advanced, for one of its problems.

The pilot copies its parties (edition, startup, problem, municipality) at opening, so a later
change to the application does not move it; version 1 of the agreement is written unsigned.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from challenge.tables import Application, ApplicationProblem, Problem, Startup
from core import audit, db
from core.auth import CurrentUser
from core.errors import ValidationFailed
from core.rules import N_, TOO_LONG
from core.rules.bilingual import guess_language
from core.scopes import require_organiser
from pilots.enums import PilotStatus, Side
from pilots.queries import agreement as queries
from pilots.queries.pilots import load_pilot
from pilots.rules import agreement
from pilots.rules.codes import new_code
from pilots.schemas import OpenPilotIn
from pilots.services.agreement import ORGANISERS_ONLY, check_mentor, mail_sides, terms_of
from pilots.tables import AgreementVersion, Pilot

NOT_ADVANCED = N_("Only an application that won or advanced (accepted, finalist, winner) becomes a pilot.")
NOT_ITS_PROBLEM = N_("Choose one of the problems this application addresses.")
ALREADY_PILOTED = N_("This application already has a pilot for this problem.")


async def _application(application_id: int, edition_id: int | None, errors: dict[str, str]) -> dict[str, Any] | None:
    row = (
        await Application.select(Application.id, Application.edition, Application.startup, Application.status)
        .where(Application.id == application_id)
        .first()
    )
    if row is None or (edition_id is not None and row["edition"] != edition_id):
        errors["application_id"] = N_("Choose one of this edition's applications that won or advanced.")
        return None
    if row["status"] not in queries.ADVANCED:
        errors["application_id"] = NOT_ADVANCED
        return None
    return row


async def _problem(application_id: int, problem_id: int, errors: dict[str, str]) -> dict[str, Any] | None:
    addressed = await ApplicationProblem.exists().where(
        ApplicationProblem.application == application_id, ApplicationProblem.problem == problem_id
    )
    problem = (
        await Problem.select(Problem.id, Problem.title, Problem.municipality).where(Problem.id == problem_id).first()
    )
    if not addressed or problem is None:
        errors["problem_id"] = NOT_ITS_PROBLEM
        return None
    if await _piloted(application_id, problem_id):
        errors["problem_id"] = ALREADY_PILOTED
        return None
    return problem


async def _piloted(application_id: int, problem_id: int) -> bool:
    return bool(
        await Pilot.exists().where(
            Pilot.application == application_id, Pilot.problem == problem_id, Pilot.status != PilotStatus.STOPPED
        )
    )


async def _unused_code() -> str:
    # A collision is about one in a billion per pilot; the unique index catches a race regardless.
    while await Pilot.exists().where(Pilot.code == (code := new_code())):
        pass
    return code


async def open_pilot(*, user: CurrentUser, command: OpenPilotIn, edition_id: int | None = None) -> int:
    """Open a pilot in draft with version 1 of its agreement; returns its id.

    The mentor defaults to the application's published mentoring match; the municipality's staff
    and the startup's members are mailed to read and sign.
    """
    require_organiser(user, ORGANISERS_ONLY)
    errors: dict[str, str] = {}
    application = await _application(command.application_id, edition_id, errors)
    problem = await _problem(command.application_id, command.problem_id, errors) if application else None
    terms = terms_of(command)
    if terms.mentor_id is None and application is not None:
        terms = replace(terms, mentor_id=await queries.published_mentor(application["id"]))
    errors |= {name: message for name, message in agreement.check_terms(terms).items() if name not in errors}
    await check_mentor(terms.mentor_id, errors)
    title = " ".join(command.title.split())
    if len(title) > agreement.MAX_TITLE:
        errors["title"] = TOO_LONG
    if errors or application is None or problem is None:
        raise ValidationFailed(errors)
    if not title:
        startup = await Startup.select(Startup.name).where(Startup.id == application["startup"]).first()
        title = f"{startup['name'] if startup else ''}: {problem['title']}"[: agreement.MAX_TITLE]
    stored = queries.terms_json(terms)
    async with db.transaction():
        # Two organisers opening the same pilot at once: the application's row lock orders them
        # (SQLite's write lock does the same), and the second finds the first's pilot.
        await db.locked(Application.select(Application.id).where(Application.id == application["id"]))
        if await _piloted(application["id"], problem["id"]):
            raise ValidationFailed({"problem_id": ALREADY_PILOTED})
        code = await _unused_code()
        pilot_id = (
            await Pilot.insert(
                Pilot(
                    edition=application["edition"],
                    application=application["id"],
                    problem=problem["id"],
                    municipality=problem["municipality"],
                    startup=application["startup"],
                    code=code,
                    title=title,
                    # Organisers write the terms in one language or the other, not always the problem's.
                    language=guess_language(f"{title} {terms.scope} {terms.data_terms}"),
                    status=PilotStatus.DRAFT,
                    current_version=1,
                    opened_by=user.id,
                    **queries.pilot_columns(terms),
                )
            ).returning(Pilot.id)
        )[0]["id"]
        await AgreementVersion.insert(
            AgreementVersion(pilot=pilot_id, number=1, key=f"{pilot_id}:1", terms=stored, author=user.id)
        )
        await audit.record(
            actor_id=user.id,
            action="pilot.opened",
            entity="pilot",
            entity_id=pilot_id,
            after={
                "application": application["id"],
                "problem": problem["id"],
                "title": title,
                "code": code,
                "version": 1,
                "terms": stored,
            },
        )
        await mail_sides(
            await load_pilot(pilot_id),
            (Side.MUNICIPALITY, Side.STARTUP),
            template="pilot_opened",
            subject=N_("Pilot “%(pilot)s”: read and sign the agreement"),
            actor_id=user.id,
        )
    return int(pilot_id)
