"""HTML form strings -> the typed commands the pilots' services take; each part in its own section.

Only the shape changes here; every check of the values is the services' (and their rules'), the
same for the pages and the JSON API.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from challenge.rules.sdgs import SDGS
from core.errors import ValidationFailed
from core.forms import field
from core.i18n import gettext as _
from core.i18n import label
from core.rules import N_
from pilots.enums import Direction, Frequency, Review, Side, SignOffDecision
from pilots.rules.kpis import NOT_A_NUMBER, parse_number
from pilots.schemas import FeedbackCommand, KpiIn, MeasurementIn, MilestoneCommand, ReviewIn

# --- Residents' feedback ---


def feedback_command(data: dict[str, Any]) -> FeedbackCommand:
    raw = field(data, "rating").strip()
    return FeedbackCommand(
        rating=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else None,
        comment=field(data, "comment"),
        local=field(data, "local") == "yes",
    )


# --- Milestones and sign-offs ---


def _listed(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def milestone_command(data: dict[str, Any]) -> MilestoneCommand:
    sides = frozenset(Side(value) for value in _listed(data, "sign_off_by") if value in {s.value for s in Side})
    return MilestoneCommand(
        title=field(data, "title"),
        deliverable=field(data, "deliverable"),
        due_on=_day(field(data, "due_on")),
        sign_off_by=sides,
        public=field(data, "public") == "on",
    )


def milestone_form_values(
    title: str, deliverable: str, due_on: date, sign_off_by: list[Side], public: bool
) -> dict[str, Any]:
    return {
        "title": title,
        "deliverable": deliverable,
        "due_on": due_on.isoformat(),
        "sign_off_by": [side.value for side in sign_off_by],
        "public": "on" if public else "",
    }


def decision(data: dict[str, Any]) -> SignOffDecision | None:
    value = field(data, "decision")
    return SignOffDecision(value) if value in {d.value for d in SignOffDecision} else None


def side(data: dict[str, Any]) -> Side | None:
    value = field(data, "side")
    return Side(value) if value in {s.value for s in Side} else None


# --- KPIs and measurements ---

E = TypeVar("E", bound=StrEnum)

NOT_A_DATE = N_("Enter a date, such as 2026-10-31.")
CHOOSE = N_("Choose one of the options.")


def kpi_choices(problem_sdgs: list[int]) -> dict[str, Any]:
    """The KPI form's options in the reader's language; the goals are the problem's own."""
    return {
        "direction_options": [(d.value, label(d, "Direction")) for d in Direction],
        "frequency_options": [(f.value, label(f, "Frequency")) for f in Frequency],
        "reporter_options": [(s.value, label(s, "Side")) for s in Side],
        "sdg_options": [(str(goal), f"{goal}. {_(SDGS[goal])}") for goal in problem_sdgs if goal in SDGS],
    }


def _number(data: dict[str, Any], name: str, errors: dict[str, str]) -> float:
    value = parse_number(field(data, name))
    if value is None:
        errors[name] = NOT_A_NUMBER
        return 0.0
    return value


def _date(data: dict[str, Any], name: str, errors: dict[str, str]) -> date:
    try:
        return date.fromisoformat(field(data, name).strip())
    except ValueError:
        errors[name] = NOT_A_DATE
        return date.min


def _choice(data: dict[str, Any], name: str, kind: type[E], errors: dict[str, str]) -> E:
    try:
        return kind(field(data, name))
    except ValueError:
        errors[name] = CHOOSE
        return next(iter(kind))  # a placeholder: the command is refused


def kpi_command(data: dict[str, Any]) -> KpiIn:
    """The KPI form as the API's command; every unreadable field is reported at once."""
    errors: dict[str, str] = {}
    raw_sdg = field(data, "sdg").strip()
    command = KpiIn(
        name=field(data, "name"),
        unit=field(data, "unit"),
        direction=_choice(data, "direction", Direction, errors),
        baseline_value=_number(data, "baseline_value", errors),
        baseline_on=_date(data, "baseline_on", errors),
        target_value=_number(data, "target_value", errors),
        method=field(data, "method"),
        frequency=_choice(data, "frequency", Frequency, errors),
        reporter=_choice(data, "reporter", Side, errors),
        sdg=int(raw_sdg) if raw_sdg.isdigit() and len(raw_sdg) < 4 else None,
        sdg_target=field(data, "sdg_target"),
    )
    if raw_sdg and command.sdg is None:
        errors["sdg"] = CHOOSE
    if errors:
        raise ValidationFailed(errors)
    return command


def kpi_form_values(kpi: Any) -> dict[str, str]:
    """A KPI's fields as its edit form shows them."""
    return {
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction.value,
        "baseline_value": f"{kpi.baseline_value:g}",
        "baseline_on": kpi.baseline_on.isoformat(),
        "target_value": f"{kpi.target_value:g}",
        "method": kpi.method,
        "frequency": kpi.frequency.value,
        "reporter": kpi.reporter.value,
        "sdg": str(kpi.sdg) if kpi.sdg is not None else "",
        "sdg_target": kpi.sdg_target,
    }


def measurement_command(data: dict[str, Any]) -> tuple[MeasurementIn, dict[str, str]]:
    """The report form as the API's command, and what in it could not be read (the caller
    discards the evidence that came with an unreadable form)."""
    errors: dict[str, str] = {}
    command = MeasurementIn(
        measured_on=_date(data, "measured_on", errors),
        value=_number(data, "value", errors),
        note=field(data, "note"),
    )
    return command, errors


def review_command(data: dict[str, Any]) -> ReviewIn:
    errors: dict[str, str] = {}
    review = _choice(data, "review", Review, errors)
    raw_side = field(data, "side")
    side = _choice(data, "side", Side, errors) if raw_side else None
    if errors:
        raise ValidationFailed(errors)
    return ReviewIn(review=review, reason=field(data, "reason"), side=side)
