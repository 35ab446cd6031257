"""What organisers set and municipalities add during screening: eligibility questions and fit notes."""

from __future__ import annotations

from typing import Any

from challenge.enums import ApplicationStatus, QuestionKind
from challenge.queries import screening
from challenge.services.applications.access import (
    load_application,
)
from challenge.services.editions import load_edition
from challenge.tables import (
    ApplicationProblem,
    EligibilityQuestion,
    FitNote,
)
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, ValidationFailed
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser

MAX_CHOICES_TEXT = 4000  # an eligibility question's choices, one per line


async def add_fit_note(*, user: CurrentUser, application_id: int, municipality_id: int, note: str) -> None:
    """A municipality's word on how an application fits its problem: read by organisers, never by judges."""
    note = note.strip()
    if not note:
        raise ValidationFailed({"note": N_("Write the note first.")})
    if len(note) > 4000:
        raise ValidationFailed({"note": TOO_LONG})
    application = await load_application(application_id)
    addressed = await ApplicationProblem.exists().where(
        ApplicationProblem.application == application_id, ApplicationProblem.problem.municipality == municipality_id
    )
    visible = ApplicationStatus(application.status) not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
    if municipality_id not in user.organisations(Role.MUNICIPALITY) or not addressed or not visible:
        raise NotFound(N_("This application does not exist."))
    async with db.transaction():
        note_id: int = (
            await FitNote.insert(
                FitNote(application=application_id, municipality=municipality_id, author=user.id, note=note)
            ).returning(FitNote.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="application.fit_note",
            entity="application",
            entity_id=application_id,
            after={"fit_note": note_id, "municipality": municipality_id},
        )


def _read_question(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    text = str(data.get("text", "") or "").strip()
    kind = str(data.get("kind", "") or "")
    choices = [c.strip() for c in str(data.get("choices", "") or "").splitlines() if c.strip()]
    eligible = str(data.get("eligible_answer", "") or "") or None
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = N_("Required.")
    elif len(text) > 1000:
        errors["text"] = TOO_LONG
    if kind not in {k.value for k in QuestionKind}:
        errors["kind"] = N_("Choose one of the options.")
    elif kind == QuestionKind.CHOICE and len(choices) < 2:
        errors["choices"] = N_("Give at least two choices, one per line.")
    elif kind == QuestionKind.CHOICE and len(str(data.get("choices", "") or "")) > MAX_CHOICES_TEXT:
        errors["choices"] = TOO_LONG
    if eligible is not None and (kind != QuestionKind.YES_NO or eligible not in ("yes", "no")):
        errors["eligible_answer"] = N_("Only a yes/no question can decide eligibility.")
    values = {
        "text": text,
        "kind": kind,
        "choices": choices if kind == QuestionKind.CHOICE else [],
        "eligible_answer": eligible,
        "required": str(data.get("required", "")) in ("on", "true", "1", "yes"),
    }
    return values, errors


async def add_question(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> int:
    require_organiser(user, N_("Only organisers set eligibility questions."))
    values, errors = _read_question(data)
    if errors:
        raise ValidationFailed(errors)
    await load_edition(edition_id)
    async with db.transaction():
        last = (
            await EligibilityQuestion.select(EligibilityQuestion.position)
            .where(EligibilityQuestion.edition == edition_id)
            .order_by(EligibilityQuestion.position, ascending=False)
            .first()
        )
        question_id: int = (
            await EligibilityQuestion.insert(
                EligibilityQuestion(edition=edition_id, position=(last["position"] + 1) if last else 1, **values)
            ).returning(EligibilityQuestion.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="eligibility_question.added",
            entity="edition",
            entity_id=edition_id,
            after={"question": question_id, **values},
        )
    return question_id


async def remove_question(*, user: CurrentUser, edition_id: int, question_id: int) -> None:
    require_organiser(user, N_("Only organisers set eligibility questions."))
    async with db.transaction():
        removed = (
            await EligibilityQuestion.delete()
            .where(EligibilityQuestion.id == question_id, EligibilityQuestion.edition == edition_id)
            .returning(EligibilityQuestion.id, EligibilityQuestion.text)
        )
        if not removed:
            raise NotFound(N_("This question does not exist."))
        await audit.record(
            actor_id=user.id,
            action="eligibility_question.removed",
            entity="edition",
            entity_id=edition_id,
            before={"question": question_id, "text": removed[0]["text"]},
        )


async def municipalities_shown(*, user: CurrentUser, application_id: int) -> list[int]:
    """The staff's municipalities whose problems the application addresses: what they may see of it.

    Only a submitted (not withdrawn) application that addresses one of their problems; any other
    is not even confirmed to exist.
    """
    application = await load_application(application_id)
    hidden = application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
    addressed = await screening.municipality_ids_of(application_id) & user.organisations(Role.MUNICIPALITY)
    if hidden or not addressed:
        raise NotFound(N_("This application does not exist."))
    return sorted(addressed)
