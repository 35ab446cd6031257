"""A mentor's profile as given (mentoring.schemas.ProfileCommand, from a form or JSON): every
field checked, every problem named at once, under the form's field names."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.rules.languages import LANGUAGES
from core.rules import N_, TOO_LONG
from mentoring.schemas import ProfileCommand, WindowIn

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


def _lines(items: Iterable[str], separators: str = r"[\n,;]") -> list[str]:
    """Every non-blank line of `items` (a form's text area comes as its lines, an API's list as
    its items; either may hold several values to a line)."""
    return [line.strip() for line in re.split(separators, "\n".join(items)) if line.strip()]


def _minutes(text: str) -> int | None:
    if text == "24:00":
        return 24 * 60
    match = _TIME.match(text)
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def parse_profile(
    profile: ProfileCommand, *, known_tags: Collection[str], known_startups: Collection[int]
) -> ProfileInput:
    """The profile's values as stored, and an error under each form field given badly: bio,
    organisation, expertise, languages, sectors, capacity, timezone, avail_<0..6> (one per
    weekday), blackout_dates, conflict_startups, conflict_organisations."""
    errors: dict[str, str] = {}
    bio = profile.bio.strip()
    organisation = profile.organisation.strip()
    if len(bio) > 2000:
        errors["bio"] = TOO_LONG
    if len(organisation) > 200:
        errors["organisation"] = TOO_LONG
    values: dict[str, object] = {"bio": bio, "organisation": organisation}
    values["expertise"] = _expertise(profile.expertise, known_tags, errors)
    values["languages"] = _languages(profile.languages, errors)
    values["sectors"] = _sectors(profile.sectors, errors)
    values["capacity"] = _capacity(profile.capacity, errors)
    values["timezone"] = _timezone(profile.timezone, errors)
    values["availability"] = _availability(profile.availability, errors)
    values["blackout_dates"] = _blackout_dates(profile.blackout_dates, errors)
    values["conflict_startups"] = _conflict_startups(profile.conflict_startups, known_startups, errors)
    values["conflict_organisations"] = _conflict_organisations(profile.conflict_organisations, errors)
    return ProfileInput(values=values, errors=errors)


def _expertise(given: Sequence[str], known_tags: Collection[str], errors: dict[str, str]) -> list[str]:
    expertise = sorted(set(given))
    if not expertise:
        errors["expertise"] = N_("Choose at least one area of expertise.")
    elif set(expertise) - set(known_tags):
        errors["expertise"] = N_("Unknown expertise: choose from the list.")
    return expertise


def _languages(given: Sequence[str], errors: dict[str, str]) -> list[str]:
    languages = [code for code in LANGUAGES if code in set(given)]
    if not given:
        errors["languages"] = N_("Choose the languages you mentor in.")
    elif len(languages) != len(set(given)):
        errors["languages"] = N_("Choose languages from the list.")
    return languages


def _sectors(given: Sequence[str], errors: dict[str, str]) -> list[str]:
    sectors = sorted(set(_lines(given)))
    if any(len(sector) > MAX_SECTOR for sector in sectors):
        errors["sectors"] = TOO_LONG
    elif len(sectors) > MAX_SECTORS:
        errors["sectors"] = N_("Give at most 10 sectors.")
    return sectors


def _capacity(capacity: int | None, errors: dict[str, str]) -> int:
    if capacity is None:
        errors["capacity"] = N_("Give how many startups you can mentor, a whole number.")
        return 0
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = N_("You can mentor from 1 to 20 startups.")
    return capacity


def _timezone(given: str, errors: dict[str, str]) -> str:
    timezone = given.strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = N_("Choose a time zone from the list.")
    return timezone


def _availability(given: Sequence[WindowIn], errors: dict[str, str]) -> list[list[int]]:
    """[weekday, first minute, last minute] per day with hours, in weekday order; an error per day
    given badly. A weekday given twice counts as its last window; one outside 0-6 names no day."""
    by_day = {window.weekday: window for window in given}
    windows: list[list[int]] = []
    for day in range(WEEKDAYS):
        if day not in by_day:
            continue
        start, end = by_day[day].start.strip(), by_day[day].end.strip()
        if not start and not end:
            continue
        first, last = _minutes(start), _minutes(end)
        if first is None or last is None or first >= last:
            errors[f"avail_{day}"] = N_("Give a start and an end time, e.g. 09:00 and 12:00.")
            continue
        windows.append([day, first, last])
    return windows


def _blackout_dates(given: Sequence[str], errors: dict[str, str]) -> list[str]:
    blackout: list[str] = []
    for line in _lines(given):
        try:
            blackout.append(date.fromisoformat(line).isoformat())
        except ValueError:
            errors["blackout_dates"] = N_("Write each date as YYYY-MM-DD, one per line.")
            break
    return sorted(set(blackout))


def _conflict_startups(given: Sequence[int], known_startups: Collection[int], errors: dict[str, str]) -> list[int]:
    if any(startup not in known_startups for startup in given):
        errors["conflict_startups"] = N_("Choose startups from the list.")
    return sorted(set(startup for startup in given if startup in known_startups))


def _conflict_organisations(given: Sequence[str], errors: dict[str, str]) -> list[str]:
    organisations = sorted(set(_lines(given, r"\n")))
    if any(len(organisation) > MAX_ORGANISATION for organisation in organisations):
        errors["conflict_organisations"] = TOO_LONG
    elif len(organisations) > MAX_CONFLICT_ORGANISATIONS:
        errors["conflict_organisations"] = N_("Give at most 50 organisations.")
    return organisations
