"""Judging's HTML forms: their strings become the typed commands the services take, and back.

Field names and messages are the forms' own (`criteria-<row>-weight`, `c<criterion id>`); a
field that cannot be read raises `ValidationFailed` with its message, together with what the
shared checks (`judging.rules.rounds`) find wrong with the fields that could be read.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from challenge.rules.phases import local_to_utc, utc_to_local
from core.errors import ValidationFailed
from core.forms import field
from core.i18n import gettext as _
from core.rules import N_
from judging.enums import DeckPolicy, FeedbackScores, Normalisation, RoundEntry, RoundMethod
from judging.queries.judges import JudgeProfileRow
from judging.records import CriterionRow, RoundRow, SheetRow
from judging.rules import pairwise as pairwise_rules
from judging.rules.redaction import unknown_fields
from judging.rules.rounds import ROUND_NUMBERS, number_error, round_name_errors, round_number_errors
from judging.rules.rubrics import Message
from judging.schemas import AdvanceIn, CriterionIn, JudgeProfileIn, RoundIn, RubricIn, ScoresIn

E = TypeVar("E", bound=StrEnum)

ROUND_FIELDS = (
    "name",
    "method",
    "entry",
    "judges_per_application",
    "max_per_judge",
    "advance_count",
    "normalisation",
    "min_comparisons",
)
# The order the round form's messages come in.
_ROUND_ERROR_ORDER = (
    "name",
    "method",
    "entry",
    "normalisation",
    "judges_per_application",
    "max_per_judge",
    "advance_count",
    "opens_at",
    "closes_at",
    "feedback_scores",
    "redacted_fields",
    "deck_policy",
    "min_comparisons",
)
# Empty rows offered below a rubric's criteria for adding new ones.
BLANK_ROWS = 3


def _text(data: dict[str, Any], name: str) -> str:
    return str(data.get(name, "") or "").strip()


def _choice(data: dict[str, Any], name: str, enum: type[E], errors: dict[str, str]) -> E:
    value = str(data.get(name, "") or "")
    if value not in {m.value for m in enum}:
        errors[name] = N_("Choose one of the options.")
        return next(iter(enum))
    return enum(value)


def _whole(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def _moment(data: dict[str, Any], name: str, timezone: str, errors: dict[str, str]) -> datetime | None:
    text = _text(data, name)
    if not text:
        return None
    try:
        return local_to_utc(datetime.fromisoformat(text), timezone)
    except ValueError:
        errors[name] = N_("Give a date and time, e.g. 2027-05-10 09:00.")
        return None


def _rendered(messages: dict[str, Message]) -> dict[str, str]:
    return {name: message.render(_) for name, message in messages.items()}


def round_command(data: dict[str, Any], timezone: str) -> RoundIn:
    """The round form (times on the edition's wall clock) as a command; every field's problem at once."""
    errors = _rendered(round_name_errors(_text(data, "name")))
    method = _choice(data, "method", RoundMethod, errors)
    entry = _choice(data, "entry", RoundEntry, errors)
    normalisation = _choice(data, "normalisation", Normalisation, errors)
    numbers: dict[str, int] = {}
    for name in ROUND_NUMBERS:
        value = _whole(str(data.get(name) or "").strip())
        if value is None:
            errors[name] = number_error(name).render(_)
        else:
            numbers[name] = value
    errors.update(_rendered(round_number_errors(numbers)))
    opens_at = _moment(data, "opens_at", timezone, errors)
    closes_at = _moment(data, "closes_at", timezone, errors)
    feedback = _feedback(data, errors)
    blind, redacted, deck_policy = _blind_settings(data, errors)
    # Only pairwise rounds show it; a form without it keeps the default.
    min_comparisons = _whole(_text(data, "min_comparisons") or str(pairwise_rules.MIN_COMPARISONS))
    if min_comparisons is None:
        errors["min_comparisons"] = pairwise_rules.MIN_COMPARISONS_ERROR
    else:
        errors.update(pairwise_rules.min_comparisons_errors(min_comparisons))
    if errors:
        raise ValidationFailed({k: errors[k] for k in sorted(errors, key=_ROUND_ERROR_ORDER.index)})
    return RoundIn(
        name=_text(data, "name"),
        method=method,
        entry=entry,
        normalisation=normalisation,
        opens_at=opens_at,
        closes_at=closes_at,
        feedback_scores=feedback[0],
        feedback_comments=feedback[1],
        blind=blind,
        redacted_fields=redacted,
        deck_policy=deck_policy,
        min_comparisons=min_comparisons or pairwise_rules.MIN_COMPARISONS,
        **numbers,
    )


def _feedback(data: dict[str, Any], errors: dict[str, str]) -> tuple[FeedbackScores, bool]:
    """The round form's feedback fieldset; a form without it (an older page) shares nothing."""
    scores = FeedbackScores.NONE
    if "feedback_scores" in data:
        scores = _choice(data, "feedback_scores", FeedbackScores, errors)
    return scores, field(data, "feedback_comments") == "on"


def _blind_settings(data: dict[str, Any], errors: dict[str, str]) -> tuple[bool, list[str], DeckPolicy]:
    """The blind round's fieldset: the switch, the fields hidden besides the team, the deck."""
    raw = data.get("redacted_fields", [])
    names = sorted({str(n) for n in ([raw] if isinstance(raw, str) else raw or [])})
    if unknown_fields(names):
        errors["redacted_fields"] = N_("Choose among the fields offered.")
        names = [n for n in names if n not in unknown_fields(names)]
    deck_policy = _choice(data, "deck_policy", DeckPolicy, errors) if data.get("deck_policy") else DeckPolicy.WARN
    return field(data, "blind") == "on", names, deck_policy


def round_form_values(round_: RoundRow, timezone: str) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(getattr(round_, k)) for k in ROUND_FIELDS}
    values["feedback_scores"] = str(round_.feedback_scores)
    values["feedback_comments"] = "on" if round_.feedback_comments else ""
    for name in ("opens_at", "closes_at"):
        moment: datetime | None = getattr(round_, name)
        values[name] = utc_to_local(moment, timezone).isoformat(timespec="minutes") if moment else ""
    values |= {"blind": "on" if round_.blind else "", "redacted_fields": list(round_.redacted_fields)}
    values["deck_policy"] = str(round_.deck_policy)
    return values


