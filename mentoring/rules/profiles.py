"""A mentor's profile from a form or JSON: every field parsed, every problem named at once."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.rules.languages import LANGUAGES
from core.rules import N_, TOO_LONG

WEEKDAYS = 7
MAX_CAPACITY = 20
MAX_SECTOR = 80
MAX_SECTORS = 10
MAX_ORGANISATION = 200
MAX_CONFLICT_ORGANISATIONS = 50
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ProfileInput:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _list(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(item) for item in raw]  # type: ignore[attr-defined]


def _lines(raw: object, separators: str = r"[\n,;]") -> list[str]:
    text = "\n".join(_list(raw))
    return [line.strip() for line in re.split(separators, text) if line.strip()]


def _minutes(text: str) -> int | None:
    if text == "24:00":
        return 24 * 60
    match = _TIME.match(text)
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def parse_profile(
    data: Mapping[str, object], *, known_tags: Collection[str], known_startups: Collection[int]
) -> ProfileInput:
    """Form fields: expertise, languages, conflict_startups (lists); sectors, blackout_dates,
    conflict_organisations (one per line); capacity; timezone; avail_<0..6>_start/_end (HH:MM)."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "bio": str(data.get("bio", "") or "").strip(),
        "organisation": str(data.get("organisation", "") or "").strip(),
    }
    if len(values["bio"]) > 2000:  # type: ignore[arg-type]
        errors["bio"] = TOO_LONG
    if len(values["organisation"]) > 200:  # type: ignore[arg-type]
        errors["organisation"] = TOO_LONG

    expertise = sorted(set(_list(data.get("expertise"))))
    if not expertise:
        errors["expertise"] = N_("Choose at least one area of expertise.")
    elif set(expertise) - set(known_tags):
        errors["expertise"] = N_("Unknown expertise: choose from the list.")
    values["expertise"] = expertise

    languages = [code for code in LANGUAGES if code in set(_list(data.get("languages")))]
    if not _list(data.get("languages")):
        errors["languages"] = N_("Choose the languages you mentor in.")
    elif len(languages) != len(set(_list(data.get("languages")))):
        errors["languages"] = N_("Choose languages from the list.")
    values["languages"] = languages

    sectors = sorted(set(_lines(data.get("sectors"))))
    if any(len(sector) > MAX_SECTOR for sector in sectors):
        errors["sectors"] = TOO_LONG
    elif len(sectors) > MAX_SECTORS:
        errors["sectors"] = N_("Give at most 10 sectors.")
    values["sectors"] = sectors

    raw_capacity = str(data.get("capacity", "") or "").strip()
    try:
        capacity = int(raw_capacity)
    except ValueError:
        capacity = 0
        errors["capacity"] = N_("Give how many startups you can mentor, a whole number.")
    else:
        if not 1 <= capacity <= MAX_CAPACITY:
            errors["capacity"] = N_("You can mentor from 1 to 20 startups.")
    values["capacity"] = capacity

    timezone = str(data.get("timezone", "") or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = N_("Choose a time zone from the list.")
    values["timezone"] = timezone

    windows: list[list[int]] = []
    for day in range(WEEKDAYS):
        start = str(data.get(f"avail_{day}_start", "") or "").strip()
        end = str(data.get(f"avail_{day}_end", "") or "").strip()
        if not start and not end:
            continue
        first, last = _minutes(start), _minutes(end)
        if first is None or last is None or first >= last:
            errors[f"avail_{day}"] = N_("Give a start and an end time, e.g. 09:00 and 12:00.")
            continue
        windows.append([day, first, last])
    values["availability"] = windows

    blackout: list[str] = []
    for line in _lines(data.get("blackout_dates")):
        try:
            blackout.append(date.fromisoformat(line).isoformat())
        except ValueError:
            errors["blackout_dates"] = N_("Write each date as YYYY-MM-DD, one per line.")
            break
    values["blackout_dates"] = sorted(set(blackout))

    startups = []
    for raw in _list(data.get("conflict_startups")):
        if not raw.isdigit() or int(raw) not in known_startups:
            errors["conflict_startups"] = N_("Choose startups from the list.")
            break
        startups.append(int(raw))
    values["conflict_startups"] = sorted(set(startups))
    organisations = sorted(set(_lines(data.get("conflict_organisations"), r"\n")))
    if any(len(organisation) > MAX_ORGANISATION for organisation in organisations):
        errors["conflict_organisations"] = TOO_LONG
    elif len(organisations) > MAX_CONFLICT_ORGANISATIONS:
        errors["conflict_organisations"] = N_("Give at most 50 organisations.")
    values["conflict_organisations"] = organisations
    return ProfileInput(values=values, errors=errors)
