"""Judging rounds and their rubrics: set up, copied from last year, opened, closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from challenge.rules.phases import local_to_utc
from challenge.services.editions import load_edition
from challenge.tables import Edition
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from judging.enums import Normalisation, RoundEntry, RoundMethod, RoundStatus
from judging.rules import rounds as rules
from judging.rules import rubrics
from judging.tables import Criterion, Round

ROUND_FIELDS = ("name", "method", "entry", "judges_per_application", "max_per_judge", "advance_count", "normalisation")
# Empty rows offered below a rubric's criteria for adding new ones.
BLANK_ROWS = 3


def _require_organiser(user: CurrentUser) -> None:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers set up judging."))


async def load_round(round_id: int) -> dict[str, Any]:
    row = await Round.select().where(Round.id == round_id).first()
    if row is None:
        raise NotFound(N_("This round does not exist."))
    return row


async def rounds_of(edition_id: int) -> list[dict[str, Any]]:
    return await Round.select().where(Round.edition == edition_id).order_by(Round.position)


async def criteria_of(round_id: int) -> list[dict[str, Any]]:
    return await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position)


def rubric(rows: list[dict[str, Any]]) -> list[rubrics.Criterion]:
    return [
        rubrics.Criterion(
            id=r["id"],
            name=r["name"],
            weight=r["weight"],
            scale_min=r["scale_min"],
            scale_max=r["scale_max"],
            guidance=r["guidance"],
            independent=r["independent"],
        )
        for r in rows
    ]


def _number(raw: object, name: str, errors: dict[str, str], *, low: int, high: int) -> int:
    text = str(raw or "").strip()
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        errors[name] = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        return low
    return int(text)


def _moment(raw: object, name: str, timezone: str, errors: dict[str, str]) -> datetime | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return local_to_utc(datetime.fromisoformat(text), timezone)
    except ValueError:
        errors[name] = N_("Give a date and time, e.g. 2027-05-10 09:00.")
        return None


def _read_round(data: dict[str, Any], timezone: str) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": str(data.get("name", "") or "").strip()}
    if not values["name"]:
        errors["name"] = N_("Required.")
    elif len(values["name"]) > 120:
        errors["name"] = TOO_LONG
    for name, enum in (("method", RoundMethod), ("entry", RoundEntry), ("normalisation", Normalisation)):
        value = str(data.get(name, "") or "")
        if value not in {m.value for m in enum}:
            errors[name] = N_("Choose one of the options.")
        values[name] = value
    values["judges_per_application"] = _number(
        data.get("judges_per_application"), "judges_per_application", errors, low=1, high=20
    )
    values["max_per_judge"] = _number(data.get("max_per_judge"), "max_per_judge", errors, low=1, high=500)
    values["advance_count"] = _number(data.get("advance_count"), "advance_count", errors, low=0, high=10_000)
    values["opens_at"] = _moment(data.get("opens_at"), "opens_at", timezone, errors)
    values["closes_at"] = _moment(data.get("closes_at"), "closes_at", timezone, errors)
    return values, errors


def _settle_window(
    status: RoundStatus, current: dict[str, Any] | None, values: dict[str, Any], errors: dict[str, str]
) -> None:
    """The window the round keeps (see judging.rules.rounds.settle_window), with its errors added."""
    if "opens_at" in errors or "closes_at" in errors:
        return
    stored = rules.Window(current["opens_at"], current["closes_at"]) if current else rules.Window(None, None)
    window, window_errors = rules.settle_window(
        status, stored=stored, asked=rules.Window(values["opens_at"], values["closes_at"]), now=utc_now()
    )
    values["opens_at"], values["closes_at"] = window.opens_at, window.closes_at
    errors.update(window_errors)


async def create_round(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> int:
    _require_organiser(user)
    edition = await load_edition(edition_id)
    values, errors = _read_round(data, edition["timezone"])
    _settle_window(RoundStatus.DRAFT, None, values, errors)
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        existing = await rounds_of(edition_id)
        round_id = (
            await Round.insert(Round(edition=edition_id, position=len(existing) + 1, **values)).returning(Round.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="round.created",
            entity="round",
            entity_id=round_id,
            after={k: str(v) for k, v in values.items()},
        )
    return round_id


async def update_round(*, user: CurrentUser, round_id: int, data: dict[str, Any]) -> None:
    _require_organiser(user)
    current = await load_round(round_id)
    edition = await load_edition(current["edition"])
    values, errors = _read_round(data, edition["timezone"])
    status = RoundStatus(current["status"])
    _settle_window(status, current, values, errors)
    if status != RoundStatus.DRAFT and values["method"] != current["method"]:
        errors["method"] = N_("The method is fixed once the round is open: judges already work by it.")
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        await Round.update(values).where(Round.id == round_id)
        changed = [k for k in values if current[k] != values[k]]
        await audit.record(
            actor_id=user.id,
            action="round.updated",
            entity="round",
            entity_id=round_id,
            before={k: str(current[k]) for k in changed},
            after={k: str(values[k]) for k in changed},
        )


def _read_criteria(data: dict[str, Any]) -> tuple[list[rubrics.Criterion], dict[str, str]]:
    """Rows `criteria-<i>-<field>`; a row with no name and no weight is an unused blank row."""
    rows: list[rubrics.Criterion] = []
    errors: dict[str, str] = {}
    form_rows: list[int] = []
    index = 0
    while f"criteria-{index}-name" in data:
        prefix = f"criteria-{index}"
        name = str(data.get(f"{prefix}-name", "") or "").strip()
        weight_text = str(data.get(f"{prefix}-weight", "") or "").strip().replace(",", ".")
        if not weight_text and name and str(data.get(f"{prefix}-independent", "")) == "on":
            weight_text = "0"  # a shown-only criterion needs no weight
        index += 1
        if not name and not weight_text:
            continue
        position = len(rows)
        try:
            weight = float(weight_text)
        except ValueError:
            weight = float("nan")
        scale: list[int | float] = []
        for part in ("scale_min", "scale_max"):
            text = str(data.get(f"{prefix}-{part}", "") or "").strip()
            scale.append(int(text) if text.lstrip("-").isdigit() else float("nan"))
        rows.append(
            rubrics.Criterion(
                id=position,
                name=name,
                weight=weight,
                scale_min=scale[0],
                scale_max=scale[1],  # type: ignore[arg-type]
                guidance=str(data.get(f"{prefix}-guidance", "") or "").strip(),
                independent=str(data.get(f"{prefix}-independent", "")) == "on",
            )
        )
        form_rows.append(index - 1)
    # check_rubric keys errors by position among the rows kept; the form shows them by its own row.
    for key, message in rubrics.check_rubric(rows).items():
        parts = key.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            key = f"criteria-{form_rows[int(parts[1])]}-{parts[2]}"
        errors[key] = message.render(_)
    return rows, errors


async def save_rubric(*, user: CurrentUser, round_id: int, data: dict[str, Any]) -> None:
    """Replace a round's criteria; refused once scoring started (scores refer to criteria)."""
    _require_organiser(user)
    current = await load_round(round_id)
    if current["status"] != RoundStatus.DRAFT:
        raise StateConflict(N_("The rubric is fixed once the round is open: judges score against it."))
    rows, errors = _read_criteria(data)
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        before = await criteria_of(round_id)
        await Criterion.delete().where(Criterion.round == round_id)
        for position, criterion in enumerate(rows, start=1):
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
        await audit.record(
            actor_id=user.id,
            action="round.rubric_saved",
            entity="round",
            entity_id=round_id,
            before={"criteria": [c["name"] for c in before]},
            after={"criteria": [c.name for c in rows]},
        )


