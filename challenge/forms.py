"""The challenge's HTML forms: their choices in the reader's language, and form strings turned
into the typed commands the services take (the same ones the JSON API decodes its bodies into).

A value a form sends that the command cannot hold (a date that is no date, a count that is no
number) is refused here with the field's usual message; every other check is the service's, so
a form and an API call are told the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from challenge import labels as _labels  # noqa: F401 - registers the value labels
from challenge.enums import PHASE_ORDER, BudgetRange, ProcurementPath, SettlementKind, Track
from challenge.records import EditionRow
from challenge.rules.applications import parse_grace_minutes
from challenge.rules.editions import TIME_NEEDED, check_edition, phase_field
from challenge.rules.phases import Timeline, utc_to_local
from challenge.rules.sdgs import SDGS
from challenge.schemas import EditionIn
from core.errors import ValidationFailed
from core.forms import field
from core.i18n import gettext as _
from core.i18n import label

EDITION_TEXTS = ("description", "prize_text", "programme_text", "language", "translated_name", "translated_description")


def problem_form_choices() -> dict[str, Any]:
    return {
        "track_options": [(t.value, label(t)) for t in Track],
        "budget_options": [(b.value, label(b)) for b in BudgetRange],
        "procurement_options": [(p.value, label(p)) for p in ProcurementPath],
        "sdg_options": [(str(number), f"{number}. {_(name)}") for number, name in SDGS.items()],
        "kind_options": [(k.value, label(k)) for k in SettlementKind],
    }


# Editions -----------------------------------------------------------------------------------


def _list(data: dict[str, Any], name: str) -> list[str]:
    """Every value a form sends under `name` (ticked boxes, a multiple select)."""
    raw = data.get(name, [])
    return [raw] if isinstance(raw, str) else [str(item) for item in raw or []]


def edition_command(data: dict[str, Any]) -> tuple[EditionIn, int | None]:
    """The organiser's edition form as the command the API also sends, and the grace minutes
    (None when the form leaves them out: the edition keeps its own).

    Phase starts are wall-clock times in the edition's zone; a field that cannot be read at all
    (not a date, not a number of minutes) is reported together with every other field's problem.
    """
    unreadable: dict[str, str] = {}
    timeline: dict[str, datetime] = {}
    for phase in PHASE_ORDER:
        raw = field(data, phase_field(phase)).strip()
        if not raw:
            continue
        try:
            timeline[phase.value] = datetime.fromisoformat(raw)
        except ValueError:
            unreadable[phase_field(phase)] = TIME_NEEDED
    grace: int | None = None
    if "application_grace_minutes" in data:
        grace, problem = parse_grace_minutes(field(data, "application_grace_minutes"))
        if problem:
            unreadable["application_grace_minutes"] = problem
    year = field(data, "year").strip()
    command = EditionIn(
        name=field(data, "name"),
        # Not a number: 0, which the check refuses with the year's own message.
        year=int(year) if year.isdigit() else 0,
        slug=field(data, "slug"),
        timezone=field(data, "timezone"),
        tracks=_list(data, "tracks"),
        timeline=timeline,
        **{name: field(data, name) for name in EDITION_TEXTS},
    )
    if unreadable:
        _starts, errors = check_edition(command.draft())
        # A start that could not be read is left out of the check; its own message wins.
        raise ValidationFailed({**errors, **unreadable})
    return command, grace


def edition_form_values(edition: EditionRow, timeline: Timeline) -> dict[str, Any]:
    """A stored edition as its form shows it: phase starts as wall-clock times in its zone."""
    values: dict[str, Any] = msgspec.structs.asdict(edition)
    for start in timeline.starts:
        local = utc_to_local(start.starts_at, edition.timezone)
        # To the second: saving the form unchanged must not move a phase start that has seconds.
        values[phase_field(start.phase)] = local.isoformat(timespec="seconds" if local.second else "minutes")
    return values
