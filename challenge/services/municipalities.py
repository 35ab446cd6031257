"""Municipality profiles."""

from __future__ import annotations

from typing import Any

from challenge.enums import SettlementKind
from challenge.forms import problem_form_choices
from challenge.records import MunicipalityRow, as_changes, convert_row
from challenge.tables import Municipality
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.rules import N_, TOO_LONG
from core.rules.emails import email_problem, normalise_email

PROFILE_FIELDS = ("name", "region", "population", "kind", "contact_name", "contact_email", "description")


async def load_municipality(municipality_id: int) -> MunicipalityRow:
    row = await Municipality.select().where(Municipality.id == municipality_id).first()
    if row is None:
        raise NotFound(N_("This municipality does not exist."))
    return convert_row(row, MunicipalityRow)


async def profile_form_context(request: Any) -> dict[str, Any]:
    municipality = await load_municipality(int(request.path_params["municipality_id"]))
    return {"municipality": municipality, **problem_form_choices()}


def _read_profile(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {name: str(data.get(name, "") or "").strip() for name in PROFILE_FIELDS}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = N_("Give the municipality's name.")
    if not values["region"]:
        errors["region"] = N_("Give the region.")
    population = values["population"].replace(" ", "").replace(",", "").replace(".", "")
    if not population.isdigit() or not 0 < int(population) <= 50_000_000:
        errors["population"] = N_("Give the population as a whole number.")
    if values["kind"] not in {k.value for k in SettlementKind}:
        errors["kind"] = N_("Choose one of the options.")
    if values["contact_email"]:
        values["contact_email"] = normalise_email(values["contact_email"])
        if problem := email_problem(values["contact_email"]):
            errors["contact_email"] = problem
    for name, limit in (("name", 200), ("region", 120), ("contact_name", 120), ("description", 4000)):
        if len(values[name]) > limit:
            errors[name] = TOO_LONG
    values["population"] = int(population) if population.isdigit() else None
    return values, errors


async def update_profile(*, user: CurrentUser, municipality_id: int, data: dict[str, Any]) -> None:
    if not user.is_organiser and municipality_id not in user.organisations(Role.MUNICIPALITY):
        raise PermissionDenied(N_("You do not act for this organisation."))
    values, errors = _read_profile(data)
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        before = await load_municipality(municipality_id)
        if await Municipality.exists().where(Municipality.name == values["name"], Municipality.id != municipality_id):
            raise ValidationFailed({"name": N_("Another municipality has this name.")})
        await Municipality.update(as_changes(values)).where(Municipality.id == municipality_id)
        await audit.record(
            actor_id=user.id,
            action="municipality.updated",
            entity="municipality",
            entity_id=municipality_id,
            before={k: getattr(before, k) for k in values if getattr(before, k) != values[k]},
            after={k: values[k] for k in values if getattr(before, k) != values[k]},
        )


async def create_municipality(*, user: CurrentUser, data: dict[str, Any]) -> int:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers add municipalities."))
    values, errors = _read_profile(data)
    if errors:
        raise ValidationFailed(errors)
    try:
        async with db.transaction():
            if await Municipality.exists().where(Municipality.name == values["name"]):
                raise ValidationFailed({"name": N_("Another municipality has this name.")})
            municipality_id: int = (await Municipality.insert(Municipality(**values)).returning(Municipality.id))[0][
                "id"
            ]
            await audit.record(
                actor_id=user.id,
                action="municipality.created",
                entity="municipality",
                entity_id=municipality_id,
                after=values,
            )
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise ValidationFailed({"name": N_("Another municipality has this name.")}) from exc
        raise
    return municipality_id


async def list_form_context(request: Any) -> dict[str, Any]:
    return {"municipalities": await Municipality.select().order_by(Municipality.name), **problem_form_choices()}
