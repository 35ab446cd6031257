"""An accepted application and its published mentor match, laid down directly: what a mentoring
session in the cross-domain tests hangs on."""

from __future__ import annotations

from typing import Any

from challenge.tables import Application
from mentoring.tables import Match


async def make_accepted_application(edition_id: int, startup_id: int) -> int:
    return (
        await Application.insert(
            Application(
                edition=edition_id,
                startup=startup_id,
                track="smart_rural",
                status="accepted",
                active_key=f"{edition_id}:{startup_id}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]


async def make_published_match(
    *, edition_id: int, mentor_id: int, application_id: int, startup_id: int, **fields: Any
) -> int:
    return (
        await Match.insert(
            Match(
                edition=edition_id,
                mentor=mentor_id,
                application=application_id,
                startup=startup_id,
                status="published",
                key=f"{mentor_id}:{application_id}",
                **fields,
            )
        ).returning(Match.id)
    )[0]["id"]
