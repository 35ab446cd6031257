"""A mentor's profile from a form or JSON: every field parsed, every problem named at once."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
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
    if not isinstance(raw, Iterable):  # the error iterating it would raise
        raise TypeError(f"'{type(raw).__name__}' object is not iterable")
    return [str(item) for item in raw]


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
    bio = str(data.get("bio", "") or "").strip()
    organisation = str(data.get("organisation", "") or "").strip()
    if len(bio) > 2000:
        errors["bio"] = TOO_LONG
    if len(organisation) > 200:
        errors["organisation"] = TOO_LONG
    values: dict[str, object] = {"bio": bio, "organisation": organisation}
    values["expertise"] = _expertise(data, known_tags, errors)
    values["languages"] = _languages(data, errors)
    values["sectors"] = _sectors(data, errors)
    values["capacity"] = _capacity(data, errors)
    values["timezone"] = _timezone(data, errors)
    values["availability"] = _availability(data, errors)
    values["blackout_dates"] = _blackout_dates(data, errors)
    values["conflict_startups"] = _conflict_startups(data, known_startups, errors)
    values["conflict_organisations"] = _conflict_organisations(data, errors)
    return ProfileInput(values=values, errors=errors)


def _expertise(data: Mapping[str, object], known_tags: Collection[str], errors: dict[str, str]) -> list[str]:
    expertise = sorted(set(_list(data.get("expertise"))))
    if not expertise:
        errors["expertise"] = N_("Choose at least one area of expertise.")
    elif set(expertise) - set(known_tags):
        errors["expertise"] = N_("Unknown expertise: choose from the list.")
    return expertise


def _languages(data: Mapping[str, object], errors: dict[str, str]) -> list[str]:
    languages = [code for code in LANGUAGES if code in set(_list(data.get("languages")))]
    if not _list(data.get("languages")):
        errors["languages"] = N_("Choose the languages you mentor in.")
    elif len(languages) != len(set(_list(data.get("languages")))):
        errors["languages"] = N_("Choose languages from the list.")
    return languages


def _sectors(data: Mapping[str, object], errors: dict[str, str]) -> list[str]:
    sectors = sorted(set(_lines(data.get("sectors"))))
    if any(len(sector) > MAX_SECTOR for sector in sectors):
        errors["sectors"] = TOO_LONG
    elif len(sectors) > MAX_SECTORS:
        errors["sectors"] = N_("Give at most 10 sectors.")
    return sectors


def _capacity(data: Mapping[str, object], errors: dict[str, str]) -> int:
    raw_capacity = str(data.get("capacity", "") or "").strip()
    try:
        capacity = int(raw_capacity)
    except ValueError:
        errors["capacity"] = N_("Give how many startups you can mentor, a whole number.")
        return 0
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = N_("You can mentor from 1 to 20 startups.")
    return capacity


def _timezone(data: Mapping[str, object], errors: dict[str, str]) -> str:
    timezone = str(data.get("timezone", "") or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = N_("Choose a time zone from the list.")
    return timezone


def _availability(data: Mapping[str, object], errors: dict[str, str]) -> list[list[int]]:
    """[weekday, first minute, last minute] per day with hours; an error per day given badly."""
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
    return windows


def _blackout_dates(data: Mapping[str, object], errors: dict[str, str]) -> list[str]:
    blackout: list[str] = []
    for line in _lines(data.get("blackout_dates")):
        try:
            blackout.append(date.fromisoformat(line).isoformat())
        except ValueError:
            errors["blackout_dates"] = N_("Write each date as YYYY-MM-DD, one per line.")
            break
    return sorted(set(blackout))


def _conflict_startups(
    data: Mapping[str, object], known_startups: Collection[int], errors: dict[str, str]
) -> list[int]:
    startups = []
    for raw in _list(data.get("conflict_startups")):
        if not raw.isdigit() or int(raw) not in known_startups:
            errors["conflict_startups"] = N_("Choose startups from the list.")
            break
        startups.append(int(raw))
    return sorted(set(startups))


def _conflict_organisations(data: Mapping[str, object], errors: dict[str, str]) -> list[str]:
    organisations = sorted(set(_lines(data.get("conflict_organisations"), r"\n")))
    if any(len(organisation) > MAX_ORGANISATION for organisation in organisations):
        errors["conflict_organisations"] = TOO_LONG
    elif len(organisations) > MAX_CONFLICT_ORGANISATIONS:
        errors["conflict_organisations"] = N_("Give at most 50 organisations.")
    return organisations
