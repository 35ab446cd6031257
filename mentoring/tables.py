from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.tables import Application, Edition, Startup
from core.tables import User
from mentoring.enums import Attendance, MatchStatus, RunStatus, SessionStatus, SlotStatus


class MentorProfile(Table):
    """What a mentor offers in one edition; matching reads it."""

    id: Serial  # added by Piccolo; annotated for the type checker

    user = ForeignKey(references=User, index=True)
    edition = ForeignKey(references=Edition, index=True)
    # "<edition>:<user>", unique: one profile per mentor and edition.
    key = Varchar(length=40, unique=True)
    bio = Text(default="")
    organisation = Varchar(length=200, default="")
    expertise = JSON(default=[])
    sectors = JSON(default=[])
    languages = JSON(default=[])
    capacity = Integer(default=2)
    timezone = Varchar(length=64, default="Europe/Belgrade")
    # [[weekday, start minute, end minute], ...] in the mentor's time zone.
    availability = JSON(default=[])
    blackout_dates = JSON(default=[])
    conflict_startups = JSON(default=[])
    conflict_organisations = JSON(default=[])
    updated_at = Timestamptz(default=TimestamptzNow())


class MatchRun(Table):
    """One run of the matching engine for an edition, with what it could not do."""

    id: Serial  # added by Piccolo; annotated for the type checker

    edition = ForeignKey(references=Edition, index=True)
    status = Varchar(length=10, choices=RunStatus, default=RunStatus.RUNNING)
    progress = Integer(default=0)
    stage = Varchar(length=80, default="")
    objective = Integer(null=True, default=None)
    unmatched = JSON(default=[])
    warnings = JSON(default=[])
    error = Text(default="")
    created_by = ForeignKey(references=User, null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class Match(Table):
    id: Serial  # added by Piccolo; annotated for the type checker

    edition = ForeignKey(references=Edition, index=True)
    mentor = ForeignKey(references=User, index=True)
    application = ForeignKey(references=Application, index=True)
    startup = ForeignKey(references=Startup, index=True)
    score = Integer(default=0)
    # [[template, params], ...]: translated where shown.
    explanation = JSON(default=[])
    locked = Boolean(default=False)
    status = Varchar(length=10, choices=MatchStatus, default=MatchStatus.PROPOSED, index=True)
    # "<mentor>:<application>", unique: a pair exists once.
    key = Varchar(length=40, unique=True)
    run = ForeignKey(references=MatchRun, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)
    # Touched by every booking of the pair: on PostgreSQL the row lock orders concurrent bookings.
    booked_at = Timestamptz(null=True, default=None)


class MentoringSlot(Table):
    """A time a mentor offers; a startup books it."""

    id: Serial  # added by Piccolo; annotated for the type checker

    mentor = ForeignKey(references=User, index=True)
    edition = ForeignKey(references=Edition, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    status = Varchar(length=10, choices=SlotStatus, default=SlotStatus.OPEN, index=True)
    location = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class MentoringSession(Table):
    id: Serial  # added by Piccolo; annotated for the type checker

    slot = ForeignKey(references=MentoringSlot, index=True)
    match = ForeignKey(references=Match, index=True)
    mentor = ForeignKey(references=User, index=True)
    startup = ForeignKey(references=Startup, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    status = Varchar(length=10, choices=SessionStatus, default=SessionStatus.BOOKED, index=True)
    # "<slot>" while booked, NULL once cancelled: the database refuses a second booking of a slot.
    active_key = Varchar(length=20, unique=True, null=True, default=None)
    booked_by = ForeignKey(references=User, null=True, default=None)
    # Private to the mentor and organisers.
    notes = Text(default="")
    attendance = Varchar(length=10, choices=Attendance, null=True, default=None)
    rating = Integer(null=True, default=None)
    feedback = Text(default="")
    cancelled_by = ForeignKey(references=User, null=True, default=None)
    cancel_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
