"""Milestones: organisers set them; the sides named on one sign it off, or refuse with a reason.

A milestone is achieved only when every named side's latest decision is an approval. Every
decision is kept (a refusal stays on the record after a later approval); the milestone's status
is recomputed from the latest decision of each side, in the transaction that writes the new one,
with the milestone's row locked so that two sides signing at once both count.
"""

from __future__ import annotations

from datetime import datetime

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.i18n import in_locale, label
from core.mail import queue_mail
from core.rules import N_
from core.scopes import require_organiser
from pilots.enums import SIDES, MilestoneStatus, Side, SignOffDecision
from pilots.queries.milestones import latest_decisions, load_milestone, people_for
from pilots.queries.pilots import load_pilot, sides_of
from pilots.records import MilestoneRow, PilotRow, SignOffRow
from pilots.rules.lifecycle import FINAL, REPORTING
from pilots.rules.milestones import MilestoneFields, SignOffRefused, check_milestone, check_sign_off, milestone_status
from pilots.schemas import MilestoneCommand
from pilots.tables import Milestone, SignOff

SET_MILESTONES = N_("Only organisers set a pilot's milestones.")
NOT_A_DATE = N_("Give the date as year-month-day, e.g. 2026-10-01.")
PILOT_OVER = N_("This pilot has ended; its milestones stay as they are.")
NOT_RUNNING = N_("Milestones are signed off while the pilot runs, or once it has completed.")
ACHIEVED_STAYS = N_("An achieved milestone stays on the record as it was signed off; add a new one instead.")
SIGNED_STAYS = N_("A side has already signed this milestone off or refused it; the record stays.")
NOT_YOUR_SIDE = N_("Your side is not named to sign off this milestone.")
WHICH_SIDE = N_("Choose the side you sign off for.")
CHOOSE_DECISION = N_("Choose whether you approve or refuse.")


def _checked(pilot: PilotRow, command: MilestoneCommand) -> MilestoneFields:
    fields = MilestoneFields(
        title=command.title.strip(),
        deliverable=command.deliverable.strip(),
        due_on=command.due_on or pilot.starts_on,
        sign_off_by=command.sign_off_by,
        public=command.public,
    )
    errors = check_milestone(fields, starts_on=pilot.starts_on, ends_on=pilot.ends_on)
    if command.due_on is None:
        errors["due_on"] = NOT_A_DATE
    if errors:
        raise ValidationFailed(errors)
    return fields


def _values(fields: MilestoneFields) -> dict[str, object]:
    return {
        "title": fields.title,
        "deliverable": fields.deliverable,
        "due_on": fields.due_on.isoformat(),
        "sign_off_by": [side.value for side in SIDES if side in fields.sign_off_by],
        "public": fields.public,
    }


async def _editable(user: CurrentUser, pilot_id: int) -> PilotRow:
    require_organiser(user, SET_MILESTONES)
    pilot = await load_pilot(pilot_id)
    if pilot.status in FINAL:
        raise StateConflict(PILOT_OVER)
    return pilot


async def add_milestone(*, user: CurrentUser, pilot_id: int, command: MilestoneCommand) -> int:
    pilot = await _editable(user, pilot_id)
    fields = _checked(pilot, command)
    values = _values(fields)
    async with db.transaction():
        inserted = await Milestone.insert(
            Milestone(
                pilot=pilot.id,
                title=fields.title,
                deliverable=fields.deliverable,
                due_on=fields.due_on,
                sign_off_by=values["sign_off_by"],
                public=fields.public,
                status=MilestoneStatus.PENDING,
            )
        ).returning(Milestone.id)
        milestone_id: int = inserted[0]["id"]
        await audit.record(
            actor_id=user.id, action="pilot.milestone_added", entity="milestone", entity_id=milestone_id, after=values
        )
    return milestone_id


async def edit_milestone(*, user: CurrentUser, pilot_id: int, milestone_id: int, command: MilestoneCommand) -> None:
    """Change a milestone not yet achieved; its status follows the sides now named on it."""
    pilot = await _editable(user, pilot_id)
    fields = _checked(pilot, command)
    values = _values(fields)
    async with db.transaction():
        current = await _locked(pilot.id, milestone_id)
        if current.status is MilestoneStatus.ACHIEVED:
            raise StateConflict(ACHIEVED_STAYS)
        status = milestone_status(fields.sign_off_by, _decisions(await latest_decisions(milestone_id)))
        await Milestone.update(
            {
                Milestone.title: fields.title,
                Milestone.deliverable: fields.deliverable,
                Milestone.due_on: fields.due_on,
                Milestone.sign_off_by: values["sign_off_by"],
                Milestone.public: fields.public,
                Milestone.status: status,
                Milestone.achieved_at: utc_now() if status is MilestoneStatus.ACHIEVED else None,
            }
        ).where(Milestone.id == milestone_id)
        await audit.record(
            actor_id=user.id,
            action="pilot.milestone_changed",
            entity="milestone",
            entity_id=milestone_id,
            before=_values(_fields_of(current)),
            after={**values, "status": status.value},
        )


