"""Read side of the challenge domain used by pages and the composition root."""

from __future__ import annotations

from typing import Any

from challenge.tables import Edition, Municipality, Startup


async def editions() -> list[dict[str, Any]]:
    return await Edition.select().order_by(Edition.year, ascending=False).output(load_json=True)


async def edition_by_slug(slug: str) -> dict[str, Any] | None:
    return await Edition.select().where(Edition.slug == slug).first().output(load_json=True)


async def municipalities(ids: frozenset[int] | None = None) -> list[dict[str, Any]]:
    query = Municipality.select().order_by(Municipality.name)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Municipality.id.is_in(list(ids)))
    return await query


async def startups(ids: frozenset[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await Startup.select().where(Startup.id.is_in(list(ids))).order_by(Startup.name)


async def invite_options() -> dict[str, list[dict[str, Any]]]:
    """What an organiser may invite people into: editions and municipalities."""
    return {
        "editions": await Edition.select(Edition.id, Edition.name, Edition.year).order_by(
            Edition.year, ascending=False
        ),
        "municipalities": await Municipality.select(Municipality.id, Municipality.name).order_by(Municipality.name),
    }
