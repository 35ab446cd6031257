"""The agreement after opening, and the pilot's life: amend, sign, start, complete, stop.

Each change locks the pilot row first (core.db.locked), so two people signing at once, or a
signature racing an amendment, are ordered: the later one sees what the earlier one wrote. The
unique key of a signature (version and side) catches whatever slips past: a double click signs
once. Every change writes its audit record and queues the mail to the other sides in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.i18n import in_locale
from core.mail import queue_mail
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser
from pilots.enums import PilotAction, PilotProcurement, PilotStatus, Side
from pilots.queries import agreement as queries
from pilots.queries.pilots import load_pilot, sides_of
from pilots.records import PilotRow, to
from pilots.rules import agreement, lifecycle
from pilots.rules.agreement import Terms
from pilots.schemas import TermsIn
from pilots.tables import AgreementVersion, Pilot, Signature

ORGANISERS_ONLY = N_("Only organisers write a pilot's agreement and move it along.")
NOT_YOUR_SIDE = N_("You do not sign for this side of the pilot.")
ENDED = N_("This pilot has ended; its agreement no longer changes.")
NOTHING_CHANGED = N_("The amendment changes no term; change at least one.")
NOTE_REQUIRED = N_("Say what the amendment is for; every side reads it before signing again.")
MAX_NOTE = 2000


class StaleVersion(StateConflict):
    """A signature on a version that is no longer current; `current` is the one to sign."""

    def __init__(self, message: str, *, current: int) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Signed:
    """What a signature did: `already` when the side had signed (a double click), `in_force`
    when it was the last one the version needed."""

    number: int
    already: bool
    in_force: bool
    status: PilotStatus


def terms_of(command: TermsIn) -> Terms:
    return Terms(
        scope=command.scope.strip(),
        locations=agreement.parse_locations("\n".join(command.locations)),
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        budget_eur=command.budget_eur,
        funded_by=command.funded_by.strip(),
        procurement=PilotProcurement(command.procurement),
        data_terms=command.data_terms.strip(),
        mentor_id=command.mentor_id,
    )


async def check_mentor(mentor_id: int | None, errors: dict[str, str]) -> None:
    if mentor_id is not None and not await queries.is_mentor(mentor_id):
        errors["mentor_id"] = N_("Choose one of the mentors, or nobody.")


async def locked_pilot(pilot_id: int) -> PilotRow:
    """The pilot row, locked until the end of the transaction (call inside `db.transaction()`)."""
    row = await db.locked(Pilot.select().where(Pilot.id == pilot_id)).first().output(load_json=True)
    if row is None:
        raise NotFound(N_("This pilot does not exist."))
    return to(row, PilotRow)


async def mail_sides(
    pilot: PilotRow,
    sides: Iterable[Side],
    *,
    template: str,
    subject: str,
    actor_id: int | None,
    **context: Any,
) -> int:
    """Mail the people of `sides` (never the person who acted), each in their own language."""
    names = await queries.names_of(pilot)
    people = await queries.people_of(pilot, sides, opened_by=await queries.opened_by(pilot.id))
    queued = 0
    for person in people:
        if person.id == actor_id:
            continue
        with in_locale(person.locale):
            queued += await queue_mail(
                to=person.email,
                subject=_(subject) % {"pilot": pilot.title},
                template=template,
                name=person.name,
                pilot=pilot,
                names=names,
                link=f"/pilots/{pilot.id}/work",
                **context,
            )
    return queued


# --- Amending ------------------------------------------------------------------------------------


async def amend(*, user: CurrentUser, pilot_id: int, command: TermsIn, note: str) -> int:
    """Write a new version of the terms; returns its number. The version in force (if any) stays
    in force, and the pilot keeps its status, until all three sides sign the amendment."""
    require_organiser(user, ORGANISERS_ONLY)
    terms = terms_of(command)
    note = note.strip()
    errors = dict(agreement.check_terms(terms))
    await check_mentor(terms.mentor_id, errors)
    if not note:
        errors["note"] = NOTE_REQUIRED
    elif len(note) > MAX_NOTE:
        errors["note"] = TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        pilot = await locked_pilot(pilot_id)
        if pilot.status in lifecycle.FINAL:
            raise StateConflict(ENDED)
        current = next((v for v in await queries.versions_of(pilot_id) if v.number == pilot.current_version), None)
        if current is None:
            raise NotFound(queries.NO_VERSION)
        changed = agreement.changed_terms(current.terms, terms)
        if not changed:
            raise ValidationFailed({}, NOTHING_CHANGED)
        number = pilot.current_version + 1
        stored = queries.terms_json(terms)
        await AgreementVersion.insert(
            AgreementVersion(
                pilot=pilot_id,
                number=number,
                key=f"{pilot_id}:{number}",
                terms=stored,
                changed=list(changed),
                note=note,
                author=user.id,
            )
        )
        changes: dict[Any, Any] = {Pilot.current_version: number, Pilot.updated_at: utc_now()}
        if pilot.version_in_force is None:
            # Until a version is in force, the pilot's row shows the draft being signed.
            changes |= queries.pilot_columns(terms)
        await Pilot.update(changes).where(Pilot.id == pilot_id)
        await audit.record(
            actor_id=user.id,
            action="pilot.amended",
            entity="pilot",
            entity_id=pilot_id,
            before={"version": current.number, "terms": queries.terms_json(current.terms)},
            after={"version": number, "terms": stored, "changed": list(changed), "note": note},
        )
        await mail_sides(
            pilot,
            agreement.other_sides(Side.ORGANISER),
            template="pilot_amended",
            subject=N_("Pilot “%(pilot)s”: the agreement was amended"),
            actor_id=user.id,
            number=number,
            changed=changed,
            note=note,
        )
    return number


# --- Signing -------------------------------------------------------------------------------------


async def sign(*, user: CurrentUser, pilot_id: int, number: int, side: Side) -> Signed:
    """Sign version `number` for `side`. Only the current version can be signed (StaleVersion,
    409, names it); a side that already signed it signs nothing more. The third signature puts
    the version in force: the pilot's row takes its terms and a draft becomes agreed."""
    if side not in sides_of(user, await load_pilot(pilot_id)):
        raise PermissionDenied(NOT_YOUR_SIDE)
    async with db.transaction():
        pilot = await locked_pilot(pilot_id)
        if pilot.status in lifecycle.FINAL:
            raise StateConflict(ENDED)
        versions = await queries.versions_of(pilot_id)
        current = next((v for v in versions if v.number == pilot.current_version), None)
        if current is None:
            raise NotFound(queries.NO_VERSION)
        if number == current.number and side in current.signed_by:
            return Signed(number=number, already=True, in_force=pilot.version_in_force == number, status=pilot.status)
        try:
            agreement.check_signature([v.rule for v in versions], number=number, side=side)
        except agreement.SignatureRefused as refused:
            shown = refused.current if refused.current is not None else current.number
            raise StaleVersion(_(refused.message) % {"current": shown}, current=shown) from refused
        inserted = await (
            Signature.insert(Signature(version=current.id, side=side, key=f"{current.id}:{side.value}", signer=user.id))
            .on_conflict(target=Signature.key, action="DO NOTHING")
            .returning(Signature.id)
        )
        if not inserted:
            return Signed(number=number, already=True, in_force=pilot.version_in_force == number, status=pilot.status)
        signed_by = current.signed_by | {side}
        in_force = agreement.fully_signed(signed_by)
        status = pilot.status
        now = utc_now()
        if in_force:
            changes: dict[Any, Any] = {
                Pilot.version_in_force: number,
                Pilot.updated_at: now,
                **queries.pilot_columns(current.terms),
            }
            if pilot.status is PilotStatus.DRAFT:
                status = lifecycle.transition(pilot.status, PilotAction.AGREE)
                changes |= {Pilot.status: status, Pilot.agreed_at: now}
            await Pilot.update(changes).where(Pilot.id == pilot_id)
        await audit.record(
            actor_id=user.id,
            action="pilot.signed",
            entity="pilot",
            entity_id=pilot_id,
            before={"version": number, "signed_by": sorted(current.signed_by)},
            after={"version": number, "side": side, "signed_by": sorted(signed_by), "in_force": in_force},
        )
        if status is not pilot.status:
            await audit.record(
                actor_id=user.id,
                action="pilot.agreed",
                entity="pilot",
                entity_id=pilot_id,
                before={"status": pilot.status},
                after={"status": status, "version_in_force": number},
            )
        await mail_sides(
            pilot,
            agreement.other_sides(side),
            template="pilot_signed",
            subject=N_("Pilot “%(pilot)s”: in force") if in_force else N_("Pilot “%(pilot)s”: a side signed"),
            actor_id=user.id,
            number=number,
            side=side,
            signer=user.name,
            in_force=in_force,
            waiting=agreement.waiting_for(signed_by),
        )
    return Signed(number=number, already=False, in_force=in_force, status=status)


