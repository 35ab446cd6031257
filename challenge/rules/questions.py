"""The organisers' own application questions: what a question may ask, and what an answer must be.

A question is asked in versions: editing it makes a new version and every answer keeps pointing
at the version it answered, so an answer stays readable (its choice labels, its limits) however
the question changes later. Choices carry stable keys for the same reason: renaming a choice
keeps its key, so earlier answers read with the new name and filters still find them.

Drafts keep whatever was typed, even an answer that is not valid yet; only submission insists
that every required question is answered and every answer is valid (`submission_problems`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from challenge.enums import AnswerKind
from core.rules import N_, TOO_LONG
from core.rules.scripts import to_cyrillic, to_latin

LANGUAGES = ("en", "sr_Cyrl", "sr_Latn")
# The uploads a file question may accept: the types core.uploads recognises by their first bytes.
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp")
MAX_LABEL = 300
MAX_HELP = 1000
MAX_CHOICES = 30
MAX_CHOICE_LABEL = 200
DEFAULT_TEXT_LIMIT = 2000
MAX_TEXT_LIMIT = 10000
DEFAULT_MEGABYTES = 10
# The platform's own upload limit (core.settings max_upload_bytes, 20 MiB by default).
MAX_MEGABYTES = 20
CHOICE_KINDS = frozenset({AnswerKind.SINGLE_CHOICE, AnswerKind.MULTIPLE_CHOICE})
# Kinds an organiser can filter the screening list by (choices, yes/no, a number at least).
FILTERABLE = frozenset({AnswerKind.SINGLE_CHOICE, AnswerKind.MULTIPLE_CHOICE, AnswerKind.YES_NO, AnswerKind.NUMBER})

_NUMBER = re.compile(r"^-?\d{1,15}(?:[.,]\d{1,6})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ANSWER_NEEDED = N_("Please answer this question.")
NOT_AN_OPTION = N_("Choose one of the options.")


@dataclass(frozen=True)
class Labels:
    """One text in the platform's three languages."""

    en: str = ""
    sr_Cyrl: str = ""  # named as the locales they are shown in
    sr_Latn: str = ""

    def shown_in(self, locale: str) -> str:
        """The text for a reader of `locale`; English when that language was left blank."""
        text = getattr(self, locale, "") if locale in LANGUAGES else ""
        return text or self.en or self.sr_Latn or self.sr_Cyrl

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "sr_Cyrl": self.sr_Cyrl, "sr_Latn": self.sr_Latn}


@dataclass(frozen=True)
class Choice:
    key: str
    label: Labels


@dataclass(frozen=True)
class Definition:
    """What one version of a question asks; limits only for the kinds they apply to."""

    kind: AnswerKind
    label: Labels
    help: Labels = field(default_factory=Labels)
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[Choice, ...] = ()
    file_types: tuple[str, ...] = ()
    max_megabytes: int | None = None

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Asked:
    """A question as it is asked now: its current version, for which track, required or not."""

    question_id: int
    version_id: int
    required: bool
    definition: Definition
    # None: every track of the edition.
    track: str | None = None


@dataclass(frozen=True)
class Problem:
    """What is wrong with a field, as a message with its values (translated where it is shown)."""

    message: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    """An answer read against the version it answers: kept as typed, with what is wrong, if anything."""

    value: str | tuple[str, ...]
    problem: Problem | None = None
    # The number a valid number answer stands for (what "at least" filters compare).
    number: float | None = None
    # ",key," for each chosen key of a valid choice or yes/no answer (what choice filters match).
    tags: str = ""

    @property
    def empty(self) -> bool:
        return not self.value


