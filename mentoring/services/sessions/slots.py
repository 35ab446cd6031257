"""Mentors offer slots inside their weekly hours, and take back the ones nobody booked."""

from __future__ import annotations

from datetime import datetime

from challenge.records import EditionRow
from challenge.services.editions import load_edition
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from mentoring.enums import SlotStatus
from mentoring.records import ProfileRow
from mentoring.schemas import SlotOffer
from mentoring.services.sessions.access import (
    ACTIVE_SLOT,
    MAX_LOCATION,
    MAX_SLOT,
    MIN_SLOT,
    availability_of,
    availability_problem,
    load_slot,
    mentor_profile,
    mentoring_window_problem,
    to_utc,
    when,
)
from mentoring.tables import MentoringSlot, MentorProfile


async def _offer_errors(
    edition: EditionRow, profile: ProfileRow, start: datetime | None, end: datetime | None, location: str
) -> dict[str, str]:
    """Every problem of the offer at once, field by field."""
    errors: dict[str, str] = {}
    if start is None:
        errors["starts_at"] = N_("Give a date and time.")
    if end is None:
        errors["ends_at"] = N_("Give a date and time.")
    if not location:
        errors["location"] = N_("Say where you meet: an address or a video-call link.")
    elif len(location) > MAX_LOCATION:
        errors["location"] = TOO_LONG
    if start is not None and end is not None:
        if not MIN_SLOT <= end - start <= MAX_SLOT:
            errors["ends_at"] = N_("A slot lasts from 15 minutes to 4 hours.")
        if start <= utc_now():
            errors["starts_at"] = N_("Choose a time in the future.")
        else:
            problem = availability_problem(start, end, availability_of(profile))
            problem = problem or await mentoring_window_problem(edition, start, end)
            if problem:
                errors["starts_at"] = problem
    return errors


async def offer_slot(*, user: CurrentUser, offer: SlotOffer) -> int:
    """A mentor offers a time, inside their weekly hours; naive times are in the mentor's zone."""
    if not user.has_role(Role.MENTOR):
        raise PermissionDenied(N_("Only mentors offer mentoring slots."))
    edition_id = offer.edition_id
    edition = await load_edition(edition_id)
    profile = await mentor_profile(user.id, edition_id)
    if profile is None:
        raise StateConflict(N_("Fill in your mentor profile for this edition first: your slots must fit its hours."))
    start, end = to_utc(offer.starts_at, profile.timezone), to_utc(offer.ends_at, profile.timezone)
    location = (offer.location or "").strip()
    errors = await _offer_errors(edition, profile, start, end, location)
    if errors:
        raise ValidationFailed(errors)
    assert start is not None and end is not None
    async with db.transaction():
        if not db.is_sqlite():
            # Two offers of one mentor at once must not both pass the overlap check.
            await (
                MentorProfile.select(MentorProfile.id)
                .where(MentorProfile.user == user.id)
                .order_by(MentorProfile.id)
                .lock_rows()
            )
        clash = await (
            MentoringSlot.select(MentoringSlot.starts_at, MentoringSlot.ends_at)
            .where(
                MentoringSlot.mentor == user.id,
                MentoringSlot.status.is_in(list(ACTIVE_SLOT)),
                MentoringSlot.starts_at < end,
                MentoringSlot.ends_at > start,
            )
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                {
                    "starts_at": _("You already offer a slot that overlaps this time: %(when)s.")
                    % {"when": when(clash["starts_at"], clash["ends_at"], profile.timezone)}
                }
            )
        slot_id: int = (
            await MentoringSlot.insert(
                MentoringSlot(mentor=user.id, edition=edition_id, starts_at=start, ends_at=end, location=location)
            ).returning(MentoringSlot.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="mentoring_slot.offered",
            entity="mentoring_slot",
            entity_id=slot_id,
            after={"edition": edition_id, "starts_at": start, "ends_at": end, "location": location},
        )
    return slot_id


async def withdraw_slot(*, user: CurrentUser, slot_id: int) -> None:
    """A mentor takes back an open slot; a booked one is cancelled as a session instead."""
    slot = await load_slot(slot_id)
    if slot.mentor != user.id:
        raise NotFound(N_("This slot does not exist."))
    async with db.transaction():
        won = await (
            MentoringSlot.update({MentoringSlot.status: SlotStatus.WITHDRAWN})
            .where(MentoringSlot.id == slot_id, MentoringSlot.status == SlotStatus.OPEN)
            .returning(MentoringSlot.id)
        )
        if not won:
            if slot.status == SlotStatus.WITHDRAWN:
                raise StateConflict(N_("This slot is already withdrawn."))
            raise StateConflict(N_("This slot is booked: cancel the session instead (up to 24 hours before it)."))
        await audit.record(
            actor_id=user.id,
            action="mentoring_slot.withdrawn",
            entity="mentoring_slot",
            entity_id=slot_id,
            before={"status": slot.status},
            after={"status": SlotStatus.WITHDRAWN},
        )
