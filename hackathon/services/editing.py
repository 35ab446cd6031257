"""Editing a built schedule by hand, guarded by the checker, and publishing it.

A move is checked with `check_move`: errors block it (422 with the checker's messages),
warnings are returned and the move is saved. Once the schedule is published, every change is
written to the changelog and the people of the changed items are mailed, once per change and
person (the mail's `once_key`), in the transaction of the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from challenge.rules.phases import local_to_utc
from challenge.tables import StartupMember
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, StateConflict, ValidationFailed
from core.i18n import format_range
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_
from core.scopes import require_organiser
from core.tables import User
from hackathon.enums import SessionKind, Severity
from hackathon.queries.hackathons import load_hackathon
from hackathon.queries.items import stored_items
from hackathon.records import HackathonRow, Person, ScheduleItemRow, StoredViolation, to_all
from hackathon.rules import checker
from hackathon.services.problem import Loaded, as_rule_item, load_problem, message, stored_violation
from hackathon.services.setup import ORGANISERS_ONLY
from hackathon.tables import Hackathon, HackathonStatus, Room, ScheduleChange, ScheduleItem
from judging.queries import blind


class MoveBlocked(ValidationFailed):
    """The checker found errors in a move; `violations` as a run stores them, messages in `errors`."""

    def __init__(self, violations: list[StoredViolation], timezone: str | None = None) -> None:
        super().__init__(
            # One line per violation: the schedule page shows them as a list, one item each.
            {"starts_at": "\n".join(message(v, timezone) for v in violations)},
            N_("This move would break the schedule; nothing was changed."),
        )
        self.violations = violations


async def _lock(hackathon_id: int) -> HackathonRow:
    """Serialise edits of one schedule: the checker must see the schedule the move lands in."""
    await db.locked(Hackathon.select(Hackathon.id).where(Hackathon.id == hackathon_id))
    return await load_hackathon(hackathon_id)


async def move_item(
    *, user: CurrentUser, hackathon_id: int, item_id: int, room_id: int | None, starts_at: datetime | None
) -> list[StoredViolation]:
    """Move one item (a panel sitting takes its pitches along); returns the checker's warnings."""
    require_organiser(user, ORGANISERS_ONLY)
    if starts_at is None:
        raise ValidationFailed({"starts_at": N_("Give a date and time.")})
    async with db.transaction():
        hackathon = await _lock(hackathon_id)
        # Without an offset: wall-clock time in the hackathon's zone.
        try:
            starts_at = local_to_utc(starts_at, hackathon.timezone)
        except ValueError:
            raise ValidationFailed({"starts_at": N_("Give a date and time.")}) from None
        if room_id is not None and not await Room.exists().where(Room.id == room_id, Room.hackathon == hackathon_id):
            raise ValidationFailed({"room_id": N_("Choose one of this hackathon's rooms.")})
        rows = await stored_items(hackathon_id)
        moving = next((row for row in rows if row.id == item_id), None)
        if moving is None:
            raise NotFound(N_("This schedule item does not exist."))
        loaded = await load_problem(hackathon)
        zone = ZoneInfo(hackathon.timezone)
        items = [as_rule_item(row, zone) for row in rows]
        found = [
            stored_violation(v)
            for v in checker.check_move(loaded.problem, items, moving.ref, room_id, starts_at.astimezone(zone))
        ]
        errors = [v for v in found if v.severity == Severity.ERROR]
        if errors:
            raise MoveBlocked(errors, hackathon.timezone)
        shift = starts_at - moving.starts_at
        moved = [moving] + (
            [row for row in rows if row.block_ref == moving.ref] if moving.kind == SessionKind.JUDGING_PANEL else []
        )
        for row in moved:
            after = {"room": room_id, "starts_at": row.starts_at + shift, "ends_at": row.ends_at + shift}
            await ScheduleItem.update(
                {
                    ScheduleItem.room: room_id,
                    ScheduleItem.starts_at: after["starts_at"],
                    ScheduleItem.ends_at: after["ends_at"],
                    ScheduleItem.version: row.version + 1,
                }
            ).where(ScheduleItem.id == row.id)
            if hackathon.is_published:
                # The sitting's judges hear of the sitting; each team of its own pitch.
                judges = row is moving or row.kind != SessionKind.PITCH
                await _record_change(
                    user=user, hackathon=hackathon, loaded=loaded, row=row, after=after, with_judges=judges
                )
        await audit.record(
            actor_id=user.id,
            action="hackathon.item_moved",
            entity="schedule_item",
            entity_id=item_id,
            before={"room": moving.room, "starts_at": moving.starts_at},
            after={"room": room_id, "starts_at": starts_at, "warnings": [v.type for v in found]},
        )
    return found


