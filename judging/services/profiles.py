"""A judge's organisation and expertise in an edition: used for conflicts and for assignment."""

from __future__ import annotations

from challenge.services import expertise
from core import audit, db
from core.auth import CurrentUser
from core.errors import PermissionDenied, ValidationFailed
from core.rules import N_, TOO_LONG
from judging.schemas import JudgeProfileIn
from judging.services.visibility import judges_in
from judging.tables import JudgeProfile


async def save_profile(*, user: CurrentUser, edition_id: int, command: JudgeProfileIn) -> None:
    if not judges_in(user, edition_id):
        raise PermissionDenied(N_("You do not judge in this edition."))
    organisation = command.organisation.strip()
    tags = sorted(set(command.expertise))
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
