"""The personal calendar feed: a person's sessions, as mentor or as a member of the startup."""

from __future__ import annotations

from core.calendar import CalendarEvent
from core.i18n import gettext as _
from core.settings import get_settings
from mentoring.enums import SessionStatus
from mentoring.queries.session_lists import sessions_of_user


async def calendar_events(user_id: int) -> list[CalendarEvent]:
    """A person's sessions, as mentor or as a member of the startup; cancelled ones stay, marked."""
    base = get_settings().base_url
    events: dict[str, CalendarEvent] = {}
    for row in await sessions_of_user(user_id):
        as_mentor = row.mentor == user_id
        cancelled = row.status == SessionStatus.CANCELLED
        summary = (
            _("Mentoring: %(startup)s") % {"startup": row.startup_name}
            if as_mentor
            else _("Mentoring with %(mentor)s") % {"mentor": row.mentor_name}
        )
        description = ""
        if cancelled:
            description = " ".join(part for part in (_("Cancelled."), row.cancel_reason) if part)
        uid = f"mentoring-session-{row.id}"
        events[uid] = CalendarEvent(
            uid=uid,
            summary=summary,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            description=description,
            location=row.location,
            url=f"{base}{'/mentor/sessions' if as_mentor else '/startup/mentoring'}",
            cancelled=cancelled,
            # Booked is the first version of the event, cancelled the second.
            sequence=1 if cancelled else 0,
        )
    return list(events.values())
