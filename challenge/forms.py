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

from challenge.enums import PHASE_ORDER, BudgetRange, ProcurementPath, SettlementKind, Track
from challenge.records import ApplicationRow, EditionRow, MunicipalityRow, ProblemRow, StartupRow
from challenge.rules.applications import parse_grace_minutes
from challenge.rules.editions import TIME_NEEDED, check_edition, phase_field
from challenge.rules.phases import Timeline, utc_to_local
from challenge.rules.problems import TEXT_LIMITS
from challenge.rules.sdgs import SDGS
from challenge.schemas import ApplicationIn, EditionIn, ProblemIn
from core.errors import ValidationFailed
from core.forms import field
from core.i18n import gettext as _
from core.i18n import label

UNREADABLE_COUNT = -1
PROBLEM_TEXTS = tuple(TEXT_LIMITS)
APPLICATION_TEXTS = ("solution", "why_us", "traction", "pilot_plan", "impact", "video_url")
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


# Problems -----------------------------------------------------------------------------------


def _numbers(data: dict[str, Any], name: str) -> list[int]:
    """The numbers of a repeated or comma-separated field; a piece that is no number becomes 0,
    which the service refuses with the field's own message."""
    pieces = [piece for raw in _list(data, name) for piece in raw.replace(",", " ").split()]
    return [int(piece) if piece.isdigit() else 0 for piece in pieces]


def _people(raw: str) -> int | None:
    """A count of people as typed ("4 200", "4,200").

    One that is no number becomes -1, which the problem rule refuses with the count's own
    message: the service still says a closed intake first, and every field's problem at once.
    """
    digits = raw.replace(" ", "").replace(",", "").replace(".", "")
    if not digits:
        return None
    return int(digits) if digits.isdigit() else UNREADABLE_COUNT


def problem_command(data: dict[str, Any]) -> ProblemIn:
    """A municipality's problem form as the command the API also sends (`submit` from the button)."""
    texts = {name: field(data, name) for name in PROBLEM_TEXTS}
    return ProblemIn(
        **texts,
        track=field(data, "track") or None,
        budget_range=field(data, "budget_range") or None,
        procurement_path=field(data, "procurement_path") or None,
        affected_count=_people(field(data, "affected_count")),
        open_data_links=[line for raw in _list(data, "open_data_links") for line in raw.splitlines()],
        sdgs=_numbers(data, "sdgs"),
        language=field(data, "language"),
        submit=field(data, "action") == "submit",
    )


def problem_form_values(problem: ProblemRow) -> dict[str, Any]:
    """A stored problem as its form shows it: goals as ticked boxes, links one per line."""
    values: dict[str, Any] = msgspec.structs.asdict(problem)
    values["sdgs"] = [str(goal) for goal in problem.sdgs]
    values["open_data_links"] = "\n".join(problem.open_data_links)
    values["affected_count"] = "" if problem.affected_count is None else str(problem.affected_count)
    return values


# Profiles -----------------------------------------------------------------------------------


def profile_form_values(profile: StartupRow | MunicipalityRow) -> dict[str, Any]:
    """A stored startup's or municipality's profile as its form shows it, field by field."""
    return msgspec.structs.asdict(profile)


# Applications -------------------------------------------------------------------------------


def _whole(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def application_command(data: dict[str, Any], *, pitch_deck_file_id: int | None) -> ApplicationIn:
    """A startup's application form as the command the API also sends.

    Problems are the ticked boxes (anything that is no id is dropped, as the form only offers
    ids); answers come from the `q<question id>` fields; `version` is the one the edit started from.
    """
    return ApplicationIn(
        edition_id=_whole(field(data, "edition_id")),
        track=field(data, "track"),
        problems=[int(value) for value in _list(data, "problems") if value.isdigit()],
        sdgs=_numbers(data, "sdgs"),
        support_needed=_list(data, "support_needed"),
        answers={name[1:]: field(data, name) for name in data if name.startswith("q") and name[1:].isdigit()},
        question_answers=question_answers(data),
        pitch_deck_file_id=pitch_deck_file_id,
        version=_whole(field(data, "version")),
        **{name: field(data, name) for name in APPLICATION_TEXTS},
    )


def question_answers(data: dict[str, Any]) -> dict[str, str | list[str]]:
    """The answers to the organisers' own questions, from the `a<question id>` fields."""
    found: dict[str, str | list[str]] = {}
    for name, value in data.items():
        if name.startswith("a") and name[1:].isdigit():
            found[name[1:]] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return found


def application_form_values(application: ApplicationRow, problem_ids: list[int]) -> dict[str, Any]:
    """A stored draft as its form shows it: problems and goals as ticked boxes, answers as `q<id>`."""
    return {
        **msgspec.structs.asdict(application),
        "problems": [str(p) for p in problem_ids],
        "sdgs": [str(goal) for goal in application.sdgs],
        **{f"q{key}": value for key, value in application.answers.items()},
    }
