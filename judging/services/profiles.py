"""A judge's organisation and expertise in an edition: used for conflicts and for assignment."""

from __future__ import annotations

from typing import Any

from challenge.services import expertise
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import PermissionDenied, ValidationFailed
from core.rules import N_, TOO_LONG
from judging.tables import JudgeProfile


def judges_in(user: CurrentUser, edition_id: int) -> bool:
    return any(g.role == Role.JUDGE and g.edition_id in (None, edition_id) for g in user.grants)


async def form_values(user_id: int, edition_id: int) -> dict[str, Any]:
    row = (
        await JudgeProfile.select().where(JudgeProfile.key == f"{edition_id}:{user_id}").first().output(load_json=True)
    )
    return {"organisation": row["organisation"], "expertise": row["expertise"]} if row else {}


async def save_profile(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> None:
    if not judges_in(user, edition_id):
        raise PermissionDenied(N_("You do not judge in this edition."))
    organisation = str(data.get("organisation", "") or "").strip()
    raw = data.get("expertise", [])
    tags = sorted({str(t) for t in ([raw] if isinstance(raw, str) else raw or [])})
    errors: dict[str, str] = {}
    if len(organisation) > 200:
        errors["organisation"] = TOO_LONG
    if set(tags) - set(await expertise.vocabulary(include_retired=True)):
        errors["expertise"] = N_("Unknown expertise: choose from the list.")
    if errors:
        raise ValidationFailed(errors)
    key = f"{edition_id}:{user.id}"
    async with db.transaction():
        if await JudgeProfile.exists().where(JudgeProfile.key == key):
            await JudgeProfile.update({JudgeProfile.organisation: organisation, JudgeProfile.expertise: tags}).where(
                JudgeProfile.key == key
            )
        else:
            await JudgeProfile.insert(
                JudgeProfile(user=user.id, edition=edition_id, key=key, organisation=organisation, expertise=tags)
            )
        await audit.record(
            actor_id=user.id,
            action="judge_profile.saved",
            entity="judge_profile",
            entity_id=key,
            after={"organisation": organisation, "expertise": tags},
        )
