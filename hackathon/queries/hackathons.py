"""Hackathons: one loaded by id (the scope of the organiser's pages), an edition's, and the visible one."""

from __future__ import annotations

from core.auth import CurrentUser
from core.errors import NotFound
from core.rules import N_
from core.scopes import Scope
from hackathon.records import HackathonRow, to, to_all
from hackathon.tables import Hackathon, HackathonStatus


async def load_hackathon(hackathon_id: int, edition_id: int | None = None) -> HackathonRow:
    """The hackathon; with `edition_id`, only if it belongs to that edition (else 404)."""
    query = Hackathon.select().where(Hackathon.id == hackathon_id)
    if edition_id is not None:
        query = query.where(Hackathon.edition == edition_id)
    row = await query.first()
    if row is None:
        raise NotFound(N_("This hackathon does not exist."))
    return to(row, HackathonRow)


# The organiser's pages of one hackathon of one edition (/organiser/editions/{e}/hackathons/{h}).
hackathon_scope = Scope("hackathon", load=lambda p: load_hackathon(int(p["hackathon_id"]), int(p["edition_id"])))


async def hackathons_of(edition_id: int) -> list[HackathonRow]:
    return to_all(
        await Hackathon.select().where(Hackathon.edition == edition_id).order_by(Hackathon.starts_at), HackathonRow
    )


async def published_hackathons() -> list[HackathonRow]:
    return to_all(await Hackathon.select().where(Hackathon.status == HackathonStatus.PUBLISHED), HackathonRow)


def is_published(hackathon: HackathonRow) -> bool:
    return hackathon.is_published


async def visible_hackathon(hackathon_id: int, viewer: CurrentUser | None) -> HackathonRow:
    """A published hackathon, or a draft for organisers (a preview); others get 404."""
    hackathon = await load_hackathon(hackathon_id)
    if not hackathon.is_published and not (viewer and viewer.is_organiser):
        raise NotFound(N_("This hackathon's schedule is not published yet."))
    return hackathon
