"""Mentoring sessions: mentors offer slots, startups book them, either side cancels with notice.

One module per use-case: `slots` (offer, withdraw), `booking` (book, cancel, reschedule),
`follow_up` (notes, attendance, rating), `mail` (both sides' mail, the reminders); `access`
loads a session's pieces and says who is who. This package is their public face.
"""

from mentoring.services.sessions.access import (
    ACTIVE_SLOT,
    NOTICE,
    Availability,
    Party,
    availability_of,
    availability_problem,
    has_notice,
    load_session,
    mentor_profile,
    mentoring_period,
    party_of,
    refuse,
    weekly_hours,
    when,
)
from mentoring.services.sessions.booking import book, cancel, reschedule
from mentoring.services.sessions.follow_up import rate, record_notes
from mentoring.services.sessions.mail import send_session_reminders
from mentoring.services.sessions.slots import offer_slot, withdraw_slot

__all__ = [
    "ACTIVE_SLOT",
    "NOTICE",
    "Availability",
    "Party",
    "availability_of",
    "availability_problem",
    "book",
    "cancel",
    "has_notice",
    "load_session",
    "mentor_profile",
    "mentoring_period",
    "offer_slot",
    "party_of",
    "rate",
    "record_notes",
    "refuse",
    "reschedule",
    "send_session_reminders",
    "weekly_hours",
    "when",
    "withdraw_slot",
]
