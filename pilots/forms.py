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
from pilots.enums import Direction, Frequency, PilotAction, PilotProcurement, Review, Side, SignOffDecision
from pilots.rules.agreement import Terms, check_terms, parse_locations
from pilots.rules.kpis import NOT_A_NUMBER, parse_number
from pilots.rules.lifecycle import PERSON_ACTIONS
from pilots.schemas import FeedbackCommand, KpiIn, MeasurementIn, MilestoneCommand, OpenPilotIn, ReviewIn, TermsIn

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
        sdg=int(raw_sdg) if raw_sdg.isascii() and raw_sdg.isdecimal() and len(raw_sdg) < 4 else None,
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


# --- Agreement: opening and amending ------------------------------------------------------------

NOT_A_DATE = N_("Give a date (day, month and year).")
NOT_EUROS = N_("Give the budget in whole euros, or leave it empty.")
CHOOSE_TARGET = N_("Choose an application and one of its problems.")
# A budget beyond this is a typing mistake (and would not fit the column).
MAX_BUDGET = 2_000_000_000


def _term_date(data: dict[str, Any], name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(field(data, name).strip())
    except ValueError:
        errors[name] = NOT_A_DATE
        return None


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _id(text: str) -> int | None:
    """A chosen row's id; one no column can hold is no row (0), and refused as such."""
    number = _whole(text)
    return number if number is None or 0 <= number < 2**31 else 0


def _terms_fields(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    starts_on, ends_on = _term_date(data, "starts_on", errors), _term_date(data, "ends_on", errors)
    # "12 000" is how people write twelve thousand; a decimal point or comma is refused, not guessed.
    budget_text = field(data, "budget_eur").replace(" ", "").replace("\u00a0", "")
    budget = _whole(budget_text) if budget_text else None
    if budget_text and (budget is None or not 0 <= budget <= MAX_BUDGET):
        errors["budget_eur"] = NOT_EUROS
    procurement = field(data, "procurement")
    if procurement not in set(PilotProcurement):
        errors["procurement"] = N_("Choose a procurement path.")
        procurement = PilotProcurement.OTHER
    mentor_text = field(data, "mentor_id").strip()
    mentor = _id(mentor_text) if mentor_text else None
    if mentor_text and mentor is None:
        errors["mentor_id"] = N_("Choose one of the mentors, or nobody.")
    return {
        "scope": field(data, "scope"),
        "locations": field(data, "locations").splitlines(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "budget_eur": budget,
        "funded_by": field(data, "funded_by"),
        "procurement": PilotProcurement(procurement),
        "data_terms": field(data, "data_terms"),
        "mentor_id": mentor,
    }


def _refuse(fields: dict[str, Any], errors: dict[str, str]) -> None:
    """Raise the form's errors together with what the terms' own check says of the fields that
    could be read, so a person sees every message at once rather than one round at a time."""
    if not errors:
        return
    placeholder = date(2000, 1, 1)
    terms = Terms(
        scope=fields["scope"].strip(),
        locations=parse_locations("\n".join(fields["locations"])),
        starts_on=fields["starts_on"] or placeholder,
        ends_on=fields["ends_on"] or date(2000, 1, 2),
        budget_eur=fields["budget_eur"] if "budget_eur" not in errors else None,
        funded_by=fields["funded_by"].strip(),
        procurement=fields["procurement"],
        data_terms=fields["data_terms"].strip(),
    )
    dates_read = fields["starts_on"] is not None and fields["ends_on"] is not None
    for name, message in check_terms(terms).items():
        if name not in errors and (dates_read or name != "ends_on"):
            errors[name] = message
    raise ValidationFailed(errors)


def open_command(data: dict[str, Any]) -> OpenPilotIn:
    """The "open a pilot" form: `target` is "<application id>:<problem id>"."""
    errors: dict[str, str] = {}
    application, _, problem = field(data, "target").partition(":")
    application_id, problem_id = _id(application), _id(problem)
    if application_id is None or problem_id is None:
        errors["target"] = CHOOSE_TARGET
    fields = _terms_fields(data, errors)
    _refuse(fields, errors)
    return OpenPilotIn(
        application_id=application_id or 0, problem_id=problem_id or 0, title=field(data, "title"), **fields
    )


def amend_command(data: dict[str, Any]) -> tuple[TermsIn, str]:
    """The amend form: the whole terms as they should read, and what the amendment is for."""
    errors: dict[str, str] = {}
    fields = _terms_fields(data, errors)
    _refuse(fields, errors)
    return TermsIn(**fields), field(data, "note")


def terms_values(terms: Terms) -> dict[str, str]:
    """The terms as the amend form shows them to start from."""
    return {
        "scope": terms.scope,
        "locations": "\n".join(terms.locations),
        "starts_on": terms.starts_on.isoformat(),
        "ends_on": terms.ends_on.isoformat(),
        "budget_eur": "" if terms.budget_eur is None else str(terms.budget_eur),
        "funded_by": terms.funded_by,
        "procurement": terms.procurement.value,
        "data_terms": terms.data_terms,
        "mentor_id": "" if terms.mentor_id is None else str(terms.mentor_id),
    }


def side_field(data: dict[str, Any]) -> Side:
    """The side a Sign button signs for."""
    value = field(data, "side")
    if value not in set(Side):
        raise ValidationFailed({"side": N_("Choose the side you sign for.")})
    return Side(value)


def action_field(data: dict[str, Any]) -> PilotAction:
    """Start, complete or stop (the signatures take the pilot to agreed, never a button)."""
    value = field(data, "action")
    if value not in {action.value for action in PERSON_ACTIONS}:
        raise ValidationFailed({"action": N_("Choose to start, complete or stop the pilot.")})
    return PilotAction(value)
