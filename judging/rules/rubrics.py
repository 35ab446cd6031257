"""Rubric criteria, a judge's score sheet, and the weighted total a sheet adds up to.

Scales mix by position: every value is first read as the fraction of the way from its
criterion's lowest to its highest score (3 on 1-5 is 0.5, like 5.5 on 1-10), the fractions are
averaged with the weights normalised to sum 1 over the criteria that count, and the average is
read back on the rubric's common scale (`total_scale`): the scale the counted criteria share,
or 0-100 (percent) when they use different ones. On a shared scale that is exactly the weighted
mean of the values. Criteria marked independent are shown to judges and organisers but left
out of the total.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from core.rules import N_

NAME_MAX_LENGTH = 120
GUIDANCE_MAX_LENGTH = 2_000
COMMENT_MAX_LENGTH = 2_000
# The common scale of a rubric whose counted criteria use different scales.
MIXED_SCALE = (0, 100)


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence for people: an `N_`-marked template and the values of its %(name)s placeholders.

    Kept apart until shown, so the template is looked up in the reader's catalogue first and
    filled in after (`render(gettext)`); formatting it here would defeat the translation.
    Values that are Messages themselves are rendered with the same `translate`.
    """

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = str) -> str:
        text = translate(self.template)
        if not self.params:
            return text
        values = {
            name: value.render(translate) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return text % values

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Scale:
    """Whole scores from `low` to `high`, both included."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of a rubric; `id` is any placeholder (say 0) until the criterion is saved."""

    id: int
    name: str
    weight: float
    scale_min: int = 1
    scale_max: int = 10
    guidance: str = ""
    # Shown on the sheet and in the results, but not part of the weighted total.
    independent: bool = False

    @property
    def scale(self) -> Scale:
        return Scale(self.scale_min, self.scale_max)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_rubric(criteria: Sequence[Criterion]) -> dict[str, Message]:
    """Every problem with a rubric being edited, keyed `criteria-<position>-<field>`.

    Keys use the position (0-based) rather than the id, because new rows have none yet; a
    problem with the rubric as a whole is keyed `criteria`.
    """
    errors: dict[str, Message] = {}
    if not criteria:
        return {"criteria": Message(N_("Add at least one criterion."))}
    seen_names: set[str] = set()
    counted_weight = 0.0
    for position, criterion in enumerate(criteria):
        key = f"criteria-{position}"
        name = criterion.name.strip()
        if not name:
            errors[f"{key}-name"] = Message(N_("Give the criterion a name."))
        elif len(name) > NAME_MAX_LENGTH:
            errors[f"{key}-name"] = Message(N_("Use at most %(max)s characters."), {"max": NAME_MAX_LENGTH})
        elif name.casefold() in seen_names:
            errors[f"{key}-name"] = Message(N_("Another criterion already has this name."))
        seen_names.add(name.casefold())
        if len(criterion.guidance) > GUIDANCE_MAX_LENGTH:
            errors[f"{key}-guidance"] = Message(N_("Use at most %(max)s characters."), {"max": GUIDANCE_MAX_LENGTH})
        weight = criterion.weight
        if not _is_number(weight) or weight < 0:
            errors[f"{key}-weight"] = Message(N_("The weight must be a positive number."))
        elif not criterion.independent:
            if weight == 0:
                errors[f"{key}-weight"] = Message(
                    N_(
                        "The weight must be a positive number; to leave a criterion out of the total, "
                        "mark it as shown only."
                    )
                )
            counted_weight += weight
        if not _is_whole(criterion.scale_min):
            errors[f"{key}-scale_min"] = Message(N_("Use a whole number."))
        if not _is_whole(criterion.scale_max):
            errors[f"{key}-scale_max"] = Message(N_("Use a whole number."))
        elif _is_whole(criterion.scale_min) and criterion.scale_min >= criterion.scale_max:
            errors[f"{key}-scale_max"] = Message(
                N_("The highest score must be above the lowest (%(low)s)."), {"low": criterion.scale_min}
            )
    if counted_weight <= 0:
        errors["criteria"] = Message(
            N_("At least one criterion must count towards the total, with a weight above zero.")
        )
    return errors


def check_score_sheet(
    criteria: Sequence[Criterion],
    values: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    *,
    submitting: bool,
) -> dict[str, Message]:
    """Every problem with one judge's sheet, keyed `c<criterion id>` and `c<criterion id>_comment`.

    A draft may leave criteria empty; a submission needs a score for every criterion, the
    independent ones included (they are shown in the results).
    """
    errors: dict[str, Message] = {}
    comments = comments or {}
    known = {criterion.id for criterion in criteria}
    for criterion_id in sorted(set(values) | set(comments)):
        if criterion_id not in known:
            errors[f"c{criterion_id}"] = Message(N_("This criterion is not part of the rubric."))
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            if submitting:
                errors[f"c{criterion.id}"] = Message(N_("Give a score for this criterion."))
        elif not _is_whole(value) or not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"c{criterion.id}"] = Message(
                N_("Enter a whole number from %(low)s to %(high)s."),
                {"low": criterion.scale_min, "high": criterion.scale_max},
            )
        if len(comments.get(criterion.id, "")) > COMMENT_MAX_LENGTH:
            errors[f"c{criterion.id}_comment"] = Message(
                N_("Use at most %(max)s characters."), {"max": COMMENT_MAX_LENGTH}
            )
    return errors


def counted_criteria(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    return tuple(criterion for criterion in criteria if not criterion.independent)


def total_scale(criteria: Sequence[Criterion]) -> Scale:
    """The scale totals are given on: the counted criteria's own when they share one, else 0-100."""
    scales = {criterion.scale for criterion in counted_criteria(criteria)}
    if len(scales) == 1:
        return scales.pop()
    return Scale(*MIXED_SCALE)


def weighted_total(criteria: Sequence[Criterion], values: Mapping[int, int | float]) -> float:
    """One judge's total for one application, on `total_scale(criteria)`.

    Expects a complete, checked sheet (`check_score_sheet(..., submitting=True)` found nothing):
    only submitted sheets count, so a missing counted value is a programming error.
    """
    counted = counted_criteria(criteria)
    weight_sum = math.fsum(criterion.weight for criterion in counted)
    if not counted or weight_sum <= 0:
        raise ValueError("the rubric has no criterion that counts towards the total")
    missing = [criterion.id for criterion in counted if values.get(criterion.id) is None]
    if missing:
        raise ValueError(f"no value for criteria {missing}")
    scale = total_scale(criteria)
    if all(criterion.scale == scale for criterion in counted):
        # The same thing as the fractions below, without their rounding: 6.5 stays 6.5.
        return math.fsum(criterion.weight * values[criterion.id] for criterion in counted) / weight_sum
    fraction = math.fsum(
        criterion.weight * (values[criterion.id] - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)
        for criterion in counted
    )
    return scale.low + fraction / weight_sum * (scale.high - scale.low)
