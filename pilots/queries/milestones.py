"""Milestones with their sign-offs, the people standing for a pilot's sides, and what is due when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import msgspec

from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound
from core.rules import N_
from core.tables import Membership, User
from pilots.enums import SIDES, Frequency, MeasurementStatus, MilestoneStatus, PilotStatus, Side
from pilots.queries.pilots import NO_SUCH_PILOT, load_pilot, local_days, may_work_on
from pilots.records import DueEntry, MilestoneRow, MilestoneView, PilotRow, Recipient, SignOffRow, to, to_all
from pilots.rules.kpis import next_due
from pilots.rules.lifecycle import PUBLIC
from pilots.rules.reminders import ItemKind
from pilots.schemas import MilestoneOut, MilestonesOut, SignOffOut
from pilots.tables import Kpi, Measurement, Milestone, Pilot, SignOff

NO_SUCH_MILESTONE = N_("This milestone does not exist.")


async def load_milestone(pilot_id: int, milestone_id: int) -> MilestoneRow:
    """A milestone of this pilot (a milestone of another pilot is not found here)."""
    row = (
        await Milestone.select(*Milestone.all_columns())
        .where(Milestone.id == milestone_id, Milestone.pilot == pilot_id)
        .first()
        .output(load_json=True)
    )
    if row is None:
        raise NotFound(NO_SUCH_MILESTONE)
    return to(row, MilestoneRow)


async def latest_decisions(milestone_id: int) -> dict[Side, SignOffRow]:
    return (await _history([milestone_id])).get(milestone_id, ([], {}))[1]


async def _history(milestone_ids: list[int]) -> dict[int, tuple[list[SignOffRow], dict[Side, SignOffRow]]]:
    if not milestone_ids:
        return {}
    rows = await (
        SignOff.select(*SignOff.all_columns(), SignOff.signer.name.as_alias("signer_name"))
        .where(SignOff.milestone.is_in(milestone_ids))
        .order_by(SignOff.created_at)
        .order_by(SignOff.id)
    )
    found: dict[int, tuple[list[SignOffRow], dict[Side, SignOffRow]]] = {}
    for sign_off in to_all([{**row, "signer_name": row["signer_name"] or ""} for row in rows], SignOffRow):
        history, latest = found.setdefault(sign_off.milestone, ([], {}))
        history.append(sign_off)
        latest[sign_off.side] = sign_off  # ordered oldest first: the last one written counts
    return found


async def milestones_of(pilot_id: int, *, public_only: bool = False) -> list[MilestoneView]:
    """The pilot's timeline, by due date; with `public_only`, what residents may see."""
    query = Milestone.select(*Milestone.all_columns()).where(Milestone.pilot == pilot_id)
    if public_only:
        query = query.where(Milestone.public == True)  # noqa: E712
    rows = to_all(await query.order_by(Milestone.due_on).order_by(Milestone.id).output(load_json=True), MilestoneRow)
    history = await _history([row.id for row in rows])
    return [
        MilestoneView(milestone=row, history=history.get(row.id, ([], {}))[0], latest=history.get(row.id, ([], {}))[1])
        for row in rows
    ]


async def people_of(pilots: Iterable[PilotRow]) -> dict[int, list[Recipient]]:
    """Everyone with an active account who stands for a side of each pilot, by pilot id, in four
    queries however many pilots: organisers; the municipality's staff; the startup's members. Each
    recipient carries every side they stand for in that pilot; the same grants as `sides_of`."""
    pilots = list(pilots)
    if not pilots:
        return {}
    organisers = {
        row["user"] for row in await Membership.select(Membership.user).where(Membership.role == Role.ORGANISER)
    }
    members: dict[tuple[Role, int], set[int]] = defaultdict(set)
    for role, organisations in (
        (Role.MUNICIPALITY, {pilot.municipality for pilot in pilots}),
        (Role.STARTUP, {pilot.startup for pilot in pilots}),
    ):
        for row in await Membership.select(Membership.user, Membership.organisation_id).where(
            Membership.role == role, Membership.organisation_id.is_in(sorted(organisations))
        ):
            members[(role, row["organisation_id"])].add(row["user"])
    everyone = organisers.union(*members.values())
    if not everyone:
        return {pilot.id: [] for pilot in pilots}
    users = await (
        User.select(User.id, User.name, User.email, User.locale)
        .where(User.id.is_in(sorted(everyone)), User.is_active == True)  # noqa: E712
        .order_by(User.id)
    )
    people: dict[int, list[Recipient]] = {}
    for pilot in pilots:
        by_user: dict[int, set[Side]] = defaultdict(set)
        for side, ids in (
            (Side.ORGANISER, organisers),
            (Side.MUNICIPALITY, members[(Role.MUNICIPALITY, pilot.municipality)]),
            (Side.STARTUP, members[(Role.STARTUP, pilot.startup)]),
        ):
            for user_id in ids:
                by_user[user_id].add(side)
        people[pilot.id] = [
            Recipient(**user, sides=frozenset(by_user[user["id"]])) for user in users if user["id"] in by_user
        ]
    return people


def standing_for(people: Iterable[Recipient], sides: Iterable[Side]) -> list[Recipient]:
    """Those of `people` who stand for any of `sides`, each with only those of their sides."""
    wanted = frozenset(sides)
    return [msgspec.structs.replace(person, sides=person.sides & wanted) for person in people if person.sides & wanted]


