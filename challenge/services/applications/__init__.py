"""Startups' applications, from draft to submission and through screening.

The package's public face: pages, the API, jobs and the other domains call these names, each
kept in the module of its use-case.
"""

from challenge.services.applications.access import (
    PITCH_DECK,
    deadline_of,
    editions_taking_applications,
    ensure_member,
    load_application,
    load_questions,
    may_read_pitch_deck,
    startup_of,
    window_of,
)
from challenge.services.applications.drafts import SaveResult, content_of, save_application
from challenge.services.applications.screening import add_fit_note, add_question, municipalities_shown, remove_question
from challenge.services.applications.status import StatusChange, change_status, no_route_message
from challenge.services.applications.submission import (
    REMINDER_HOURS,
    remind_deadlines,
    send_deadline_reminders,
    submit_application,
    withdraw_application,
)

__all__ = [
    "PITCH_DECK",
    "REMINDER_HOURS",
    "SaveResult",
    "StatusChange",
    "add_fit_note",
    "add_question",
    "change_status",
    "content_of",
    "deadline_of",
    "editions_taking_applications",
    "ensure_member",
    "load_application",
    "load_questions",
    "may_read_pitch_deck",
    "municipalities_shown",
    "no_route_message",
    "remind_deadlines",
    "remove_question",
    "save_application",
    "send_deadline_reminders",
    "startup_of",
    "submit_application",
    "window_of",
    "withdraw_application",
]
