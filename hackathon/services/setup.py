"""Organisers set up a hackathon: its times and durations, its rooms, its judging panels."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.rules.phases import local_to_utc, utc_to_local
from challenge.services.editions import load_edition
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.forms import field
from core.rules import N_, TOO_LONG
from core.tables import Membership, User
from hackathon.enums import FixedKind
from hackathon.tables import FixedSession, Hackathon, HackathonStatus, Panel, Room, ScheduleItem

TEXT_FIELDS = ("name", "venue", "timezone", "starts_at", "ends_at")
MINUTE_FIELDS = (
    "slot_minutes",
    "pitch_minutes",
    "office_hours_minutes",
    "buffer_minutes",
    "panel_sitting_minutes",
    "panel_pause_minutes",
)
COUNT_FIELDS = ("pitches_per_team", "office_hours_per_team")
DEFAULTS = {
    "timezone": "Europe/Belgrade",
    "slot_minutes": "5",
    "pitch_minutes": "10",
    "office_hours_minutes": "20",
    "buffer_minutes": "5",
    "panel_sitting_minutes": "90",
    "panel_pause_minutes": "15",
    "pitches_per_team": "1",
    "office_hours_per_team": "1",
}
MAX_NAME = 200
MAX_VENUE = 300


def require_organiser(user: CurrentUser) -> None:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers set up hackathons."))


async def load_hackathon(hackathon_id: int, edition_id: int | None = None) -> dict[str, Any]:
    query = Hackathon.select().where(Hackathon.id == hackathon_id)
    if edition_id is not None:
        query = query.where(Hackathon.edition == edition_id)
    row = await query.first()
    if row is None:
        raise NotFound(N_("This hackathon does not exist."))
    return row


async def hackathons_of(edition_id: int) -> list[dict[str, Any]]:
    return await Hackathon.select().where(Hackathon.edition == edition_id).order_by(Hackathon.starts_at)


def form_values(hackathon: dict[str, Any]) -> dict[str, str]:
    """A stored hackathon as its form shows it: wall-clock times in its own time zone."""
    values = {name: str(hackathon[name]) for name in ("name", "venue", "timezone", *MINUTE_FIELDS, *COUNT_FIELDS)}
    for name in ("starts_at", "ends_at"):
        values[name] = utc_to_local(hackathon[name], hackathon["timezone"]).isoformat(timespec="minutes")
    return values


def _read_form(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    name, venue = field(data, "name").strip(), field(data, "venue").strip()
    if not name:
        errors["name"] = N_("Give the hackathon a name.")
    elif len(name) > MAX_NAME:
        errors["name"] = TOO_LONG
    if len(venue) > MAX_VENUE:
        errors["venue"] = TOO_LONG
    values.update(name=name, venue=venue)
    zone = field(data, "timezone").strip() or DEFAULTS["timezone"]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = N_("Give a time zone such as Europe/Belgrade.")
        zone = DEFAULTS["timezone"]
    values["timezone"] = zone
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = local_to_utc(datetime.fromisoformat(field(data, name).strip()), zone)
        except ValueError:
            errors[name] = N_("Give a date and time.")
    if "starts_at" in values and "ends_at" in values and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = N_("The hackathon must end after it starts.")
    for name in (*MINUTE_FIELDS, *COUNT_FIELDS):
        raw = field(data, name).strip() or DEFAULTS[name]
        if not raw.isdigit() or int(raw) > 24 * 60:
            errors[name] = N_("Give a whole number.")
        else:
            values[name] = int(raw)
    slot = values.get("slot_minutes")
    if slot is not None and slot < 1:
        errors["slot_minutes"] = N_("A slot lasts at least one minute.")
    elif slot:
        for name in MINUTE_FIELDS[1:]:
            if name in values and values[name] % slot:
                errors[name] = N_("Use a multiple of the slot length.")
    for name in ("pitch_minutes", "office_hours_minutes"):
        if values.get(name) == 0:
            errors[name] = N_("This lasts at least one slot.")
    if (
        "panel_sitting_minutes" in values
        and "pitch_minutes" in values
        and values["panel_sitting_minutes"] < values["pitch_minutes"]
    ):
        errors["panel_sitting_minutes"] = N_("A panel sitting must hold at least one pitch.")
    if errors:
        raise ValidationFailed(errors)
    return values


async def create_hackathon(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> int:
    require_organiser(user)
    await load_edition(edition_id)
    values = _read_form(data)
    async with db.transaction():
        hackathon_id = (await Hackathon.insert(Hackathon(edition=edition_id, **values)).returning(Hackathon.id))[0][
            "id"
        ]
        await audit.record(
            actor_id=user.id, action="hackathon.created", entity="hackathon", entity_id=hackathon_id, after=values
        )
    return hackathon_id


async def update_hackathon(*, user: CurrentUser, hackathon_id: int, data: dict[str, Any]) -> None:
    """Change the settings. Once published, the times of the items are kept: move them by hand."""
    require_organiser(user)
    values = _read_form(data)
    async with db.transaction():
        before = await load_hackathon(hackathon_id)
        await Hackathon.update(values).where(Hackathon.id == hackathon_id)
        await audit.record(
            actor_id=user.id,
            action="hackathon.updated",
            entity="hackathon",
            entity_id=hackathon_id,
            before={k: before[k] for k in values},
            after=values,
        )


# --- Rooms. ---------------------------------------------------------------------------------


def parse_windows(raw: str, timezone: str) -> list[list[str]] | None:
    """Lines "2027-03-08 09:00 .. 2027-03-08 18:00" (wall-clock, in the hackathon's zone); blank: always."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if not lines:
        return None
    windows = []
    for line in lines:
        start_text, separator, end_text = line.partition("..")
        try:
            if not separator:
                raise ValueError(line)
            start = local_to_utc(datetime.fromisoformat(start_text.strip()), timezone)
            end = local_to_utc(datetime.fromisoformat(end_text.strip()), timezone)
        except ValueError as exc:
            raise ValidationFailed(
                {"availability": N_("Write one time span a line: 2027-03-08 09:00 .. 2027-03-08 18:00.")}
            ) from exc
        if end <= start:
            raise ValidationFailed({"availability": N_("Each time span must end after it starts.")})
        windows.append([start.isoformat(), end.isoformat()])
    return windows


def windows_text(windows: list[list[str]] | None, timezone: str) -> str:
    if not windows:
        return ""
    zone = ZoneInfo(timezone)
    return "\n".join(
        f"{datetime.fromisoformat(a).astimezone(zone):%Y-%m-%d %H:%M} .. "
        f"{datetime.fromisoformat(b).astimezone(zone):%Y-%m-%d %H:%M}"
        for a, b in windows
    )


async def add_room(*, user: CurrentUser, hackathon_id: int, data: dict[str, Any]) -> int:
    require_organiser(user)
    hackathon = await load_hackathon(hackathon_id)
    name, capacity = field(data, "room_name").strip(), field(data, "capacity").strip()
    errors = {}
    if not name or len(name) > 120:
        errors["room_name"] = N_("Give the room a name (at most 120 characters).")
    if not capacity.isdigit() or not 1 <= int(capacity) <= 10_000:
        errors["capacity"] = N_("Give how many people the room holds.")
    if errors:
        raise ValidationFailed(errors)
    availability = parse_windows(field(data, "availability"), hackathon["timezone"])
    async with db.transaction():
        room_id = (
            await Room.insert(
                Room(hackathon=hackathon_id, name=name, capacity=int(capacity), availability=availability)
            ).returning(Room.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="hackathon.room_added",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"room": room_id, "name": name, "capacity": int(capacity), "availability": availability},
        )
    return room_id


async def remove_room(*, user: CurrentUser, hackathon_id: int, room_id: int) -> None:
    require_organiser(user)
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


async def rooms_of(hackathon_id: int) -> list[dict[str, Any]]:
    return await Room.select().where(Room.hackathon == hackathon_id).order_by(Room.name).output(load_json=True)


# --- Talks, workshops and breaks. ----------------------------------------------------------

MAX_TITLE = 200


def _read_session(data: dict[str, Any], hackathon: dict[str, Any], room_ids: set[int]) -> dict[str, Any]:
    """The session form: wall-clock times in the hackathon's zone, inside the event, in one of its rooms."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    kind = field(data, "session_kind").strip()
    if kind not in {k.value for k in FixedKind}:
        errors["session_kind"] = N_("Choose a talk, a workshop or a break.")
    else:
        values["kind"] = FixedKind(kind)
    title = field(data, "session_title").strip()
    if not title or len(title) > MAX_TITLE:
        errors["session_title"] = N_("Give a title (at most 200 characters).")
    values["title"] = title
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = local_to_utc(
                datetime.fromisoformat(field(data, f"session_{name}").strip()), hackathon["timezone"]
            )
        except ValueError:
            errors[f"session_{name}"] = N_("Give a date and time.")
    start, end = values.get("starts_at"), values.get("ends_at")
    if start is not None and end is not None and end <= start:
        errors["session_ends_at"] = N_("It must end after it starts.")
    if start is not None and not hackathon["starts_at"] <= start < hackathon["ends_at"]:
        errors["session_starts_at"] = N_("It must take place during the hackathon.")
    if end is not None and not hackathon["starts_at"] < end <= hackathon["ends_at"]:
        errors.setdefault("session_ends_at", N_("It must take place during the hackathon."))
    room = field(data, "session_room").strip()
    if room and (not room.isdigit() or int(room) not in room_ids):
        errors["session_room"] = N_("Choose one of the hackathon's rooms.")
    values["room"] = int(room) if room.isdigit() else None
    if errors:
        raise ValidationFailed(errors)
    # Breaks are for everyone; a talk or workshop when ticked (a keynote), else it only holds its room.
    values["everyone"] = values["kind"] is FixedKind.BREAK or bool(field(data, "session_everyone"))
    return values


async def add_session(*, user: CurrentUser, hackathon_id: int, data: dict[str, Any]) -> int:
    require_organiser(user)
    hackathon = await load_hackathon(hackathon_id)
    room_ids = {r["id"] for r in await Room.select(Room.id).where(Room.hackathon == hackathon_id)}
    values = _read_session(data, hackathon, room_ids)
    async with db.transaction():
        session_id = (
            await FixedSession.insert(FixedSession(hackathon=hackathon_id, **values)).returning(FixedSession.id)
        )[0]["id"]
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
    require_organiser(user)
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


async def sessions_of(hackathon_id: int) -> list[dict[str, Any]]:
    return await (
        FixedSession.select()
        .where(FixedSession.hackathon == hackathon_id)
        .order_by(FixedSession.starts_at)
        .order_by(FixedSession.id)
    )


# --- Panels. --------------------------------------------------------------------------------


async def judges_of(edition_id: int) -> list[dict[str, Any]]:
    """The people with the judge role in the edition, by name."""
    ids = [
        m["user"]
        for m in await Membership.select(Membership.user).where(
            Membership.role == Role.JUDGE, Membership.edition_id == edition_id
        )
    ]
    if not ids:
        return []
    return await User.select(User.id, User.name, User.email).where(User.id.is_in(ids)).order_by(User.name)


def _ids(data: dict[str, Any], name: str) -> list[int]:
    raw = data.get(name, [])
    values = [raw] if isinstance(raw, str | int) else raw or []
    return sorted({int(v) for v in values if str(v).isdigit()})


async def add_panel(*, user: CurrentUser, hackathon_id: int, data: dict[str, Any]) -> int:
    require_organiser(user)
    hackathon = await load_hackathon(hackathon_id)
    name = field(data, "panel_name").strip()
    judge_ids = _ids(data, "judge_ids")
    known = {j["id"] for j in await judges_of(hackathon["edition"])}
    errors = {}
    if not name or len(name) > 120:
        errors["panel_name"] = N_("Give the panel a name (at most 120 characters).")
    if not judge_ids or not set(judge_ids) <= known:
        errors["judge_ids"] = N_("Choose at least one of the edition's judges.")
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        panel_id = (
            await Panel.insert(Panel(hackathon=hackathon_id, name=name, judge_ids=judge_ids)).returning(Panel.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="hackathon.panel_added",
            entity="hackathon",
            entity_id=hackathon_id,
            after={"panel": panel_id, "name": name, "judges": judge_ids},
        )
    return panel_id


async def remove_panel(*, user: CurrentUser, hackathon_id: int, panel_id: int) -> None:
    require_organiser(user)
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


async def panels_of(hackathon_id: int) -> list[dict[str, Any]]:
    return await Panel.select().where(Panel.hackathon == hackathon_id).order_by(Panel.name).output(load_json=True)


def is_published(hackathon: dict[str, Any]) -> bool:
    return hackathon["status"] == HackathonStatus.PUBLISHED
