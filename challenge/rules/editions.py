"""What a valid edition is: its name, address, time zone, year, tracks, texts and timeline.

One check for both ways an edition arrives (the organiser's form and the JSON API), so each
field's message is the same whichever way it came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from challenge.enums import Phase, Track
from challenge.rules.phases import TimelineError, local_to_utc, make_timeline
from core.rules import N_, TOO_LONG
from core.rules.bilingual import CONTENT_LANGUAGES, UNKNOWN_LANGUAGE

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")
MAX_NAME = 200
MAX_TEXT = 20_000  # description, prizes, programme
LONG_TEXTS = ("description", "prize_text", "programme_text", "translated_description")
TIME_NEEDED = N_("Give a date and time.")


@dataclass(frozen=True)
class EditionDraft:
    """An edition as submitted, texts already stripped; `starts` are wall-clock times in the
    edition's zone, or aware instants (the API may send an explicit offset)."""

    name: str
    slug: str
    timezone: str
    year: int
    tracks: Sequence[str]
    starts: Mapping[Phase, datetime]
    texts: Mapping[str, str]
    translated_name: str
    language: str


def phase_field(phase: Phase) -> str:
    """The form field (and error key) of a phase's start."""
    return f"starts_{phase.value}"


def _identity_errors(draft: EditionDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not draft.name:
        errors["name"] = N_("Give the edition a name.")
    elif len(draft.name) > MAX_NAME:
        errors["name"] = TOO_LONG
    if not SLUG.match(draft.slug):
        errors["slug"] = N_("Use lower-case letters, digits and dashes, e.g. 2027 or serbia-2027.")
    try:
        ZoneInfo(draft.timezone or "invalid/zone")
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = N_("Choose a time zone such as Europe/Belgrade.")
    if not 2000 <= draft.year <= 2100:
        errors["year"] = N_("Give the year, e.g. 2027.")
    if not draft.tracks or any(track not in {t.value for t in Track} for track in draft.tracks):
        errors["tracks"] = N_("Choose at least one track.")
    return errors


def _timeline(draft: EditionDraft, *, zone_known: bool) -> tuple[dict[Phase, datetime], dict[str, str]]:
    errors: dict[str, str] = {}
    starts: dict[Phase, datetime] = {}
    if zone_known:
        for phase, local in draft.starts.items():
            try:
                starts[phase] = local_to_utc(local, draft.timezone)
            except ValueError:
                errors[phase_field(phase)] = TIME_NEEDED
    # Also when the zone is unknown: no start can be read then, the first one included.
    if Phase.PROBLEM_INTAKE not in starts and phase_field(Phase.PROBLEM_INTAKE) not in errors:
        errors[phase_field(Phase.PROBLEM_INTAKE)] = N_("When does problem intake open?")
    try:
        make_timeline(starts)
    except TimelineError as exc:
        for phase_value in exc.errors:
            errors[f"starts_{phase_value}"] = N_("Each phase must start after the one before it.")
    return starts, errors


def check_edition(draft: EditionDraft) -> tuple[dict[Phase, datetime], dict[str, str]]:
    """The phase starts as UTC instants, and every field's problem (empty when it may be saved)."""
    errors = _identity_errors(draft)
    starts, timeline_errors = _timeline(draft, zone_known="timezone" not in errors)
    errors.update(timeline_errors)
    for name, text in draft.texts.items():
        if len(text) > MAX_TEXT:
            errors[name] = TOO_LONG
    if len(draft.translated_name) > MAX_NAME:
        errors["translated_name"] = TOO_LONG
    if draft.language not in CONTENT_LANGUAGES:
        errors["language"] = UNKNOWN_LANGUAGE
    return starts, errors
