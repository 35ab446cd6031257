"""A municipality's problem statement: its lifecycle and what a complete one contains."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlparse

from challenge.enums import BudgetRange, ProblemAction, ProblemStatus, ProcurementPath, Track
from challenge.rules.sdgs import SDGS
from core.rules import N_, TOO_LONG
from core.rules.bilingual import CONTENT_LANGUAGES, SERBIAN, UNKNOWN_LANGUAGE
from core.rules.emails import email_problem, normalise_email

# (from, action) -> to. Municipalities submit and withdraw; organisers do the rest.
TRANSITIONS: dict[tuple[ProblemStatus, ProblemAction], ProblemStatus] = {
    (ProblemStatus.DRAFT, ProblemAction.SUBMIT): ProblemStatus.SUBMITTED,
    (ProblemStatus.CHANGES_REQUESTED, ProblemAction.SUBMIT): ProblemStatus.SUBMITTED,
    (ProblemStatus.SUBMITTED, ProblemAction.REQUEST_CHANGES): ProblemStatus.CHANGES_REQUESTED,
    (ProblemStatus.SUBMITTED, ProblemAction.PUBLISH): ProblemStatus.PUBLISHED,
    (ProblemStatus.SUBMITTED, ProblemAction.ARCHIVE): ProblemStatus.ARCHIVED,
    (ProblemStatus.CHANGES_REQUESTED, ProblemAction.ARCHIVE): ProblemStatus.ARCHIVED,
    (ProblemStatus.PUBLISHED, ProblemAction.ARCHIVE): ProblemStatus.ARCHIVED,
    (ProblemStatus.DRAFT, ProblemAction.WITHDRAW): ProblemStatus.WITHDRAWN,
    (ProblemStatus.SUBMITTED, ProblemAction.WITHDRAW): ProblemStatus.WITHDRAWN,
    (ProblemStatus.CHANGES_REQUESTED, ProblemAction.WITHDRAW): ProblemStatus.WITHDRAWN,
}
ORGANISER_ACTIONS = frozenset({ProblemAction.REQUEST_CHANGES, ProblemAction.PUBLISH, ProblemAction.ARCHIVE})
EDITABLE = frozenset({ProblemStatus.DRAFT, ProblemStatus.CHANGES_REQUESTED})
MAX_LINKS = 10


class TransitionRefused(ValueError):
    pass


def transition(status: ProblemStatus, action: ProblemAction) -> ProblemStatus:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionRefused(
            f"A {status.value.replace('_', ' ')} problem cannot be given the action {action.value.replace('_', ' ')}."
        ) from None


def allowed_actions(status: ProblemStatus) -> frozenset[ProblemAction]:
    return frozenset(action for (source, action) in TRANSITIONS if source == status)


@dataclass(frozen=True)
class ProblemFields:
    """A problem statement as typed; anything may be missing while it is a draft."""

    title: str = ""
    track: Track | None = None
    summary: str = ""
    context: str = ""
    affected_groups: str = ""
    affected_count: int | None = None
    tried_before: str = ""
    data_available: str = ""
    open_data_links: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    budget_range: BudgetRange | None = None
    procurement_path: ProcurementPath | None = None
    pilot_location: str = ""
    contact_name: str = ""
    contact_email: str = ""
    # The language title, summary and context are written in; the other language's version.
    language: str = SERBIAN
    translated_title: str = ""
    translated_summary: str = ""
    translated_context: str = ""


TEXT_LIMITS = {
    "title": 200,
    "summary": 600,
    "context": 6000,
    "translated_title": 200,
    "translated_summary": 600,
    "translated_context": 6000,
    "affected_groups": 1500,
    "tried_before": 4000,
    "data_available": 4000,
    "pilot_location": 300,
    "contact_name": 120,
    "contact_email": 254,
}
REQUIRED_FOR_SUBMISSION = (
    "title", "track", "summary", "context", "affected_groups", "affected_count", "data_available", "sdgs",
    "budget_range", "procurement_path", "pilot_location", "contact_name", "contact_email",
)  # fmt: skip
FIELD_NAMES = tuple(f.name for f in fields(ProblemFields))


@dataclass
class ParsedProblem:
    fields: ProblemFields
    errors: dict[str, str] = field(default_factory=dict)


def _values(data: Mapping[str, object], name: str) -> list[str]:
    raw = data.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    return [str(item) for item in items]


def _text(data: Mapping[str, object], name: str) -> str:
    values = _values(data, name)
    return values[-1].strip() if values else ""


def parse_problem(data: Mapping[str, object]) -> ParsedProblem:
    """Read a problem form (or JSON) into typed fields, noting each value that cannot be kept."""
    errors: dict[str, str] = {}
    texts = {name: _text(data, name) for name in TEXT_LIMITS}
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            errors[name] = TOO_LONG
    if texts["contact_email"]:
        texts["contact_email"] = normalise_email(texts["contact_email"])
        if problem := email_problem(texts["contact_email"]):
            errors["contact_email"] = problem
    track = _choice(data, "track", Track, errors)
    language = _text(data, "language") or SERBIAN
    if language not in CONTENT_LANGUAGES:
        errors["language"] = UNKNOWN_LANGUAGE
        language = SERBIAN
    budget = _choice(data, "budget_range", BudgetRange, errors)
    procurement = _choice(data, "procurement_path", ProcurementPath, errors)
    affected_count = _affected_count(data, errors)
    sdgs = _sdgs(data, errors)
    links = _open_data_links(data, errors)
    return ParsedProblem(
        fields=ProblemFields(
            title=texts["title"],
            track=track,
            summary=texts["summary"],
            context=texts["context"],
            affected_groups=texts["affected_groups"],
            affected_count=affected_count,
            tried_before=texts["tried_before"],
            data_available=texts["data_available"],
            open_data_links=tuple(links[:MAX_LINKS]),
            sdgs=tuple(sorted(sdgs)),
            budget_range=budget,
            procurement_path=procurement,
            pilot_location=texts["pilot_location"],
            contact_name=texts["contact_name"],
            contact_email=texts["contact_email"],
            language=language,
            translated_title=texts["translated_title"],
            translated_summary=texts["translated_summary"],
            translated_context=texts["translated_context"],
        ),
        errors=errors,
    )


_Choice = TypeVar("_Choice", bound=StrEnum)


def _choice(data: Mapping[str, object], name: str, enum: type[_Choice], errors: dict[str, str]) -> _Choice | None:
    value = _text(data, name)
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        errors[name] = N_("Choose one of the options.")
        return None


def _affected_count(data: Mapping[str, object], errors: dict[str, str]) -> int | None:
    if raw_count := _text(data, "affected_count").replace(" ", "").replace(",", "").replace(".", ""):
        if raw_count.isdigit() and int(raw_count) <= 100_000_000:
            return int(raw_count)
        errors["affected_count"] = N_("Give a whole number of people, e.g. 4200.")
    return None


def _sdgs(data: Mapping[str, object], errors: dict[str, str]) -> list[int]:
    sdgs: list[int] = []
    for raw in _values(data, "sdgs"):
        for piece in raw.replace(",", " ").split():
            if piece.isdigit() and int(piece) in SDGS:
                if int(piece) not in sdgs:
                    sdgs.append(int(piece))
            else:
                errors["sdgs"] = N_("SDG goals are numbered 1 to 17.")
    return sdgs


def _open_data_links(data: Mapping[str, object], errors: dict[str, str]) -> list[str]:
    links: list[str] = []
    for raw in _values(data, "open_data_links"):
        for line in raw.splitlines():
            link = line.strip()
            if not link:
                continue
            parsed = urlparse(link)
            if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
                errors["open_data_links"] = N_("Each link must be a full web address starting with https://")
            elif link not in links:
                links.append(link)
    if len(links) > MAX_LINKS:
        errors["open_data_links"] = N_("Give at most 10 links.")
    return links


def draft_problems(problem: ProblemFields) -> dict[str, str]:
    """What stops a draft from being saved: only a title, so it can be found again."""
    return {} if problem.title else {"title": N_("Give the problem a title before saving.")}


def missing_for_submission(problem: ProblemFields) -> dict[str, str]:
    """Every required field still empty, so the form can show all of them at once."""
    missing: dict[str, str] = {}
    for name in REQUIRED_FOR_SUBMISSION:
        value = getattr(problem, name)
        if value is None or value == "" or value == ():
            missing[name] = N_("Required before submission.")
    return missing