async def remove_milestone(*, user: CurrentUser, pilot_id: int, milestone_id: int) -> None:
    """Take back a milestone nobody has signed off yet (a decision on the record is never erased)."""
    pilot = await _editable(user, pilot_id)
    async with db.transaction():
        current = await _locked(pilot.id, milestone_id)
        if await latest_decisions(milestone_id):
            raise StateConflict(SIGNED_STAYS)
        await Milestone.delete().where(Milestone.id == milestone_id)
        await audit.record(
            actor_id=user.id,
            action="pilot.milestone_removed",
            entity="milestone",
            entity_id=milestone_id,
            before=_values(_fields_of(current)),
        )


def _fields_of(row: MilestoneRow) -> MilestoneFields:
    return MilestoneFields(
        title=row.title,
        deliverable=row.deliverable,
        due_on=row.due_on,
        sign_off_by=frozenset(row.sign_off_by),
        public=row.public,
    )


def _decisions(latest: dict[Side, SignOffRow]) -> dict[Side, SignOffDecision]:
    return {side: sign_off.decision for side, sign_off in latest.items()}


async def _locked(pilot_id: int, milestone_id: int) -> MilestoneRow:
    """The milestone, its row locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    await db.locked(Milestone.select(Milestone.id).where(Milestone.id == milestone_id))
    return await load_milestone(pilot_id, milestone_id)


def _side_for(user: CurrentUser, pilot: PilotRow, milestone: MilestoneRow, side: Side | None) -> Side:
    mine = sides_of(user, pilot)
    if side is not None:
        if side not in mine:
            raise PermissionDenied(NOT_YOUR_SIDE)
        return side
    named = [s for s in SIDES if s in mine and s in milestone.sign_off_by]
    if not named:
        raise PermissionDenied(NOT_YOUR_SIDE)
    if len(named) > 1:
        raise ValidationFailed({"side": WHICH_SIDE})
    return named[0]


async def sign_off(
    *,
    user: CurrentUser,
    pilot_id: int,
    milestone_id: int,
    decision: SignOffDecision | None,
    reason: str,
    side: Side | None = None,
) -> MilestoneStatus:
    """Record one side's decision; returns the milestone's status after it."""
    pilot = await load_pilot(pilot_id)
    milestone = await load_milestone(pilot_id, milestone_id)
    chosen = _side_for(user, pilot, milestone, side)
    if decision is None:
        raise ValidationFailed({"decision": CHOOSE_DECISION})
    reason = reason.strip()
    try:
        check_sign_off(sign_off_by=milestone.sign_off_by, side=chosen, decision=decision, reason=reason)
    except SignOffRefused as refused:
        if chosen not in milestone.sign_off_by:
            raise PermissionDenied(refused.message) from refused
        raise ValidationFailed({"reason": refused.message}) from refused
    if pilot.status not in REPORTING:
        raise StateConflict(NOT_RUNNING)
    now = utc_now()
    async with db.transaction():
        milestone = await _locked(pilot_id, milestone_id)
        # Checked again on the locked row: an edit may have changed who is named meanwhile, and
        # a milestone every named side approved stays achieved on the record.
        if milestone.status is MilestoneStatus.ACHIEVED:
            raise StateConflict(ACHIEVED_STAYS)
        if chosen not in milestone.sign_off_by:
            raise PermissionDenied(NOT_YOUR_SIDE)
        before = milestone.status
        sign_off_id = (
            await SignOff.insert(
                SignOff(milestone=milestone_id, side=chosen, decision=decision, reason=reason, signer=user.id)
            ).returning(SignOff.id)
        )[0]["id"]
        status = milestone_status(milestone.sign_off_by, _decisions(await latest_decisions(milestone_id)))
        achieved_at: datetime | None = milestone.achieved_at
        if status is MilestoneStatus.ACHIEVED and achieved_at is None:
            achieved_at = now
        elif status is not MilestoneStatus.ACHIEVED:
            achieved_at = None
        await Milestone.update({Milestone.status: status, Milestone.achieved_at: achieved_at}).where(
            Milestone.id == milestone_id
        )
        await audit.record(
            actor_id=user.id,
            action=f"pilot.milestone_{decision.value}d",
            entity="milestone",
            entity_id=milestone_id,
            before={"status": before.value},
            after={"status": status.value, "side": chosen.value, "reason": reason, "sign_off": sign_off_id},
        )
        await _mail_decision(pilot, milestone, user=user, side=chosen, decision=decision, reason=reason, status=status)
    return status


async def _mail_decision(
    pilot: PilotRow,
    milestone: MilestoneRow,
    *,
    user: CurrentUser,
    side: Side,
    decision: SignOffDecision,
    reason: str,
    status: MilestoneStatus,
) -> None:
    """The other named sides and the organisers hear of it, each in their own language."""
    told = {s for s in milestone.sign_off_by if s is not side} | {Side.ORGANISER}
    for person in await people_for(pilot, told):
        if person.id == user.id:
            continue
        with in_locale(person.locale):
            subject = (
                _("Milestone approved: %(title)s")
                if decision is SignOffDecision.APPROVE
                else _("Milestone refused: %(title)s")
            ) % {"title": milestone.title}
            await queue_mail(
                to=person.email,
                subject=subject,
                template="pilot_milestone_decision",
                name=person.name,
                pilot=pilot.title,
                milestone=milestone.title,
                side=label(side, "Side"),
                approved=decision is SignOffDecision.APPROVE,
                reason=reason,
                status=label(status, "MilestoneStatus"),
                link=f"/pilots/{pilot.id}/work/milestones",
            )
