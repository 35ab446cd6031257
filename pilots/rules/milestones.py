"""Milestones: achieved only when every side named on the milestone has approved it.

Each side's latest decision counts; a refusal carries a reason, and when the milestone is public
that reason stays on the public record (a later approval changes the status, not the history).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from core.rules import N_, TOO_LONG
from pilots.enums import SIDES, MilestoneStatus, Side, SignOffDecision

MAX_TITLE = 200
MAX_TEXT = 2000


@dataclass(frozen=True)
class MilestoneFields:
    title: str
    deliverable: str
    due_on: date
    sign_off_by: frozenset[Side]
    public: bool = True


def check_milestone(milestone: MilestoneFields, *, starts_on: date, ends_on: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not milestone.title.strip():
        errors["title"] = N_("Name the milestone.")
    elif len(milestone.title) > MAX_TITLE:
        errors["title"] = TOO_LONG
    if not milestone.deliverable.strip():
        errors["deliverable"] = N_("Say what is delivered at this milestone.")
    elif len(milestone.deliverable) > MAX_TEXT:
        errors["deliverable"] = TOO_LONG
    if milestone.due_on < starts_on or milestone.due_on > ends_on:
        errors["due_on"] = N_("A milestone falls within the pilot, from its start to its end.")
    if not milestone.sign_off_by:
        errors["sign_off_by"] = N_("Choose at least one side that signs the milestone off.")
    return errors


class SignOffRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_sign_off(*, sign_off_by: Iterable[Side], side: Side, decision: SignOffDecision, reason: str) -> None:
    if side not in set(sign_off_by):
        raise SignOffRefused(N_("Your side is not named to sign off this milestone."))
    if decision is SignOffDecision.REFUSE and not reason.strip():
        raise SignOffRefused(N_("Say why you refuse; the reason is kept on the record."))
    if len(reason) > MAX_TEXT:
        raise SignOffRefused(TOO_LONG)


def milestone_status(sign_off_by: Iterable[Side], decisions: Mapping[Side, SignOffDecision]) -> MilestoneStatus:
    named = [side for side in SIDES if side in set(sign_off_by)]
    if any(decisions.get(side) is SignOffDecision.REFUSE for side in named):
        return MilestoneStatus.REFUSED
    if named and all(decisions.get(side) is SignOffDecision.APPROVE for side in named):
        return MilestoneStatus.ACHIEVED
    return MilestoneStatus.PENDING


def is_overdue(status: MilestoneStatus, *, due_on: date, today: date) -> bool:
    return status is not MilestoneStatus.ACHIEVED and due_on < today
