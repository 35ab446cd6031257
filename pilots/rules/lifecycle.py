"""A pilot's life: draft -> agreed -> running -> completed, or stopped on the way.

The agreement's last signature takes AGREE (pilots.rules.agreement says when); organisers start,
complete and stop. Amending the agreement later never moves the pilot back: the version in force
stays the last one every side signed until all three sign the amendment.
"""

from __future__ import annotations

from core.rules import N_
from pilots.enums import PilotAction, PilotStatus

TRANSITIONS: dict[tuple[PilotStatus, PilotAction], PilotStatus] = {
    (PilotStatus.DRAFT, PilotAction.AGREE): PilotStatus.AGREED,
    (PilotStatus.AGREED, PilotAction.START): PilotStatus.RUNNING,
    (PilotStatus.RUNNING, PilotAction.COMPLETE): PilotStatus.COMPLETED,
    (PilotStatus.DRAFT, PilotAction.STOP): PilotStatus.STOPPED,
    (PilotStatus.AGREED, PilotAction.STOP): PilotStatus.STOPPED,
    (PilotStatus.RUNNING, PilotAction.STOP): PilotStatus.STOPPED,
}
FINAL = frozenset({PilotStatus.COMPLETED, PilotStatus.STOPPED})
# Measurements, milestones and feedback belong to a pilot under way (or just finished: the last
# figures often arrive after the end date).
REPORTING = frozenset({PilotStatus.RUNNING, PilotStatus.COMPLETED})
# Where residents see the pilot at all: a draft is between the parties.
PUBLIC = frozenset({PilotStatus.AGREED, PilotStatus.RUNNING, PilotStatus.COMPLETED, PilotStatus.STOPPED})
# Actions a person takes on the pilot page (AGREE is the signatures' doing).
PERSON_ACTIONS = frozenset({PilotAction.START, PilotAction.COMPLETE, PilotAction.STOP})

REFUSED = {
    PilotAction.AGREE: N_("Only a pilot in draft is agreed."),
    PilotAction.START: N_("Only an agreed pilot can start: every side signs the agreement first."),
    PilotAction.COMPLETE: N_("Only a running pilot can be completed."),
    PilotAction.STOP: N_("This pilot has already ended."),
}
REASON_REQUIRED = N_("Say why the pilot stops; the reason is on the public record.")


class TransitionRefused(ValueError):
    """The action does not apply to the pilot's status; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition(status: PilotStatus, action: PilotAction, *, reason: str = "") -> PilotStatus:
    """The status after `action`, or TransitionRefused with the message a person reads."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise TransitionRefused(REFUSED[action])
    if action is PilotAction.STOP and not reason.strip():
        raise TransitionRefused(REASON_REQUIRED)
    return target


def allowed_actions(status: PilotStatus) -> frozenset[PilotAction]:
    """What a person may do next (the buttons the organiser sees)."""
    return frozenset(action for (source, action) in TRANSITIONS if source == status and action in PERSON_ACTIONS)