# --- The pilot's life ----------------------------------------------------------------------------

_DONE = {
    PilotAction.START: ("pilot.started", N_("Pilot “%(pilot)s” has started")),
    PilotAction.COMPLETE: ("pilot.completed", N_("Pilot “%(pilot)s” is completed")),
    PilotAction.STOP: ("pilot.stopped", N_("Pilot “%(pilot)s” was stopped")),
}
MAX_REASON = 2000


async def take_action(*, user: CurrentUser, pilot_id: int, action: PilotAction, reason: str = "") -> PilotStatus:
    """Start, complete or stop the pilot (organisers). The reason for stopping is public."""
    require_organiser(user, ORGANISERS_ONLY)
    if action not in lifecycle.PERSON_ACTIONS:
        raise StateConflict(lifecycle.REFUSED[action])
    reason = reason.strip() if action is PilotAction.STOP else ""
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": TOO_LONG})
    async with db.transaction():
        pilot = await locked_pilot(pilot_id)
        try:
            status = lifecycle.transition(pilot.status, action, reason=reason)
        except lifecycle.TransitionRefused as refused:
            if refused.message == lifecycle.REASON_REQUIRED:
                raise ValidationFailed({"reason": refused.message}) from refused
            raise StateConflict(refused.message) from refused
        now = utc_now()
        changes: dict[Any, Any] = {Pilot.status: status, Pilot.updated_at: now}
        if action is PilotAction.START:
            changes[Pilot.started_at] = now
        else:
            changes[Pilot.ended_at] = now
        if action is PilotAction.STOP:
            changes[Pilot.stop_reason] = reason
        await Pilot.update(changes).where(Pilot.id == pilot_id)
        audit_action, subject = _DONE[action]
        await audit.record(
            actor_id=user.id,
            action=audit_action,
            entity="pilot",
            entity_id=pilot_id,
            before={"status": pilot.status},
            after={"status": status, **({"reason": reason} if reason else {})},
        )
        await mail_sides(
            pilot,
            agreement.other_sides(Side.ORGANISER),
            template="pilot_status",
            subject=subject,
            actor_id=user.id,
            status=status,
            reason=reason,
        )
    return status


async def start(*, user: CurrentUser, pilot_id: int) -> PilotStatus:
    return await take_action(user=user, pilot_id=pilot_id, action=PilotAction.START)


async def complete(*, user: CurrentUser, pilot_id: int) -> PilotStatus:
    return await take_action(user=user, pilot_id=pilot_id, action=PilotAction.COMPLETE)


async def stop(*, user: CurrentUser, pilot_id: int, reason: str) -> PilotStatus:
    return await take_action(user=user, pilot_id=pilot_id, action=PilotAction.STOP, reason=reason)


def as_command(terms: Terms) -> TermsIn:
    """The terms of a version as the amend form starts from them."""
    return msgspec.convert({**queries.terms_json(terms), "locations": list(terms.locations)}, TermsIn, strict=False)
