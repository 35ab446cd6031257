"""Reminders of running pilots: to the side that reports a KPI before its next measurement is due
and once it is overdue, and to the sides yet to sign off a milestone likewise.

Each mail carries the reminder's key and its addressee as `once_key`: the outbox queues it once,
however often the job runs, on however many workers, and after downtime the job catches up with
one mail per reminder, not one per missed tick.
"""

from __future__ import annotations

from datetime import datetime

from core import db
from core.i18n import gettext as _
from core.i18n import in_locale, label
from core.mail import queue_mail
from pilots.queries.milestones import due_entries, people_of, sides_in_order, standing_for
from pilots.queries.pilots import local_days, pilots_by_id
from pilots.rules.reminders import ItemKind, Nudge, reminders_due


async def send_reminders(*, now: datetime) -> int:
    """Queue today's reminders (due soon, overdue); returns how many mails were queued."""
    entries = {(entry.kind, entry.item_id): entry for entry in await due_entries()}
    today = await local_days((entry.pilot_id for entry in entries.values()), now=now)
    queued = 0
    # Each item on its pilot's own date: "due tomorrow" turns at the municipality's midnight.
    due = [
        reminder
        for day in sorted(set(today.values()))
        for reminder in reminders_due(
            [entry.item for entry in entries.values() if today[entry.pilot_id] == day], today=day
        )
    ]
    # The pilots and their people in a handful of queries, however many reminders are due.
    pilots = await pilots_by_id(reminder.item.pilot_id for reminder in due)
    people = await people_of(pilots.values())
    for reminder in due:
        item = reminder.item
        entry = entries[(item.kind, item.item_id)]
        pilot = pilots[item.pilot_id]
        measurement = item.kind is ItemKind.MEASUREMENT
        link = f"/pilots/{pilot.id}/work/kpis" if measurement else f"/pilots/{pilot.id}/work/milestones"
        async with db.transaction():
            for person in standing_for(people[pilot.id], item.sides):
                with in_locale(person.locale):
                    overdue = reminder.nudge is Nudge.OVERDUE
                    if measurement:
                        subject = (
                            _("Overdue: a measurement of “%(item)s”")
                            if overdue
                            else _("Due soon: a measurement of “%(item)s”")
                        )
                    else:
                        subject = (
                            _("Overdue: the milestone “%(item)s”")
                            if overdue
                            else _("Due soon: the milestone “%(item)s”")
                        )
                    queued += await queue_mail(
                        to=person.email,
                        subject=subject % {"item": entry.name},
                        template="pilot_reminder",
                        once_key=f"{reminder.key}:{person.id}",
                        name=person.name,
                        pilot=pilot.title,
                        item=entry.name,
                        due=item.due_on.isoformat(),
                        measurement=measurement,
                        overdue=overdue,
                        sides=", ".join(label(side, "Side") for side in sides_in_order(person.sides)),
                        link=link,
                    )
    return queued
