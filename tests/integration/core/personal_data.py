"""A person's data as the privacy tests lay it down: their files, a published problem, a team, applications."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from challenge.tables import Application, Problem, StartupMember
from core.enums import Role
from core.storage import get_storage
from core.tables import Membership, StoredFile
from tests.factories import make_municipality


async def make_stored_file(owner_id: int, content: bytes, name: str, purpose: str = "general") -> dict[str, Any]:
    writer = get_storage().writer()
    writer.write(content)
    writer.commit()
    return (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name=name,
                content_type="application/pdf",
                size=len(content),
                sha256="0" * 64,
                owner=owner_id,
                purpose=purpose,
            )
        ).returning(*StoredFile.all_columns())
    )[0]


async def make_published_problem(edition_id: int) -> dict[str, Any]:
    municipality = await make_municipality()
    return (
        await Problem.insert(
            Problem(
                edition=edition_id,
                municipality=municipality["id"],
                status="published",
                title="Bus stops",
                endorsement_count=1,
            )
        ).returning(*Problem.all_columns())
    )[0]


async def make_team(edition_id: int, startup_id: int, *users: dict[str, Any]) -> None:
    for n, user in enumerate(users):
        await StartupMember.insert(
            StartupMember(
                startup=startup_id,
                user=user["id"],
                edition=edition_id,
                is_contact=n == 0,
                key=f"{edition_id}:{user['id']}",
                title="CEO" if n == 0 else "CTO",
            )
        )
        await Membership.insert(
            Membership(user=user["id"], role=Role.STARTUP, edition_id=edition_id, organisation_id=startup_id)
        )


async def make_application(edition_id: int, startup_id: int, status: str, deck: int | None = None) -> int:
    return (
        await Application.insert(
            Application(
                edition=edition_id,
                startup=startup_id,
                track="smart_city",
                status=status,
                solution="Sensors on every stop.",
                pitch_deck=deck,
            )
        ).returning(Application.id)
    )[0]["id"]


def open_zip(body: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body))
