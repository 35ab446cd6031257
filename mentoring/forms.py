"""HTML form strings -> the typed commands mentoring's services take.

Only the shape changes here (text to numbers, lines to lists, the week's time fields to
windows); every check of the values is the services' (and their rules'), the same for the JSON
API and the pages, so a form shows every problem at once, beside its field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.forms import field
from mentoring.rules.profiles import WEEKDAYS
from mentoring.schemas import (
    BookIn,
    CancelIn,
    NotesIn,
    ProfileCommand,
    RescheduleIn,
    SessionRating,
    SlotOffer,
    WindowIn,
)

# A conflict startup the form names by something other than an id: no startup has it.
NOT_A_STARTUP = -1


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() else 0


def _values(data: dict[str, Any], name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), in the order given."""
    raw = data.get(name)
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(item) for item in raw]
    return [str(raw)]


def _lines(data: dict[str, Any], name: str) -> list[str]:
    """A text area's lines as they are; the rule splits and trims them."""
    return "\n".join(_values(data, name)).split("\n") if _values(data, name) else []


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _startup_id(raw: str) -> int:
    try:
        return int(raw) if raw.isdigit() else NOT_A_STARTUP
    except ValueError:  # digits int() does not read, such as "²"
        return NOT_A_STARTUP


def parse_local(raw: str) -> datetime | None:
    """A form's `datetime-local` value (wall-clock, no zone) or an ISO instant; None if unreadable."""
    try:
        return datetime.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def profile_command(data: dict[str, Any]) -> ProfileCommand:
    """The profile form: expertise, languages, conflict_startups (checkboxes); sectors,
    blackout_dates, conflict_organisations (one per line); avail_<0..6>_start/_end (HH:MM)."""
    windows = []
    for day in range(WEEKDAYS):
        start, end = field(data, f"avail_{day}_start"), field(data, f"avail_{day}_end")
        if start.strip() or end.strip():
            windows.append(WindowIn(weekday=day, start=start, end=end))
    return ProfileCommand(
        expertise=_values(data, "expertise"),
        languages=_values(data, "languages"),
        capacity=_whole_number(field(data, "capacity")),
        timezone=field(data, "timezone"),
        organisation=field(data, "organisation"),
        bio=field(data, "bio"),
        sectors=_lines(data, "sectors"),
        availability=windows,
        blackout_dates=_lines(data, "blackout_dates"),
        conflict_startups=[_startup_id(raw) for raw in _values(data, "conflict_startups")],
        conflict_organisations=_lines(data, "conflict_organisations"),
    )


def slot_offer(data: dict[str, Any]) -> SlotOffer:
    return SlotOffer(
        edition_id=_id(field(data, "edition_id")),
        starts_at=parse_local(field(data, "starts_at")),
        ends_at=parse_local(field(data, "ends_at")),
        location=field(data, "location"),
    )


def booking(data: dict[str, Any]) -> BookIn:
    return BookIn(slot_id=_id(field(data, "slot_id")), match_id=_id(field(data, "match_id")))


def cancellation(data: dict[str, Any]) -> CancelIn:
    return CancelIn(reason=field(data, "reason"))


def move(data: dict[str, Any]) -> RescheduleIn:
    return RescheduleIn(new_slot_id=_id(field(data, "new_slot_id")))


def notes(data: dict[str, Any]) -> NotesIn:
    return NotesIn(notes=field(data, "notes"), attendance=field(data, "attendance") or None)


def rating(data: dict[str, Any]) -> SessionRating:
    raw = field(data, "rating")
    return SessionRating(rating=int(raw) if raw.isdigit() else None, feedback=field(data, "feedback"))
