"""Organisers set up a hackathon: its times and durations, its rooms, its talks and breaks, its judging panels.

Each use-case takes the typed command `hackathon.forms` reads from the page (or a caller builds
itself), checks what only the database knows (the rooms and judges it names), and writes the
change and its audit record in one transaction.
"""

from __future__ import annotations

from typing import Any

import msgspec
from piccolo.columns import Column

from challenge.services.editions import load_edition
from core import audit, db
from core.auth import CurrentUser
from core.errors import NotFound, StateConflict, ValidationFailed
from core.rules import N_
from core.scopes import require_organiser
from hackathon.queries.hackathons import load_hackathon
from hackathon.queries.setup import judges_of, room_ids
from hackathon.schemas import FixedSessionIn, HackathonIn, PanelIn, RoomIn
from hackathon.tables import FixedSession, Hackathon, Panel, Room, ScheduleItem

# What a person who is not an organiser is told by every hackathon use-case.
ORGANISERS_ONLY = N_("Only organisers set up hackathons.")


def _new_id(inserted: list[dict[str, Any]]) -> int:
    return int(inserted[0]["id"])


async def create_hackathon(*, user: CurrentUser, edition_id: int, command: HackathonIn) -> int:
    require_organiser(user, ORGANISERS_ONLY)
    await load_edition(edition_id)
    values = msgspec.structs.asdict(command)
    async with db.transaction():
        hackathon_id = _new_id(await Hackathon.insert(Hackathon(edition=edition_id, **values)).returning(Hackathon.id))
        await audit.record(
            actor_id=user.id, action="hackathon.created", entity="hackathon", entity_id=hackathon_id, after=values
        )
    return hackathon_id


async def update_hackathon(*, user: CurrentUser, hackathon_id: int, command: HackathonIn) -> None:
    """Change the settings. Once published, the times of the items are kept: move them by hand."""
    require_organiser(user, ORGANISERS_ONLY)
    values = msgspec.structs.asdict(command)
    async with db.transaction():
        before = await load_hackathon(hackathon_id)
        changes: dict[Column | str, Any] = {name: value for name, value in values.items()}
        await Hackathon.update(changes).where(Hackathon.id == hackathon_id)
        await audit.record(
            actor_id=user.id,
            action="hackathon.updated",
            entity="hackathon",
            entity_id=hackathon_id,
            before={k: getattr(before, k) for k in values},
            after=values,
        )


# --- Rooms. ---------------------------------------------------------------------------------


async def add_room(*, user: CurrentUser, hackathon_id: int, command: RoomIn) -> int:
    require_organiser(user, ORGANISERS_ONLY)
    await load_hackathon(hackathon_id)
    async with db.transaction():
        room_id = _new_id(
            await Room.insert(
                Room(
                    hackathon=hackathon_id,
                    name=command.name,
                    capacity=command.capacity,
                    availability=command.availability,
                )
            ).returning(Room.id)
        )
        await audit.record(
            actor_id=user.id,
            action="hackathon.room_added",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"room": room_id, **msgspec.structs.asdict(command)},
        )
    return room_id


async def remove_room(*, user: CurrentUser, hackathon_id: int, room_id: int) -> None:
    require_organiser(user, ORGANISERS_ONLY)
    async with db.transaction():
        room = await Room.select().where(Room.id == room_id, Room.hackathon == hackathon_id).first()
        if room is None:
            raise NotFound(N_("This room does not exist."))
        if await ScheduleItem.exists().where(ScheduleItem.room == room_id):
            raise StateConflict(N_("The schedule uses this room; move its items or build the schedule again first."))
        if await FixedSession.exists().where(FixedSession.room == room_id):
            raise StateConflict(N_("A talk, workshop or break is held in this room; remove it first."))
        await Room.delete().where(Room.id == room_id)
        await audit.record(
            actor_id=user.id, action="hackathon.room_removed", entity="hackathon", entity_id=hackathon_id, before=room
        )


# --- Talks, workshops and breaks. ----------------------------------------------------------


async def add_session(*, user: CurrentUser, hackathon_id: int, command: FixedSessionIn) -> int:
    require_organiser(user, ORGANISERS_ONLY)
    await load_hackathon(hackathon_id)
    if command.room is not None and command.room not in await room_ids(hackathon_id):
        raise ValidationFailed({"session_room": N_("Choose one of the hackathon's rooms.")})
    values = msgspec.structs.asdict(command)
    async with db.transaction():
        session_id = _new_id(
            await FixedSession.insert(FixedSession(hackathon=hackathon_id, **values)).returning(FixedSession.id)
        )
        await audit.record(
            actor_id=user.id,
            action="hackathon.session_added",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"session": session_id, **values},
        )
    return session_id


async def remove_session(*, user: CurrentUser, hackathon_id: int, session_id: int) -> None:
    """Removed from the setup; the built schedule keeps its item until the next build."""
    require_organiser(user, ORGANISERS_ONLY)
    async with db.transaction():
        session = (
            await FixedSession.select()
            .where(FixedSession.id == session_id, FixedSession.hackathon == hackathon_id)
            .first()
        )
        if session is None:
            raise NotFound(N_("This session does not exist."))
        await FixedSession.delete().where(FixedSession.id == session_id)
        await audit.record(
            actor_id=user.id,
            action="hackathon.session_removed",
            entity="hackathon",
            entity_id=hackathon_id,
            before=session,
        )


# --- Panels. --------------------------------------------------------------------------------


async def add_panel(*, user: CurrentUser, hackathon_id: int, command: PanelIn) -> int:
    require_organiser(user, ORGANISERS_ONLY)
    hackathon = await load_hackathon(hackathon_id)
    known = {j.id for j in await judges_of(hackathon.edition)}
    if not command.judge_ids or not set(command.judge_ids) <= known:
        raise ValidationFailed({"judge_ids": N_("Choose at least one of the edition's judges.")})
    async with db.transaction():
        panel_id = _new_id(
            await Panel.insert(Panel(hackathon=hackathon_id, name=command.name, judge_ids=command.judge_ids)).returning(
                Panel.id
            )
        )
        await audit.record(
            actor_id=user.id,
            action="hackathon.panel_added",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"panel": panel_id, "name": command.name, "judges": command.judge_ids},
        )
    return panel_id


async def remove_panel(*, user: CurrentUser, hackathon_id: int, panel_id: int) -> None:
    require_organiser(user, ORGANISERS_ONLY)
    async with db.transaction():
        panel = await Panel.select().where(Panel.id == panel_id, Panel.hackathon == hackathon_id).first()
        if panel is None:
            raise NotFound(N_("This panel does not exist."))
        if await ScheduleItem.exists().where(ScheduleItem.panel == panel_id):
            raise StateConflict(N_("The schedule uses this panel; build the schedule again without it first."))
        await Panel.delete().where(Panel.id == panel_id)
        await audit.record(
            actor_id=user.id, action="hackathon.panel_removed", entity="hackathon", entity_id=hackathon_id, before=panel
        )