async def people_for(pilot: PilotRow, sides: Iterable[Side]) -> list[Recipient]:
    """Everyone with an active account who stands for any of `sides` in `pilot`, once each
    (`people_of` for one pilot), so nobody is asked to sign what they may not sign."""
    return standing_for((await people_of([pilot]))[pilot.id], sides)


async def due_entries() -> list[DueEntry]:
    """What the sides of running pilots are to do next: each KPI's next measurement (for its
    reporter) and each milestone not achieved (for the named sides that have not approved)."""
    pilots = await Pilot.select(
        Pilot.id, Pilot.title, Pilot.starts_on, Pilot.ends_on, Pilot.municipality.name.as_alias("municipality_name")
    ).where(Pilot.status == PilotStatus.RUNNING)
    if not pilots:
        return []
    by_id = {pilot["id"]: pilot for pilot in pilots}
    entries: list[DueEntry] = []

    def entry(kind: ItemKind, item_id: int, name: str, pilot_id: int, due_on: date, sides: frozenset[Side]) -> DueEntry:
        pilot = by_id[pilot_id]
        return DueEntry(
            kind=kind,
            item_id=item_id,
            name=name,
            pilot_id=pilot_id,
            pilot_title=pilot["title"],
            municipality=pilot["municipality_name"],
            due_on=due_on,
            sides=sides,
        )

    kpis = await Kpi.select(Kpi.id, Kpi.pilot, Kpi.name, Kpi.frequency, Kpi.reporter).where(
        Kpi.pilot.is_in(list(by_id))
    )
    last_measured: dict[int, date] = {}
    if kpis:
        # As on the KPI's page: a disputed value is answered with a new one, so it does not
        # count as the period's measurement and the reminder for it still comes.
        for row in await Measurement.select(Measurement.kpi, Measurement.measured_on).where(
            Measurement.kpi.is_in([kpi["id"] for kpi in kpis]), Measurement.status != MeasurementStatus.DISPUTED
        ):
            if row["kpi"] not in last_measured or row["measured_on"] > last_measured[row["kpi"]]:
                last_measured[row["kpi"]] = row["measured_on"]
    for kpi in kpis:
        pilot = by_id[kpi["pilot"]]
        due = next_due(
            Frequency(kpi["frequency"]),
            last=last_measured.get(kpi["id"]),
            starts_on=pilot["starts_on"],
            ends_on=pilot["ends_on"],
        )
        if due is not None:
            entries.append(
                entry(
                    ItemKind.MEASUREMENT, kpi["id"], kpi["name"], kpi["pilot"], due, frozenset({Side(kpi["reporter"])})
                )
            )

    milestones = to_all(
        await Milestone.select(*Milestone.all_columns())
        .where(Milestone.pilot.is_in(list(by_id)), Milestone.status != MilestoneStatus.ACHIEVED)
        .output(load_json=True),
        MilestoneRow,
    )
    history = await _history([m.id for m in milestones])
    for milestone in milestones:
        view = MilestoneView(
            milestone=milestone,
            history=history.get(milestone.id, ([], {}))[0],
            latest=history.get(milestone.id, ([], {}))[1],
        )
        waiting = frozenset(view.waiting_for)
        if waiting:
            entries.append(
                entry(ItemKind.MILESTONE, milestone.id, milestone.title, milestone.pilot, milestone.due_on, waiting)
            )
    return sorted(entries, key=lambda e: (e.due_on, e.pilot_id, e.kind.value, e.item_id))


async def overdue_entries(*, now: datetime) -> list[tuple[DueEntry, int]]:
    """Every measurement and milestone past its due date where its pilot runs, across running
    pilots, oldest first, each with how many days late it is."""
    entries = await due_entries()
    today = await local_days((entry.pilot_id for entry in entries), now=now)
    return [
        (entry, (today[entry.pilot_id] - entry.due_on).days)
        for entry in entries
        if entry.due_on < today[entry.pilot_id]
    ]


def sides_in_order(sides: Iterable[Side]) -> list[Side]:
    chosen = set(sides)
    return [side for side in SIDES if side in chosen]


def _out(view: MilestoneView) -> MilestoneOut:
    m = view.milestone
    return MilestoneOut(
        id=m.id,
        title=m.title,
        deliverable=m.deliverable,
        due_on=m.due_on,
        sign_off_by=sides_in_order(m.sign_off_by),
        public=m.public,
        status=m.status,
        achieved_at=m.achieved_at,
        waiting_for=view.waiting_for,
        sign_offs=[
            SignOffOut(side=s.side, decision=s.decision, reason=s.reason, at=s.created_at) for s in view.history
        ],
    )


async def api_milestones(pilot_id: int, *, viewer: CurrentUser | None) -> MilestonesOut:
    """The pilot's milestones for the API: everything for those who work on the pilot; for anyone
    else, the public milestones of a public pilot (refusals with their reasons, never names)."""
    pilot = await load_pilot(pilot_id)
    insider = viewer is not None and may_work_on(viewer, pilot)
    if not insider and pilot.status not in PUBLIC:
        raise NotFound(NO_SUCH_PILOT)
    views = await milestones_of(pilot.id, public_only=not insider)
    return MilestonesOut(pilot_id=pilot.id, milestones=[_out(view) for view in views])


async def api_milestone(pilot_id: int, milestone_id: int) -> MilestoneOut:
    views = [view for view in await milestones_of(pilot_id) if view.milestone.id == milestone_id]
    if not views:
        raise NotFound(NO_SUCH_MILESTONE)
    return _out(views[0])
