"""Mentor profiles: what a mentor offers in an edition (expertise, languages, capacity, hours)."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column

from challenge.services import expertise
from challenge.services.editions import load_edition
from challenge.tables import Application
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, ValidationFailed
from core.rules import N_
from mentoring.records import ProfileRow, convert_row
from mentoring.rules.profiles import parse_profile
from mentoring.schemas import ProfileCommand
from mentoring.tables import MentorProfile


def mentors_in(user: CurrentUser, edition_id: int) -> bool:
    """A mentor grant for this edition, or one without an edition (it covers every edition)."""
    return any(g.role == Role.MENTOR and g.edition_id in (None, edition_id) for g in user.grants)


async def load_profile(user_id: int, edition_id: int) -> ProfileRow | None:
    row = await (
        MentorProfile.select()
        .where(MentorProfile.user == user_id, MentorProfile.edition == edition_id)
        .first()
        .output(load_json=True)
    )
    return None if row is None else convert_row(row, ProfileRow)


async def startups_applying(edition_id: int) -> list[tuple[int, str]]:
    """Startups with an application in the edition: the ones a mentor may declare a conflict with."""
    rows = await (
        Application.select(Application.startup.as_alias("id"), Application.startup.name.as_alias("name"))
        .where(Application.edition == edition_id)
        .distinct()
    )
    return sorted(((r["id"], r["name"]) for r in rows), key=lambda pair: pair[1].lower())


async def save_profile(*, user: CurrentUser, edition_id: int, profile: ProfileCommand) -> None:
    if not mentors_in(user, edition_id):
        raise NotFound(N_("This edition does not exist."))
    await load_edition(edition_id)
    known_startups = {startup_id for startup_id, _ in await startups_applying(edition_id)}
    parsed = parse_profile(
        profile,
        known_tags=(await expertise.vocabulary(include_retired=True)).keys(),
        known_startups=known_startups,
    )
    if parsed.errors:
        raise ValidationFailed(parsed.errors)
    values = parsed.values
    async with db.transaction():
        row = await (
            MentorProfile.select()
            .where(MentorProfile.user == user.id, MentorProfile.edition == edition_id)
            .first()
            .output(load_json=True)
        )
        if row is None:
            await MentorProfile.insert(
                MentorProfile.from_dict(
                    {"user": user.id, "edition": edition_id, "key": f"{edition_id}:{user.id}", **values}
                )
            )
        else:
            changes: dict[Column | str, Any] = {"updated_at": utc_now()}
            changes.update(values)
            await MentorProfile.update(changes).where(MentorProfile.id == row["id"])
        changed = [k for k in values if row is None or row[k] != values[k]]
        await audit.record(
            actor_id=user.id,
            action="mentor_profile.saved",
            entity="mentor_profile",
            entity_id=f"{edition_id}:{user.id}",
            before={k: row[k] for k in changed} if row else None,
            after={k: values[k] for k in changed},
        )


def form_values(profile: ProfileRow | None) -> dict[str, Any]:
    """A stored profile as the form shows it."""
    if profile is None:
        return {"capacity": "2", "timezone": "Europe/Belgrade"}
    values: dict[str, Any] = {
        "bio": profile.bio,
        "organisation": profile.organisation,
        "expertise": profile.expertise,
        "languages": profile.languages,
        "timezone": profile.timezone,
        "capacity": str(profile.capacity),
        "sectors": "\n".join(profile.sectors),
        "blackout_dates": "\n".join(profile.blackout_dates),
        "conflict_organisations": "\n".join(profile.conflict_organisations),
        "conflict_startups": [str(s) for s in profile.conflict_startups],
    }
    for day, start, end in profile.availability:
        values[f"avail_{day}_start"] = f"{start // 60:02d}:{start % 60:02d}"
        values[f"avail_{day}_end"] = f"{end // 60:02d}:{end % 60:02d}"
    return values
