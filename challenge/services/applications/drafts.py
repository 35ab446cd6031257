"""An application's draft: its content read and checked, saved by the team (last write wins, said out loud)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from challenge.enums import ApplicationStatus, ProblemStatus
from challenge.records import ApplicationRow
from challenge.rules.applications import (
    EDITABLE,
    ApplicationContent,
)
from challenge.rules.problems import parse_problem
from challenge.schemas import ApplicationIn
from challenge.services import expertise, questions
from challenge.services.applications.access import (
    PITCH_DECK,
    closed_conflict,
    deadline_of,
    ensure_member,
    load_application,
    startup_of,
)
from challenge.services.editions import load_edition
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Problem,
)
from core import audit, db, files
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, StateConflict, ValidationFailed
from core.rules import N_, TOO_LONG
from core.uploads import PDF_ONLY

SUBMITTED_ALREADY = N_("This application was submitted; ask the organisers to reopen it to change it.")
TEXT_FIELDS = {"solution": 6000, "why_us": 4000, "traction": 4000, "pilot_plan": 6000, "impact": 4000}
MAX_VIDEO_URL = 500
MAX_ANSWER = 2000


@dataclass(frozen=True)
class SaveResult:
    application_id: int
    version: int
    # True when a teammate saved in between: their changes were replaced by these (last write wins).
    overwrote_newer: bool


def _read_content(application: ApplicationIn) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    """The columns a draft stores, the problems it addresses, and each field's problem."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        values[name] = str(getattr(application, name)).strip()
        if len(values[name]) > limit:
            errors[name] = TOO_LONG
    sdg_parse = parse_problem({"title": "x", "sdgs": application.sdgs})
    if "sdgs" in sdg_parse.errors:
        errors["sdgs"] = sdg_parse.errors["sdgs"]
    values["sdgs"] = list(sdg_parse.fields.sdgs)
    values["support_needed"] = sorted({tag.strip() for tag in application.support_needed if tag.strip()})
    video = application.video_url.strip()
    if video and not video.startswith(("https://", "http://")):
        errors["video_url"] = N_("Each link must be a full web address starting with https://")
    elif len(video) > MAX_VIDEO_URL:
        errors["video_url"] = TOO_LONG
    values["video_url"] = video
    problem_ids = [problem for problem in application.problems if problem >= 0]
    values["answers"] = {key: answer.strip() for key, answer in application.answers.items() if key.isdigit()}
    for key, answer in values["answers"].items():
        if len(answer) > MAX_ANSWER:
            errors[f"q{key}"] = TOO_LONG
    return values, problem_ids, errors


async def save_application(
    *, user: CurrentUser, edition_id: int, application: ApplicationIn, application_id: int | None = None
) -> SaveResult:
    """Create or update a draft. Last write wins; the result says when it replaced a teammate's save.

    `application.version` is the version the edit started from (an update only);
    `application.pitch_deck_file_id` an upload of the caller's that becomes the deck.
    """
    existing_track = ""
    if application_id is not None:
        current = await load_application(application_id)
        existing_track = current.track
        await ensure_member(user, current.startup)
        if ApplicationStatus(current.status) not in EDITABLE:
            raise StateConflict(SUBMITTED_ALREADY)
    edition = await load_edition(edition_id)
    deadline = await deadline_of(edition)
    if not deadline.accepts(utc_now()):
        # Refused first, and before anything is written: no new version, no audit entry, no draft.
        raise closed_conflict(deadline, edition, new=application_id is None)
    values, problem_ids, errors = _read_content(application)
    if set(values["support_needed"]) - set(await expertise.vocabulary(include_retired=True)):
        errors["support_needed"] = N_("Choose from the listed kinds of support.")
    if errors:
        raise ValidationFailed(errors, N_("Please correct the marked fields; nothing you typed was lost."))
    startup_id, track = None, ""
    if application_id is None:
        startup = await startup_of(user, edition_id)
        if startup is None:
            raise StateConflict(N_("Register your startup first."))
        startup_id, track = startup.id, application.track or ""
        if track not in edition.tracks:
            raise ValidationFailed({"track": N_("This edition does not run that track.")})
    deck_id = application.pitch_deck_file_id
    asked = await questions.asked(edition_id, existing_track or track)
    async with db.transaction():
        problem_ids = await _published_in(edition_id, problem_ids)
        # Only the caller's own PDF: an id cannot attach someone else's upload to this application.
        if deck_id is not None and not await files.attach_uploads(
            file_ids=[deck_id], owner_id=user.id, purpose=PITCH_DECK, content_types=PDF_ONLY
        ):
            raise ValidationFailed({"pitch_deck": N_("Upload your pitch deck (PDF).")})
        if application_id is None:
            assert startup_id is not None  # a new draft has its startup, checked above
            application_id = await _insert_draft(
                user=user, edition_id=edition_id, startup_id=startup_id, track=track, deck_id=deck_id, values=values
            )
            saved = SaveResult(application_id=application_id, version=1, overwrote_newer=False)
        else:
            saved = await _update_draft(
                user=user,
                application_id=application_id,
                expected_version=application.version,
                deck_id=deck_id,
                values=values,
            )
        await ApplicationProblem.delete().where(ApplicationProblem.application == application_id)
        for problem_id in problem_ids:
            await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem_id))
        # Kept as typed, valid or not: the draft shows what is wrong beside each, submission insists.
        changed = await questions.save_answers(
            user=user, application_id=application_id, questions=asked, raw=application.question_answers
        )
        if changed:
            await audit.record(
                actor_id=user.id,
                action="application.answered",
                entity="application",
                entity_id=application_id,
                after={"answers": changed},
            )
    return saved