def number_text(value: float) -> str:
    """A limit as people write it: 10, not 10.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def applies_to(question_track: str | None, track: str) -> bool:
    return question_track is None or question_track == track


def submitted_before(question_track: str | None, submitted_by_track: Mapping[str, int]) -> int:
    """How many already submitted applications a question of `question_track` applies to: had it
    been required, they never answered it. It is never asked of them again (a submission is only
    checked when it is made), so they stay valid; only drafts must answer it."""
    return sum(count for track, count in submitted_by_track.items() if applies_to(question_track, track))


def asked_of_track(questions: Sequence[Asked], track: str) -> tuple[Asked, ...]:
    return tuple(q for q in questions if applies_to(q.track, track))


# Definitions ----------------------------------------------------------------------------------


def _languages(form: Mapping[str, str], prefix: str) -> Labels:
    """English and Serbian; Serbian in either script, the other derived when left blank."""
    en = form.get(f"{prefix}_en", "").strip()
    cyrillic = form.get(f"{prefix}_sr_Cyrl", "").strip()
    latin = form.get(f"{prefix}_sr_Latn", "").strip()
    if cyrillic and not latin:
        latin = to_latin(cyrillic)
    elif latin and not cyrillic:
        cyrillic = to_cyrillic(latin)
    return Labels(en=en, sr_Cyrl=cyrillic, sr_Latn=latin)


def _whole(raw: str, *, low: int, high: int, default: int) -> int | None:
    text = raw.strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        return None
    return int(text)


def _number(raw: str) -> float | None:
    text = raw.strip().replace(" ", "")
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", "."))
    return value if math.isfinite(value) else None


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


def assign_keys(labels: Sequence[str], previous: Sequence[Choice] = ()) -> tuple[str, ...]:
    """Stable keys for a version's choices (given by their English labels), from the version before.

    A label the previous version had keeps its key wherever it moved; a new label at the place of
    a label that is gone is that choice renamed and keeps its key; any other is a new choice.
    """
    old_by_label = {c.label.en.casefold(): c.key for c in previous}
    new_labels = {label.casefold() for label in labels}
    keys: list[str | None] = [old_by_label.get(label.casefold()) for label in labels]
    used = {key for key in keys if key}
    for index, key in enumerate(keys):
        if key is None and index < len(previous):
            renamed = previous[index]
            if renamed.label.en.casefold() not in new_labels and renamed.key not in used:
                keys[index] = renamed.key
                used.add(renamed.key)
    numbers = [int(k[1:]) for k in (*used, *(c.key for c in previous)) if k[1:].isdigit()]
    next_number = max(numbers, default=0) + 1
    for index, key in enumerate(keys):
        if key is None:
            keys[index] = f"c{next_number}"
            next_number += 1
    return tuple(str(key) for key in keys)


def _choices(form: Mapping[str, str], previous: Sequence[Choice]) -> tuple[tuple[Choice, ...], str | None]:
    english = _lines(form.get("choices_en", ""))
    cyrillic = _lines(form.get("choices_sr_Cyrl", ""))
    latin = _lines(form.get("choices_sr_Latn", ""))
    if len(english) < 2:
        return (), N_("Give at least two choices, one per line.")
    if len(english) > MAX_CHOICES:
        return (), N_("Give at most 30 choices.")
    if any(len(line) > MAX_CHOICE_LABEL for line in (*english, *cyrillic, *latin)):
        return (), TOO_LONG
    if len({line.casefold() for line in english}) != len(english):
        return (), N_("Each choice must be different from the others.")
    if cyrillic and not latin:
        latin = [to_latin(line) for line in cyrillic]
    elif latin and not cyrillic:
        cyrillic = [to_cyrillic(line) for line in latin]
    if len(cyrillic) != len(english) or len(latin) != len(english):
        return (), N_("Give each choice in Serbian too, one per line in the same order.")
    keys = assign_keys(english, previous)
    return tuple(
        Choice(key=key, label=Labels(en=en, sr_Cyrl=cyr, sr_Latn=lat))
        for key, en, cyr, lat in zip(keys, english, cyrillic, latin, strict=True)
    ), None


def parse_definition(
    form: Mapping[str, str], *, file_types: Sequence[str] = (), previous: Sequence[Choice] = ()
) -> tuple[Definition | None, dict[str, str]]:
    """A question's version from the organiser's form, or every field's problem at once.

    `previous` are the choices of the version being replaced, whose keys carry over (`assign_keys`).
    """
    errors: dict[str, str] = {}
    try:
        kind = AnswerKind(form.get("kind", ""))
    except ValueError:
        return None, {"kind": NOT_AN_OPTION}
    label = _languages(form, "label")
    help_text = _languages(form, "help")
    if not label.en:
        errors["label_en"] = N_("Write the question in English.")
    if not label.sr_Cyrl:
        errors["label_sr_Cyrl"] = N_("Write the question in Serbian (in either script).")
    for language in LANGUAGES:
        if len(getattr(label, language)) > MAX_LABEL:
            errors[f"label_{language}"] = TOO_LONG
        if len(getattr(help_text, language)) > MAX_HELP:
            errors[f"help_{language}"] = TOO_LONG
    definition = Definition(kind=kind, label=label, help=help_text)
    if kind == AnswerKind.TEXT:
        limit = _whole(form.get("max_length", ""), low=1, high=MAX_TEXT_LIMIT, default=DEFAULT_TEXT_LIMIT)
        if limit is None:
            errors["max_length"] = N_("Give a whole number of characters from 1 to 10000.")
        definition = Definition(kind=kind, label=label, help=help_text, max_length=limit)
    elif kind == AnswerKind.NUMBER:
        low_raw, high_raw = form.get("min_value", "").strip(), form.get("max_value", "").strip()
        low = _number(low_raw) if low_raw else None
        high = _number(high_raw) if high_raw else None
        if low_raw and low is None:
            errors["min_value"] = N_("Give a number, or leave it blank for no limit.")
        if high_raw and high is None:
            errors["max_value"] = N_("Give a number, or leave it blank for no limit.")
        if low is not None and high is not None and low > high:
            errors["max_value"] = N_("The largest allowed number must not be below the smallest.")
        definition = Definition(kind=kind, label=label, help=help_text, min_value=low, max_value=high)
    elif kind in CHOICE_KINDS:
        choices, problem = _choices(form, previous)
        if problem:
            errors["choices_en"] = problem
        definition = Definition(kind=kind, label=label, help=help_text, choices=choices)
    elif kind == AnswerKind.FILE:
        chosen = tuple(t for t in FILE_TYPES if t in set(file_types))
        if not chosen or set(file_types) - set(FILE_TYPES):
            errors["file_types"] = N_("Choose at least one kind of file.")
        megabytes = _whole(form.get("max_megabytes", ""), low=1, high=MAX_MEGABYTES, default=DEFAULT_MEGABYTES)
        if megabytes is None:
            errors["max_megabytes"] = N_("Give a whole number of megabytes from 1 to 20.")
        definition = Definition(kind=kind, label=label, help=help_text, file_types=chosen, max_megabytes=megabytes)
    return (None, errors) if errors else (definition, {})


def parse_track(raw: str, edition_tracks: Sequence[str]) -> tuple[str | None, str | None]:
    """The track a question is asked in (blank: all of the edition's), or the field's problem."""
    text = raw.strip()
    if not text:
        return None, None
    if text not in edition_tracks:
        return None, N_("This edition does not run that track.")
    return text, None


def moved(order: Sequence[int], question_id: int, *, up: bool) -> tuple[int, ...]:
    """The questions' order with one moved a place up or down (unchanged at either end)."""
    ids = list(order)
    if question_id not in ids:
        return tuple(ids)
    index = ids.index(question_id)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return tuple(ids)


# Answers -------------------------------------------------------------------------------------


def check_answer(definition: Definition, raw: str | Sequence[str]) -> Checked:
    """An answer read against its question's version; empty is no problem here (see submission_problems)."""
    if definition.kind == AnswerKind.MULTIPLE_CHOICE:
        picked = [raw] if isinstance(raw, str) else list(raw)
        picked = [key.strip() for key in picked if key.strip()]
        known = [c.key for c in definition.choices if c.key in set(picked)]
        if len(known) != len(set(picked)):
            return Checked(value=tuple(dict.fromkeys(picked)), problem=Problem(N_("Choose from the listed options.")))
        return Checked(value=tuple(known), tags="".join(f",{key}," for key in known))
    text = (raw if isinstance(raw, str) else (raw[-1] if raw else "")).strip()
    if not text:
        return Checked(value="")
    kind = definition.kind
    if kind == AnswerKind.TEXT:
        limit = definition.max_length or DEFAULT_TEXT_LIMIT
        if len(text) > limit:
            return Checked(
                value=text,
                problem=Problem(
                    N_("At most %(limit)s characters, please (this has %(count)s)."),
                    {"limit": str(limit), "count": str(len(text))},
                ),
            )
        return Checked(value=text)
    if kind == AnswerKind.NUMBER:
        return _check_number(definition, text)
    if kind == AnswerKind.SINGLE_CHOICE:
        if definition.choice(text) is None:
            return Checked(value=text, problem=Problem(NOT_AN_OPTION))
        return Checked(value=text, tags=f",{text},")
    if kind == AnswerKind.YES_NO:
        if text not in ("yes", "no"):
            return Checked(value=text, problem=Problem(NOT_AN_OPTION))
        return Checked(value=text, tags=f",{text},")
    if kind == AnswerKind.DATE:
        if not _is_date(text):
            return Checked(value=text, problem=Problem(N_("Give a date as year-month-day, such as 2027-03-31.")))
        return Checked(value=text)
    # A file answer is the id of an upload; its type and size were checked as it arrived.
    if not text.isdigit():
        return Checked(value="", problem=Problem(N_("Upload the file again, please.")))
    return Checked(value=text)


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_number(definition: Definition, text: str) -> Checked:
    value = _number(text)
    low, high = definition.min_value, definition.max_value
    if value is None:
        return Checked(value=text, problem=Problem(N_("Give a number, such as 12 or 3.5.")))
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            problem = Problem(
                N_("Give a number from %(min)s to %(max)s."), {"min": number_text(low), "max": number_text(high)}
            )
        elif low is not None:
            problem = Problem(N_("Give a number of at least %(min)s."), {"min": number_text(low)})
        else:
            problem = Problem(N_("Give a number of at most %(max)s."), {"max": number_text(high or 0)})
        return Checked(value=text, problem=problem)
    return Checked(value=text, number=value)


def field_name(question_id: int) -> str:
    """The form field (and error key) of a question's answer."""
    return f"a{question_id}"


def draft_problems(asked: Sequence[Asked], answers: Mapping[int, Checked]) -> dict[str, Problem]:
    """What is wrong with the answers given so far: shown beside them, never stopping a save."""
    return {
        field_name(q.question_id): checked.problem
        for q in asked
        if (checked := answers.get(q.question_id)) is not None and checked.problem is not None
    }


def submission_problems(asked: Sequence[Asked], answers: Mapping[int, Checked]) -> dict[str, Problem]:
    """What stops a submission: a required question unanswered, or any answer that is not valid."""
    problems = draft_problems(asked, answers)
    for question in asked:
        checked = answers.get(question.question_id)
        name = field_name(question.question_id)
        if question.required and (checked is None or checked.empty) and name not in problems:
            problems[name] = Problem(ANSWER_NEEDED)
    return problems
