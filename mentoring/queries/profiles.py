"""The mentor's home: the editions they mentor in, each with their profile there, if any."""

from __future__ import annotations

import msgspec

from challenge.tables import Edition
from core.auth import CurrentUser
from mentoring.records import ProfileRow
from mentoring.services import profiles


class MentorEdition(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    year: int
    profile: ProfileRow | None


async def mentor_editions(user: CurrentUser) -> list[MentorEdition]:
    """The editions the person mentors in, newest first, each with their profile there."""
    editions = await Edition.select(Edition.id, Edition.name, Edition.year).order_by(Edition.year, ascending=False)
    return [
        MentorEdition(id=e["id"], name=e["name"], year=e["year"], profile=await profiles.load_profile(user.id, e["id"]))
        for e in editions
        if profiles.mentors_in(user, e["id"])
    ]
