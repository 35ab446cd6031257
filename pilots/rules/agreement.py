"""The pilot agreement: versions, and the three signatures a version needs to be in force.

Every change to the terms is a new version; a signature is on one version. A version is in force
when every side signed it, and the newest such version is the one that holds: an amendment waits
for all three signatures and, until then, the earlier version still binds everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.rules import N_, TOO_LONG
from pilots.enums import SIDES, PilotProcurement, Side

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_LOCATIONS = 10
MAX_LOCATION = 200
MAX_FUNDER = 200
# Pilots run for weeks to a few years; anything longer is a typing mistake.
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Terms:
    """What the three sides sign. Budget is in whole euros; None means 'no money changes hands'."""

    scope: str
    locations: tuple[str, ...]
    starts_on: date
    ends_on: date
    budget_eur: int | None
    funded_by: str
    procurement: PilotProcurement
    data_terms: str
    mentor_id: int | None = None


def check_terms(terms: Terms) -> dict[str, str]:
    """Field -> message for every term that cannot be signed as written (empty when all is well)."""
    errors: dict[str, str] = {}
    if not terms.scope.strip():
        errors["scope"] = N_("Describe what the pilot will do.")
    elif len(terms.scope) > MAX_TEXT:
        errors["scope"] = TOO_LONG
    if not terms.locations:
        errors["locations"] = N_("Name at least one place in the municipality.")
    elif len(terms.locations) > MAX_LOCATIONS:
        errors["locations"] = N_("Name at most ten places.")
    elif any(len(place) > MAX_LOCATION for place in terms.locations):
        errors["locations"] = TOO_LONG
    if terms.ends_on <= terms.starts_on:
        errors["ends_on"] = N_("The pilot ends after it starts.")
    elif (terms.ends_on - terms.starts_on).days > MAX_DAYS:
        errors["ends_on"] = N_("A pilot runs for at most five years.")
    if terms.budget_eur is not None and terms.budget_eur < 0:
        errors["budget_eur"] = N_("The budget is a positive amount of euros, or empty.")
    if terms.budget_eur and not terms.funded_by.strip():
        errors["funded_by"] = N_("Say who funds the budget.")
    elif len(terms.funded_by) > MAX_FUNDER:
        errors["funded_by"] = TOO_LONG
    if not terms.data_terms.strip():
        errors["data_terms"] = N_("Say who owns the pilot's data and what may be published.")
    elif len(terms.data_terms) > MAX_TEXT:
        errors["data_terms"] = TOO_LONG
    return errors


def parse_locations(text: str) -> tuple[str, ...]:
    """One place per line, as typed in the form; blank lines and repeats dropped."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        place = " ".join(line.split())
        if place:
            seen.setdefault(place, None)
    return tuple(seen)


def changed_terms(before: Terms, after: Terms) -> tuple[str, ...]:
    """The names of the terms an amendment changes (shown beside the version and in its mail)."""
    return tuple(name for name in Terms.__dataclass_fields__ if getattr(before, name) != getattr(after, name))


@dataclass(frozen=True)
class Version:
    number: int
    signed_by: frozenset[Side]


class SignatureRefused(ValueError):
    def __init__(self, message: str, *, current: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current = current


STALE = N_("This version is no longer current: version %(current)s is.")
ALREADY_SIGNED = N_("Your side has already signed this version.")


def check_signature(versions: Iterable[Version], *, number: int, side: Side) -> None:
    """Refuse a signature on anything but the newest version, or a second one by the same side."""
    current = max(versions, key=lambda version: version.number)
    if number != current.number:
        raise SignatureRefused(STALE, current=current.number)
    if side in current.signed_by:
        raise SignatureRefused(ALREADY_SIGNED, current=current.number)


def fully_signed(signed_by: Iterable[Side]) -> bool:
    return set(SIDES) <= set(signed_by)


def in_force(versions: Iterable[Version]) -> int | None:
    """The number of the newest version every side signed, if any."""
    signed = [version.number for version in versions if fully_signed(version.signed_by)]
    return max(signed, default=None)


def waiting_for(signed_by: Iterable[Side]) -> tuple[Side, ...]:
    """The sides whose signature a version still lacks, in the order the page lists them."""
    have = set(signed_by)
    return tuple(side for side in SIDES if side not in have)


def other_sides(side: Side) -> tuple[Side, ...]:
    return tuple(other for other in SIDES if other is not side)
