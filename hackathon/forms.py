"""HTML forms of the hackathon pages: form strings become the typed commands services take.

Each reader raises `ValidationFailed` with every field's message at once, named as the form
names its fields; times are read as wall-clock times in the hackathon's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.rules.phases import local_to_utc, utc_to_local
from core.errors import ValidationFailed
from core.forms import field
from core.rules import N_, TOO_LONG
from hackathon.enums import FixedKind
from hackathon.records import HackathonRow
from hackathon.schemas import FixedSessionIn, HackathonIn, PanelIn, RoomIn

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
MAX_TITLE = 200

Errors = dict[str, str]


def form_values(hackathon: HackathonRow) -> dict[str, str]:
    """A stored hackathon as its form shows it: wall-clock times in its own time zone."""
    names = ("name", "venue", "timezone", *MINUTE_FIELDS, *COUNT_FIELDS)
    values = {name: str(getattr(hackathon, name)) for name in names}
    for name, at in (("starts_at", hackathon.starts_at), ("ends_at", hackathon.ends_at)):
        values[name] = utc_to_local(at, hackathon.timezone).isoformat(timespec="minutes")
    return values


def _read_place(data: dict[str, Any], values: dict[str, Any], errors: Errors) -> str:
    """Name, venue and time zone; returns the zone the times are read in."""
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
    return zone


def _read_times(data: dict[str, Any], zone: str, values: dict[str, Any], errors: Errors) -> None:
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = local_to_utc(datetime.fromisoformat(field(data, name).strip()), zone)
        except ValueError:
            errors[name] = N_("Give a date and time.")
    if "starts_at" in values and "ends_at" in values and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = N_("The hackathon must end after it starts.")


def _read_durations(data: dict[str, Any], values: dict[str, Any], errors: Errors) -> None:
    """Minutes and counts: whole numbers; durations on the slot grid, each holding at least one slot."""
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


def hackathon_command(data: dict[str, Any]) -> HackathonIn:
    """The hackathon form (create and settings): its fields in the order the form shows them."""
    errors: Errors = {}
    values: dict[str, Any] = {}
    zone = _read_place(data, values, errors)
    _read_times(data, zone, values, errors)
    _read_durations(data, values, errors)
    if errors:
        raise ValidationFailed(errors)
    return HackathonIn(**values)


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


def room_command(data: dict[str, Any], timezone: str) -> RoomIn:
    name, capacity = field(data, "room_name").strip(), field(data, "capacity").strip()
    errors = {}
    if not name or len(name) > 120:
        errors["room_name"] = N_("Give the room a name (at most 120 characters).")
    if not capacity.isdigit() or not 1 <= int(capacity) <= 10_000:
        errors["capacity"] = N_("Give how many people the room holds.")
    if errors:
        raise ValidationFailed(errors)
    return RoomIn(name=name, capacity=int(capacity), availability=parse_windows(field(data, "availability"), timezone))


def _session_times(data: dict[str, Any], hackathon: HackathonRow, values: dict[str, Any], errors: Errors) -> None:
    """Start and end: wall-clock times in the hackathon's zone, in order, inside the event."""
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = local_to_utc(
                datetime.fromisoformat(field(data, f"session_{name}").strip()), hackathon.timezone
            )
        except ValueError:
            errors[f"session_{name}"] = N_("Give a date and time.")
    start, end = values.get("starts_at"), values.get("ends_at")
    if start is not None and end is not None and end <= start:
        errors["session_ends_at"] = N_("It must end after it starts.")
    if start is not None and not hackathon.starts_at <= start < hackathon.ends_at:
        errors["session_starts_at"] = N_("It must take place during the hackathon.")
    if end is not None and not hackathon.starts_at < end <= hackathon.ends_at:
        errors.setdefault("session_ends_at", N_("It must take place during the hackathon."))


def session_command(data: dict[str, Any], hackathon: HackathonRow, room_ids: set[int]) -> FixedSessionIn:
    """The session form: a kind, a title, times inside the event, and one of its rooms (or none)."""
    errors: Errors = {}
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
    _session_times(data, hackathon, values, errors)
    room = field(data, "session_room").strip()
    if room and (not room.isdigit() or int(room) not in room_ids):
        errors["session_room"] = N_("Choose one of the hackathon's rooms.")
    values["room"] = int(room) if room.isdigit() else None
    if errors:
        raise ValidationFailed(errors)
    # Breaks are for everyone; a talk or workshop when ticked (a keynote), else it only holds its room.
    values["everyone"] = values["kind"] is FixedKind.BREAK or bool(field(data, "session_everyone"))
    return FixedSessionIn(**values)


def _ids(data: dict[str, Any], name: str) -> list[int]:
    raw = data.get(name, [])
    values = [raw] if isinstance(raw, str | int) else raw or []
    return sorted({int(v) for v in values if str(v).isdigit()})


def panel_command(data: dict[str, Any], known_judges: set[int]) -> PanelIn:
    """The panel form: a name and at least one of the edition's judges (`known_judges`)."""
    name = field(data, "panel_name").strip()
    judge_ids = _ids(data, "judge_ids")
    errors = {}
    if not name or len(name) > 120:
        errors["panel_name"] = N_("Give the panel a name (at most 120 characters).")
    if not judge_ids or not set(judge_ids) <= known_judges:
        errors["judge_ids"] = N_("Choose at least one of the edition's judges.")
    if errors:
        raise ValidationFailed(errors)
    return PanelIn(name=name, judge_ids=judge_ids)


def parse_start(raw: str, timezone: str) -> datetime | None:
    """A form's wall-clock `datetime-local` (in the hackathon's zone) or an ISO instant."""
    try:
        return local_to_utc(datetime.fromisoformat(raw.strip()), timezone) if raw and raw.strip() else None
    except ValueError:
        return None


def start_choice(data: dict[str, Any], timezone: str) -> datetime | None:
    """The move form's new start; None when blank or unreadable (the service says what to give)."""
    return parse_start(field(data, "starts_at"), timezone)


def room_choice(data: dict[str, Any]) -> int | None:
    room = field(data, "room_id")
    return int(room) if room.isdigit() else None


def time_limit(data: dict[str, Any]) -> int | None:
    """The solver's time limit in seconds; None (the builder's default) when blank or not a number."""
    limit = field(data, "time_limit").strip()
    return int(limit) if limit.isdigit() else None