def _place(loaded: Loaded, room_id: int | None, starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
    return {
        "room_id": room_id,
        "room": loaded.room_names.get(room_id, "") if room_id is not None else "",
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
    }


async def _record_change(
    *,
    user: CurrentUser,
    hackathon: HackathonRow,
    loaded: Loaded,
    row: ScheduleItemRow,
    after: dict[str, Any],
    with_judges: bool,
) -> None:
    before_place = _place(loaded, row.room, row.starts_at, row.ends_at)
    after_place = _place(loaded, after["room"], after["starts_at"], after["ends_at"])
    change_id = (
        await ScheduleChange.insert(
            ScheduleChange(
                hackathon=hackathon.id,
                item=row.id,
                title=row.title,
                what="moved",
                before=before_place,
                after=after_place,
                changed_by=user.id,
            )
        ).returning(ScheduleChange.id)
    )[0]["id"]
    mailed = 0
    for person in await people_of(row, loaded, with_judges=with_judges):
        # A judge reads no team they judge in a blind round, not even in a pitch's title.
        title = (
            await blind.text_for_judge(person.id, row.team_ids, row.title) if person.id in row.judge_ids else row.title
        )
        mailed += await queue_mail(
            to=person.email,
            subject=_("Schedule change: %(item)s") % {"item": title or _("your session")},
            template="hackathon_schedule_changed",
            once_key=f"hackathon-change:{change_id}:{person.id}",
            name=person.name,
            hackathon=hackathon,
            title=title,
            before=_describe(before_place, hackathon.timezone),
            after=_describe(after_place, hackathon.timezone),
            link=f"/hackathons/{hackathon.id}/mine",
        )
    await ScheduleChange.update({ScheduleChange.notified: mailed}).where(ScheduleChange.id == change_id)


def _describe(place: dict[str, Any], timezone: str) -> str:
    start, end = datetime.fromisoformat(place["starts_at"]), datetime.fromisoformat(place["ends_at"])
    when = f"{format_range(start, end, timezone)} ({timezone})"
    return f"{when}, {place['room']}" if place["room"] else when


async def people_of(row: ScheduleItemRow, loaded: Loaded, *, with_judges: bool = True) -> list[Person]:
    """Who takes part in an item: the members of its teams, its mentors and (optionally) its judges."""
    startups = [loaded.startup_of[t] for t in row.team_ids if t in loaded.startup_of]
    people: dict[int, Person] = {}
    if startups:
        members = await StartupMember.select(
            StartupMember.user.as_alias("id"),
            StartupMember.user.name.as_alias("name"),
            StartupMember.user.email.as_alias("email"),
        ).where(StartupMember.startup.is_in(startups), StartupMember.edition == loaded.hackathon.edition)
        people.update((member.id, member) for member in to_all(members, Person))
    user_ids = list(row.mentor_ids) + (list(row.judge_ids) if with_judges else [])
    if user_ids:
        found = await User.select(User.id, User.name, User.email).where(User.id.is_in(user_ids))
        people.update((person.id, person) for person in to_all(found, Person))
    return sorted(people.values(), key=lambda p: p.id)


async def publish(*, user: CurrentUser, hackathon_id: int) -> None:
    """Make the schedule public; refused while the checker finds errors in it."""
    require_organiser(user, ORGANISERS_ONLY)
    async with db.transaction():
        hackathon = await _lock(hackathon_id)
        if hackathon.is_published:
            raise StateConflict(N_("The schedule is already published."))
        if not await ScheduleItem.exists().where(ScheduleItem.hackathon == hackathon_id):
            raise StateConflict(N_("There is no schedule to publish yet: build it first."))
        loaded = await load_problem(hackathon)
        zone = ZoneInfo(hackathon.timezone)
        items = [as_rule_item(row, zone) for row in await stored_items(hackathon_id)]
        errors = [v for v in checker.check_schedule(loaded.problem, items) if v.severity == Severity.ERROR]
        if errors:
            raise StateConflict(
                N_("The checker finds errors in the schedule; fix them before publishing. The first: ")
                + message(stored_violation(errors[0]), hackathon.timezone)
            )
        now = utc_now()
        await Hackathon.update({Hackathon.status: HackathonStatus.PUBLISHED, Hackathon.published_at: now}).where(
            Hackathon.id == hackathon_id
        )
        await audit.record(
            actor_id=user.id,
            action="hackathon.published",
            entity="hackathon",
            entity_id=hackathon_id,
            before={"status": hackathon.status},
            after={"status": HackathonStatus.PUBLISHED, "items": len(items)},
        )
