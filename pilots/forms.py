"""HTML forms of the pilot pages: form strings become the typed commands services take.

Each helper's part has its own heading. Readers raise `ValidationFailed` with every field's
message at once, named as the form names its fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import ValidationFailed
from core.forms import field
from core.rules import N_
from pilots.enums import PilotAction, PilotProcurement, Side
from pilots.rules.agreement import Terms, check_terms, parse_locations
from pilots.rules.lifecycle import PERSON_ACTIONS
from pilots.schemas import OpenPilotIn, TermsIn

# --- Agreement: opening and amending ------------------------------------------------------------

NOT_A_DATE = N_("Give a date (day, month and year).")
NOT_EUROS = N_("Give the budget in whole euros, or leave it empty.")
CHOOSE_TARGET = N_("Choose an application and one of its problems.")
# A budget beyond this is a typing mistake (and would not fit the column).
MAX_BUDGET = 2_000_000_000


def _date(data: dict[str, Any], name: str, errors: dict[str, str]) -> date | None:
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


def _terms_fields(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    starts_on, ends_on = _date(data, "starts_on", errors), _date(data, "ends_on", errors)
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
    mentor = _whole(mentor_text) if mentor_text else None
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
    application_id, problem_id = _whole(application), _whole(problem)
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