def _scale(text: str) -> int | float:
    whole = _whole(text)
    return float("nan") if whole is None else whole


def rubric_command(data: dict[str, Any]) -> RubricIn:
    """Rows `criteria-<i>-<field>`; a row with no name and no weight is an unused blank row."""
    criteria: list[CriterionIn] = []
    index = 0
    while f"criteria-{index}-name" in data:
        prefix = f"criteria-{index}"
        name = _text(data, f"{prefix}-name")
        weight_text = _text(data, f"{prefix}-weight").replace(",", ".")
        independent = str(data.get(f"{prefix}-independent", "")) == "on"
        if not weight_text and name and independent:
            weight_text = "0"  # a shown-only criterion needs no weight
        if name or weight_text:
            try:
                weight = float(weight_text)
            except ValueError:
                weight = float("nan")
            criteria.append(
                CriterionIn(
                    name=name,
                    weight=weight,
                    scale_min=_scale(_text(data, f"{prefix}-scale_min")),
                    scale_max=_scale(_text(data, f"{prefix}-scale_max")),
                    guidance=_text(data, f"{prefix}-guidance"),
                    independent=independent,
                    row=index,
                )
            )
        index += 1
    return RubricIn(criteria=criteria)


def rubric_form_values(rows: list[CriterionRow]) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, row in enumerate(rows):
        for name in ("name", "guidance", "scale_min", "scale_max"):
            values[f"criteria-{index}-{name}"] = str(getattr(row, name))
        values[f"criteria-{index}-weight"] = f"{row.weight:g}"
        values[f"criteria-{index}-independent"] = "on" if row.independent else ""
    return values


_SCORE = re.compile(r"c([1-9]\d*)")
_COMMENT = re.compile(r"c([1-9]\d*)_comment")
_PRIVATE = re.compile(r"c([1-9]\d*)_private")


def _score(text: str) -> int | float:
    whole = _whole(text)
    if whole is not None:
        return whole
    try:
        return float(text)
    except ValueError:
        return math.nan


def scores_command(data: dict[str, Any], *, submit: bool) -> ScoresIn:
    """Fields `c<criterion id>`, `c<criterion id>_comment` and the box `c<criterion id>_private`
    (the comment is for the organisers only); empty ones are left out."""
    values: dict[int, int | float] = {}
    comments: dict[int, str] = {}
    private: set[int] = set()
    for key, raw in data.items():
        if (score := _SCORE.fullmatch(key)) and raw is not None and str(raw).strip() != "":
            values[int(score.group(1))] = _score(str(raw).strip())
        elif (comment := _COMMENT.fullmatch(key)) and (text := str(raw or "").strip()):
            comments[int(comment.group(1))] = text
        elif (box := _PRIVATE.fullmatch(key)) and str(raw or "") == "on":
            private.add(int(box.group(1)))
    return ScoresIn(values=values, comments=comments, submit=submit, private_comments=frozenset(private))


def sheet_form_values(sheet: SheetRow | None) -> dict[str, str]:
    if sheet is None:
        return {}
    values = {f"c{k}": str(v) for k, v in sheet.values.items()}
    values |= {f"c{k}_private": "on" for k in sheet.private_comments}
    return values | {f"c{k}_comment": v for k, v in sheet.comments.items()}


def profile_command(data: dict[str, Any]) -> JudgeProfileIn:
    raw = data.get("expertise", [])
    tags = sorted({str(t) for t in ([raw] if isinstance(raw, str) else raw or [])})
    return JudgeProfileIn(organisation=_text(data, "organisation"), expertise=tags)


def profile_form_values(profile: JudgeProfileRow | None) -> dict[str, Any]:
    return {"organisation": profile.organisation, "expertise": profile.expertise} if profile else {}


def _count(text: str) -> int:
    return int(text) if text.isdigit() else 0


def advance_command(data: dict[str, Any]) -> AdvanceIn:
    """ "By hand" takes exactly the ticked applications; otherwise the top N under the quotas."""
    by_hand = data.get("ids") if field(data, "mode") == "by_hand" else None
    ids = [int(i) for i in ([by_hand] if isinstance(by_hand, str) else by_hand or []) if str(i).isdigit()]
    return AdvanceIn(
        application_ids=ids if by_hand is not None else None,
        min_rural=_count(field(data, "min_rural")),
        max_per_municipality=_count(field(data, "max_per_municipality")),
    )
