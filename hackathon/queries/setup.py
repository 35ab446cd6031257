"""What organisers set up for a hackathon: rooms, talks and breaks, judging panels, the judges to choose from."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from core.enums import Role
from core.tables import Membership, User
from hackathon.queries.items import local_input
from hackathon.records import FixedSessionRow, HackathonRow, PanelRow, Person, Record, RoomRow, to_all
from hackathon.tables import FixedSession, Panel, Room


async def rooms_of(hackathon_id: int) -> list[RoomRow]:
    rows = await Room.select().where(Room.hackathon == hackathon_id).order_by(Room.name).output(load_json=True)
    return to_all(rows, RoomRow)


async def room_ids(hackathon_id: int) -> set[int]:
    return {r["id"] for r in await Room.select(Room.id).where(Room.hackathon == hackathon_id)}


async def sessions_of(hackathon_id: int) -> list[FixedSessionRow]:
    rows = await (
        FixedSession.select()
        .where(FixedSession.hackathon == hackathon_id)
        .order_by(FixedSession.starts_at)
        .order_by(FixedSession.id)
    )
    return to_all(rows, FixedSessionRow)


async def judges_of(edition_id: int) -> list[Person]:
    """The people with the judge role in the edition, by name."""
    ids = [
        m["user"]
        for m in await Membership.select(Membership.user).where(
            Membership.role == Role.JUDGE, Membership.edition_id == edition_id
        )
    ]
    if not ids:
        return []
    return to_all(
        await User.select(User.id, User.name, User.email).where(User.id.is_in(ids)).order_by(User.name), Person
    )


async def panels_of(hackathon_id: int) -> list[PanelRow]:
    rows = await Panel.select().where(Panel.hackathon == hackathon_id).order_by(Panel.name).output(load_json=True)
    return to_all(rows, PanelRow)


def windows_text(windows: list[list[str]] | None, timezone: str) -> str:
    """Stored availability as the form takes it: one "start .. end" line a span, wall-clock in the zone."""
    if not windows:
        return ""
    zone = ZoneInfo(timezone)
    return "\n".join(
        f"{datetime.fromisoformat(a).astimezone(zone):%Y-%m-%d %H:%M} .. "
        f"{datetime.fromisoformat(b).astimezone(zone):%Y-%m-%d %H:%M}"
        for a, b in windows
    )


class RoomView(RoomRow, frozen=True, kw_only=True):
    availability_text: str


class SessionView(FixedSessionRow, frozen=True, kw_only=True):
    when: str
    room_name: str


class PanelView(PanelRow, frozen=True, kw_only=True):
    judge_names: list[str]


class SetupView(Record, frozen=True, kw_only=True):
    """The settings page's lists: rooms, sessions and panels as shown, and the choices of its forms."""

    rooms: list[RoomView]
    sessions: list[SessionView]
    panels: list[PanelView]
    room_choices: list[tuple[int, str]]
    judge_options: list[tuple[int, str]]


def _when(session: FixedSessionRow, timezone: str) -> str:
    start = local_input(session.starts_at, timezone).replace("T", " ")
    end = local_input(session.ends_at, timezone).replace("T", " ")
    return f"{start} – {end}"


async def setup_view(hackathon: HackathonRow) -> SetupView:
    rooms = [
        RoomView(**msgspec.structs.asdict(r), availability_text=windows_text(r.availability, hackathon.timezone))
        for r in await rooms_of(hackathon.id)
    ]
    judges = await judges_of(hackathon.edition)
    names = {j.id: j.name for j in judges}
    room_names = {r.id: r.name for r in rooms}
    return SetupView(
        rooms=rooms,
        sessions=[
            SessionView(
                **msgspec.structs.asdict(s),
                when=_when(s, hackathon.timezone),
                room_name=room_names.get(s.room, "") if s.room is not None else "",
            )
            for s in await sessions_of(hackathon.id)
        ],
        panels=[
            PanelView(**msgspec.structs.asdict(p), judge_names=[names.get(j, f"#{j}") for j in p.judge_ids])
            for p in await panels_of(hackathon.id)
        ],
        room_choices=[(r.id, r.name) for r in rooms],
        judge_options=[(j.id, j.name) for j in judges],
    )