async def copy_rubric_from_last_year(*, user: CurrentUser, round_id: int) -> tuple[int, dict[str, Any]]:
    """Copy the rubric of last year's matching round (see judging.rules.rounds.rubric_source);
    the number of criteria copied and the round they came from."""
    _require_organiser(user)
    current = await load_round(round_id)
    if current["status"] != RoundStatus.DRAFT:
        raise StateConflict(N_("The rubric is fixed once the round is open: judges score against it."))
    edition = await load_edition(current["edition"])
    earlier_editions = await Edition.select(Edition.id, Edition.year, Edition.name).where(
        Edition.year < edition["year"]
    )
    by_id = {e["id"]: e for e in earlier_editions}
    rows = await Round.select(Round.id, Round.edition, Round.name, Round.method, Round.position).where(
        Round.edition.is_in(list(by_id) or [0])
    )
    counts: dict[int, int] = {}
    for row in await Criterion.select(Criterion.round).where(Criterion.round.is_in([r["id"] for r in rows] or [0])):
        counts[row["round"]] = counts.get(row["round"], 0) + 1
    earlier = [
        rules.EarlierRound(
            id=r["id"],
            edition_id=r["edition"],
            edition_year=by_id[r["edition"]]["year"],
            name=r["name"],
            method=RoundMethod(r["method"]),
            position=r["position"],
            criteria=counts.get(r["id"], 0),
        )
        for r in rows
    ]
    try:
        source = rules.rubric_source(
            name=current["name"],
            method=RoundMethod(current["method"]),
            position=current["position"],
            earlier=earlier,
            editions=len(by_id),
        )
    except rules.NothingToCopy as refusal:
        raise StateConflict(refusal.message) from None
    copied = await criteria_of(source.id)
    async with db.transaction():
        replaced = await criteria_of(round_id)
        await Criterion.delete().where(Criterion.round == round_id)
        for row in copied:
            await Criterion.insert(
                Criterion(
                    round=round_id,
                    **{
                        k: row[k]
                        for k in ("position", "name", "guidance", "weight", "scale_min", "scale_max", "independent")
                    },
                )
            )
        await audit.record(
            actor_id=user.id,
            action="round.rubric_copied",
            entity="round",
            entity_id=round_id,
            before={"criteria": [r["name"] for r in replaced]},
            after={"from_round": source.id, "criteria": [r["name"] for r in copied]},
        )
    edition_row = by_id[source.edition_id]
    return len(copied), {"name": source.name, "edition": edition_row["name"], "year": edition_row["year"]}


def rubric_form_values(rows: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, row in enumerate(rows):
        for field in ("name", "guidance", "scale_min", "scale_max"):
            values[f"criteria-{index}-{field}"] = str(row[field])
        values[f"criteria-{index}-weight"] = f"{row['weight']:g}"
        values[f"criteria-{index}-independent"] = "on" if row["independent"] else ""
    return values
