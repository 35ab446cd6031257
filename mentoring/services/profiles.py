"""Mentor profiles: what a mentor offers in an edition (expertise, languages, capacity, hours)."""

from __future__ import annotations

from typing import Any

from challenge.services import expertise
from challenge.services.editions import load_edition
from challenge.tables import Application, Edition
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, ValidationFailed
from core.rules import N_
from mentoring.rules.profiles import parse_profile
from mentoring.tables import MentorProfile

PROFILE_FIELDS = (
    "bio",
    "organisation",
    "expertise",
    "sectors",
    "languages",
    "capacity",
    "timezone",
    "availability",
    "blackout_dates",
    "conflict_startups",
    "conflict_organisations",
)


def mentors_in(user: CurrentUser, edition_id: int) -> bool:
    """A mentor grant for this edition, or one without an edition (it covers every edition)."""
    return any(g.role == Role.MENTOR and g.edition_id in (None, edition_id) for g in user.grants)


async def mentor_editions(user: CurrentUser) -> list[dict[str, Any]]:
    editions = await Edition.select().order_by(Edition.year, ascending=False).output(load_json=True)
    return [e for e in editions if mentors_in(user, e["id"])]


async def load_profile(user_id: int, edition_id: int) -> dict[str, Any] | None:
    return await (
        MentorProfile.select()
        .where(MentorProfile.user == user_id, MentorProfile.edition == edition_id)
        .first()
        .output(load_json=True)
    )


async def startups_applying(edition_id: int) -> list[tuple[int, str]]:
    """Startups with an application in the edition: the ones a mentor may declare a conflict with."""
    rows = await (
        Application.select(Application.startup.as_alias("id"), Application.startup.name.as_alias("name"))
        .where(Application.edition == edition_id)
        .distinct()
    )
    return sorted(((r["id"], r["name"]) for r in rows), key=lambda pair: pair[1].lower())


async def save_profile(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> None:
    if not mentors_in(user, edition_id):
        raise NotFound(N_("This edition does not exist."))
    await load_edition(edition_id)
    known_startups = {startup_id for startup_id, _ in await startups_applying(edition_id)}
    parsed = parse_profile(
        data, known_tags=(await expertise.vocabulary(include_retired=True)).keys(), known_startups=known_startups
    )
    if parsed.errors:
        raise ValidationFailed(parsed.errors)
    values = parsed.values
    async with db.transaction():
        before = await load_profile(user.id, edition_id)
        if before is None:
            await MentorProfile.insert(
                MentorProfile(user=user.id, edition=edition_id, key=f"{edition_id}:{user.id}", **values)
            )
        else:
            await MentorProfile.update({**values, "updated_at": utc_now()}).where(MentorProfile.id == before["id"])
        changed = [k for k in values if before is None or before[k] != values[k]]
        await audit.record(
            actor_id=user.id,
            action="mentor_profile.saved",
            entity="mentor_profile",
            entity_id=f"{edition_id}:{user.id}",
            before={k: before[k] for k in changed} if before else None,
            after={k: values[k] for k in changed},
        )


def form_values(profile: dict[str, Any] | None) -> dict[str, Any]:
    """A stored profile as the form shows it."""
    if profile is None:
        return {"capacity": "2", "timezone": "Europe/Belgrade"}
    values: dict[str, Any] = {
        **profile,
        "capacity": str(profile["capacity"]),
        "sectors": "\n".join(profile["sectors"]),
        "blackout_dates": "\n".join(profile["blackout_dates"]),
        "conflict_organisations": "\n".join(profile["conflict_organisations"]),
        "conflict_startups": [str(s) for s in profile["conflict_startups"]],
    }
    for day, start, end in profile["availability"]:
        values[f"avail_{day}_start"] = f"{start // 60:02d}:{start % 60:02d}"
        values[f"avail_{day}_end"] = f"{end // 60:02d}:{end % 60:02d}"
    return values