async def _published_in(edition_id: int, problem_ids: list[int]) -> list[int]:
    """Those of `problem_ids` that are published problems of the edition (others are dropped)."""
    if not problem_ids:
        return []
    published = await Problem.select(Problem.id).where(
        Problem.id.is_in(problem_ids), Problem.edition == edition_id, Problem.status == ProblemStatus.PUBLISHED
    )
    return [int(row["id"]) for row in published]


async def _insert_draft(
    *, user: CurrentUser, edition_id: int, startup_id: int, track: str, deck_id: int | None, values: dict[str, Any]
) -> int:
    try:
        application_id: int = (
            await Application.insert(
                Application(
                    edition=edition_id,
                    startup=startup_id,
                    track=track,
                    updated_by=user.id,
                    active_key=f"{edition_id}:{startup_id}:{track}",
                    pitch_deck=deck_id,
                    **values,
                )
            ).returning(Application.id)
        )[0]["id"]
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise StateConflict(N_("Your startup already has an application in this track.")) from exc
        raise
    await ApplicationEvent.insert(
        ApplicationEvent(application=application_id, actor=user.id, to_status=ApplicationStatus.DRAFT)
    )
    await audit.record(
        actor_id=user.id, action="application.drafted", entity="application", entity_id=application_id, after=values
    )
    return application_id


async def _update_draft(
    *, user: CurrentUser, application_id: int, expected_version: int | None, deck_id: int | None, values: dict[str, Any]
) -> SaveResult:
    # Locked, so two teammates saving at once are ordered and the second is told.
    before = (
        await db.locked(Application.select().where(Application.id == application_id)).first().output(load_json=True)
    )
    if before is None:
        raise NotFound(N_("This application does not exist."))
    await ensure_member(user, before["startup"])
    if ApplicationStatus(before["status"]) not in EDITABLE:
        raise StateConflict(SUBMITTED_ALREADY)
    overwrote = expected_version is not None and expected_version != before["version"]
    version: int = before["version"] + 1
    changes: dict[Any, Any] = {**values, "version": version, "updated_by": user.id, "updated_at": utc_now()}
    if deck_id is not None:
        changes["pitch_deck"] = deck_id
    updated = (
        await Application.update(changes)
        .where(Application.id == application_id, Application.status == ApplicationStatus.DRAFT)
        .returning(Application.id)
    )
    if not updated:
        raise StateConflict(SUBMITTED_ALREADY)
    changed = [name for name in values if before[name] != values[name]]
    await audit.record(
        actor_id=user.id,
        action="application.edited",
        entity="application",
        entity_id=application_id,
        before={name: before[name] for name in changed},
        after={**{name: values[name] for name in changed}, "replaced_newer_save": overwrote},
    )
    return SaveResult(application_id=application_id, version=version, overwrote_newer=overwrote)


async def content_of(application: ApplicationRow) -> ApplicationContent:
    """What the submission rules read of an application."""
    problems = await ApplicationProblem.select(ApplicationProblem.problem).where(
        ApplicationProblem.application == application.id
    )
    return ApplicationContent(
        problem_ids=tuple(row["problem"] for row in problems),
        solution=application.solution,
        why_us=application.why_us,
        traction=application.traction,
        pilot_plan=application.pilot_plan,
        impact=application.impact,
        sdgs=tuple(application.sdgs),
        support_needed=tuple(application.support_needed),
        has_pitch_deck=application.pitch_deck is not None,
        answers={int(k): v for k, v in application.answers.items()},
    )
