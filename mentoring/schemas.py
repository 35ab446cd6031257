"""Every API struct of the mentoring domain, and the typed commands its services take.

A command is what a use-case needs from the person, typed. The JSON API decodes its body into
the command itself (the `...In` structs); the HTML forms turn their strings into the same
command in `mentoring.forms`. Where a form can carry a value the API's types refuse at the
door (a capacity that is not a whole number, a time that is not a time), the command admits
it as `None` and the service names the field, as it does for every other problem; the API
body narrows that field, so JSON keeps being refused by type (400/422 from msgspec).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.schemas import JsonInput

# --- Commands (and the JSON bodies that are those commands). --------------------------------


class WindowIn(JsonInput, kw_only=True):
    """One day's hours, "HH:MM" to "HH:MM" in the mentor's time zone (0 is Monday)."""

    weekday: int
    start: str
    end: str


class ProfileCommand(msgspec.Struct, kw_only=True):
    """A mentor's profile for one edition, as given: the profile rule checks every field.

    Attributes:
        capacity: None when the form's value is not a whole number.
        conflict_startups: Startup ids; a form value that is no id at all comes as -1, which
            names no startup (the rule says "choose startups from the list").
    """

    expertise: list[str] = msgspec.field(default_factory=list)
    languages: list[str] = msgspec.field(default_factory=list)
    capacity: int | None = None
    timezone: str = "Europe/Belgrade"
    organisation: str = ""
    bio: str = ""
    sectors: list[str] = msgspec.field(default_factory=list)
    availability: list[WindowIn] = msgspec.field(default_factory=list)
    blackout_dates: list[str] = msgspec.field(default_factory=list)
    conflict_startups: list[int] = msgspec.field(default_factory=list)
    conflict_organisations: list[str] = msgspec.field(default_factory=list)


class ProfileIn(JsonInput, ProfileCommand, kw_only=True):
    """The JSON body of a profile: expertise, languages and a whole-number capacity required."""

    expertise: list[str]
    languages: list[str]
    capacity: int


class SlotOffer(msgspec.Struct, kw_only=True):
    """A time a mentor offers; None where a form's date and time could not be read."""

    edition_id: int
    # Without an offset: wall-clock time in the mentor's profile time zone.
    starts_at: datetime | None
    ends_at: datetime | None
    location: str


class SlotIn(JsonInput, SlotOffer, kw_only=True):
    starts_at: datetime
    ends_at: datetime


class BookIn(JsonInput, kw_only=True):
    slot_id: int
    match_id: int


class CancelIn(JsonInput, kw_only=True):
    reason: str = ""


class RescheduleIn(JsonInput, kw_only=True):
    new_slot_id: int


class NotesIn(JsonInput, kw_only=True):
    notes: str = ""
    attendance: str | None = None


class SessionRating(msgspec.Struct, kw_only=True):
    """A startup's rating of a session; None when a form's rating is not a number."""

    rating: int | None
    feedback: str = ""


class RatingIn(JsonInput, SessionRating, kw_only=True):
    rating: int


# --- Answers. ---------------------------------------------------------------------------------


class ProfileOut(msgspec.Struct):
    edition: int
    expertise: list[str]
    languages: list[str]
    capacity: int
    timezone: str
    organisation: str
    bio: str
    sectors: list[str]
    availability: list[list[int]]
    blackout_dates: list[str]
    conflict_startups: list[int]
    conflict_organisations: list[str]


class MatchOut(msgspec.Struct):
    id: int
    edition: int
    mentor: int
    application: int
    startup: int
    score: int
    status: str
    locked: bool
    why: str
    mentor_name: str | None = None
    startup_name: str | None = None


class UnmatchedOut(msgspec.Struct):
    application_id: int
    reason: str
    message: str


class ProposalOut(msgspec.Struct):
    run_status: str | None
    progress: int
    pairs: list[MatchOut]
    unmatched: list[UnmatchedOut]
    warnings: list[str]


class SlotOut(msgspec.Struct):
    id: int
    edition: int
    starts_at: datetime
    ends_at: datetime
    status: str
    location: str


class BookableSlotOut(msgspec.Struct):
    id: int
    edition: int
    starts_at: datetime
    ends_at: datetime
    location: str
    match_id: int
    mentor_name: str


class NotesOut(msgspec.Struct):
    session_id: int
    notes: str
    attendance: str | None


class SessionOut(msgspec.Struct):
    id: int
    slot: int
    match: int
    mentor: int
    mentor_name: str
    startup: int
    startup_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    location: str
    attendance: str | None
    rating: int | None
    feedback: str
    cancel_reason: str
