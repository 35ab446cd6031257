"""Judging rounds and their rubrics: set up, copied from last year, changed while in draft."""

from __future__ import annotations

from typing import Any

from challenge.services.editions import load_edition
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_
from core.scopes import require_organiser
from judging.enums import RoundStatus
from judging.queries.ranking_cache import ranking_changed
from judging.queries.rounds import criteria_of, earlier_rounds, load_round, rounds_of
from judging.records import CopiedRubric, CriterionRow, RoundRow
from judging.rules import pairwise as pairwise_rules
from judging.rules import rounds as rules
from judging.rules import rubrics
from judging.rules.redaction import unknown_fields
from judging.schemas import RoundIn, RubricIn
from judging.tables import Criterion, Round

SET_UP_JUDGING = N_("Only organisers set up judging.")
RUBRIC_FIXED = N_("The rubric is fixed once the round is open: judges score against it.")


def _values(command: RoundIn) -> dict[str, Any]:
    return {
        "name": command.name.strip(),
        "method": command.method,
        "entry": command.entry,
        "normalisation": command.normalisation,
        "judges_per_application": command.judges_per_application,
        "max_per_judge": command.max_per_judge,
        "advance_count": command.advance_count,
        "opens_at": command.opens_at,
        "closes_at": command.closes_at,
        "feedback_scores": command.feedback_scores,
        "feedback_comments": command.feedback_comments,
        "blind": command.blind,
        "redacted_fields": sorted(set(command.redacted_fields)),
        "deck_policy": command.deck_policy,
        "min_comparisons": command.min_comparisons,
    }


def _checked(status: RoundStatus, current: RoundRow | None, command: RoundIn) -> dict[str, Any]:
    """The values the round keeps, its window settled (see judging.rules.rounds.settle_window);
    every problem at once as `ValidationFailed`."""
    values = _values(command)
    settings = rules.round_name_errors(values["name"]) | rules.round_number_errors(command.numbers())
    errors = {name: message.render(_) for name, message in settings.items()}
    errors.update(
        {name: _(message) for name, message in pairwise_rules.min_comparisons_errors(command.min_comparisons).items()}
    )
    stored = rules.Window(current.opens_at, current.closes_at) if current else rules.Window(None, None)
    window, window_errors = rules.settle_window(
        status, stored=stored, asked=rules.Window(command.opens_at, command.closes_at), now=utc_now()
    )
    values["opens_at"], values["closes_at"] = window.opens_at, window.closes_at
    errors.update(window_errors)
    if unknown_fields(command.redacted_fields):
        errors["redacted_fields"] = N_("Choose among the fields offered.")
    if current and status != RoundStatus.DRAFT and command.method != current.method:
        errors["method"] = N_("The method is fixed once the round is open: judges already work by it.")
    if errors:
        raise ValidationFailed(errors)
    return values


async def create_round(*, user: CurrentUser, edition_id: int, command: RoundIn) -> int:
    require_organiser(user, SET_UP_JUDGING)
    await load_edition(edition_id)
    values = _checked(RoundStatus.DRAFT, None, command)
    async with db.transaction():
        existing = await rounds_of(edition_id)
        inserted = await Round.insert(Round(edition=edition_id, position=len(existing) + 1, **values)).returning(
            Round.id
        )
        round_id: int = inserted[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="round.created",
            entity="round",
            entity_id=round_id,
            after={k: str(v) for k, v in values.items()},
        )
    return round_id


async def update_round(*, user: CurrentUser, round_id: int, command: RoundIn) -> None:
    require_organiser(user, SET_UP_JUDGING)
    current = await load_round(round_id)
    values = _checked(current.status, current, command)
    async with db.transaction():
        await Round.update(values).where(Round.id == round_id)  # type: ignore[arg-type]  # column names as keys
        changed = [k for k in values if getattr(current, k) != values[k]]
        # The normalisation decides the ranking; any other setting may be shown beside it.
        await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id,
            action="round.updated",
            entity="round",
            entity_id=round_id,
            before={k: str(getattr(current, k)) for k in changed},
            after={k: str(values[k]) for k in changed},
        )


def _checked_rubric(command: RubricIn) -> list[rubrics.Criterion]:
    rows = [
        rubrics.Criterion(
            id=position,
            name=c.name.strip(),
            weight=c.weight,
            # A scale that is no whole number is the rubric check's to report.
            scale_min=c.scale_min,  # type: ignore[arg-type]
            scale_max=c.scale_max,  # type: ignore[arg-type]
            guidance=c.guidance.strip(),
            independent=c.independent,
        )
        for position, c in enumerate(command.criteria)
    ]
    # check_rubric keys errors by position among the criteria; the caller knows them by its own row.
    errors: dict[str, str] = {}
    for key, message in rubrics.check_rubric(rows).items():
        parts = key.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            row = command.criteria[int(parts[1])].row
            key = f"criteria-{parts[1] if row is None else row}-{parts[2]}"
        errors[key] = message.render(_)
    if errors:
        raise ValidationFailed(errors)
    return rows


async def _replace_criteria(round_id: int, rows: list[tuple[int, CriterionRow | rubrics.Criterion]]) -> None:
    await Criterion.delete().where(Criterion.round == round_id)
    for position, criterion in rows:
        await Criterion.insert(
            Criterion(
                round=round_id,
                position=position,
                name=criterion.name,
                guidance=criterion.guidance,
                weight=criterion.weight,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                independent=criterion.independent,
            )
        )


async def save_rubric(*, user: CurrentUser, round_id: int, command: RubricIn) -> None:
    """Replace a round's criteria; refused once scoring started (scores refer to criteria)."""
    require_organiser(user, SET_UP_JUDGING)
    current = await load_round(round_id)
    if current.status != RoundStatus.DRAFT:
        raise StateConflict(RUBRIC_FIXED)
    rows = _checked_rubric(command)
    async with db.transaction():
        before = await criteria_of(round_id)
        await _replace_criteria(round_id, list(enumerate(rows, start=1)))
        await audit.record(
            actor_id=user.id,
            action="round.rubric_saved",
            entity="round",
            entity_id=round_id,
            before={"criteria": [c.name for c in before]},
            after={"criteria": [c.name for c in rows]},
        )


async def copy_rubric_from_last_year(*, user: CurrentUser, round_id: int) -> CopiedRubric:
    """Copy the rubric of last year's matching round (see judging.rules.rounds.rubric_source);
    the number of criteria copied and the round they came from."""
    require_organiser(user, SET_UP_JUDGING)
    current = await load_round(round_id)
    if current.status != RoundStatus.DRAFT:
        raise StateConflict(RUBRIC_FIXED)
    edition = await load_edition(current.edition)
    earlier, editions = await earlier_rounds(edition.year)
    try:
        source = rules.rubric_source(
            name=current.name, method=current.method, position=current.position, earlier=earlier, editions=len(editions)
        )
    except rules.NothingToCopy as refusal:
        raise StateConflict(refusal.message) from None
    copied = await criteria_of(source.id)
    async with db.transaction():
        replaced = await criteria_of(round_id)
        await _replace_criteria(round_id, [(row.position, row) for row in copied])
        await audit.record(
            actor_id=user.id,
            action="round.rubric_copied",
            entity="round",
            entity_id=round_id,
            before={"criteria": [r.name for r in replaced]},
            after={"from_round": source.id, "criteria": [r.name for r in copied]},
        )
    name, year = editions[source.edition_id]
    return CopiedRubric(count=len(copied), name=source.name, edition=name, year=year)
