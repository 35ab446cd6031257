"""Hackathons, their rooms and panels, the schedule built for them and its published changes.

Participants are not copied here: teams are the edition's accepted and finalist applications,
mentors come from published mentoring matches, judges from the edition's judge memberships.
Schedule items name them by id (application ids, user ids) in JSON lists, as the builder does.
"""

from enum import StrEnum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.tables import Edition
from core.tables import User
from hackathon.enums import FixedKind, SessionKind
from mentoring.enums import RunStatus


class HackathonStatus(StrEnum):
    DRAFT = "draft"
    # Public schedule, personal schedules and feeds; every later change is logged and mailed.
    PUBLISHED = "published"


class Hackathon(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    edition = ForeignKey(references=Edition, index=True)
    name = Varchar(length=200)
    venue = Varchar(length=300, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    timezone = Varchar(length=64, default="Europe/Belgrade")
    status = Varchar(length=10, choices=HackathonStatus, default=HackathonStatus.DRAFT, index=True)
    # Durations in minutes, each a multiple of slot_minutes (the grid items start on).
    slot_minutes = Integer(default=5)
    pitch_minutes = Integer(default=10)
    office_hours_minutes = Integer(default=20)
    buffer_minutes = Integer(default=5)
    panel_sitting_minutes = Integer(default=90)
    panel_pause_minutes = Integer(default=15)
    # What each team gets: pitches (each before a different panel) and sessions with its mentor.
    pitches_per_team = Integer(default=1)
    office_hours_per_team = Integer(default=1)
    published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Room(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    name = Varchar(length=120)
    capacity = Integer(default=10)
    # [[start, end], ...] as ISO instants, or NULL: available during the whole hackathon.
    availability = JSON(null=True, default=None)


class FixedSession(Table):
    """A talk, workshop or break the organisers place themselves; the builder plans around it."""

    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    kind = Varchar(length=10, choices=FixedKind, default=FixedKind.TALK)
    title = Varchar(length=200)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    room = ForeignKey(references=Room, null=True, default=None)
    # Nobody is scheduled during it (breaks, keynotes).
    everyone = Boolean(default=True)


class Panel(Table):
    """Judges who hear pitches together, composed by the organisers."""

    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    name = Varchar(length=120)
    judge_ids = JSON(default=[])


class ScheduleRun(Table):
    """One run of the schedule builder, with its progress and what it could not place."""

    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    status = Varchar(length=10, choices=RunStatus, default=RunStatus.RUNNING)
    progress = Integer(default=0)
    stage = Varchar(length=120, default="")
    solve_status = Varchar(length=20, default="")
    time_limit_seconds = Integer(default=10)
    # [{kind, team_id, number, reason, message, params}, ...]
    unplaced = JSON(default=[])
    # The checker on the result: [{type, severity, message, params, target, item_ids}, ...]
    violations = JSON(default=[])
    stats = JSON(default={})
    error = Text(default="")
    created_by = ForeignKey(references=User, null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class ScheduleItem(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    # The builder's id ("pitch-3-1", "panel-2-1"): what the checker and `block_ref` use.
    # The column's name shadows `Table.ref` (a classmethod); it is in the migrations, so it stays.
    ref = Varchar(length=60)  # type: ignore[assignment]
    kind = Varchar(length=20, choices=SessionKind, index=True)
    title = Varchar(length=200, default="")
    room = ForeignKey(references=Room, null=True, default=None)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    team_ids = JSON(default=[])  # application ids
    judge_ids = JSON(default=[])  # user ids
    mentor_ids = JSON(default=[])  # user ids
    panel = ForeignKey(references=Panel, null=True, default=None)
    # A pitch's panel sitting (its `ref`).
    block_ref = Varchar(length=60, null=True, default=None)
    everyone = Boolean(default=False)
    # Bumped by every change: the iCal SEQUENCE, so calendars take the new time.
    version = Integer(default=0)
    run = ForeignKey(references=ScheduleRun, null=True, default=None)


class ScheduleChange(Table):
    """The changelog of a published schedule: one row per item changed, mailed to its people once."""

    id: Serial  # added by Piccolo; annotated for the type checker
    hackathon = ForeignKey(references=Hackathon, index=True)
    item = ForeignKey(references=ScheduleItem, null=True, default=None, index=True)
    title = Varchar(length=200, default="")
    what = Varchar(length=20, default="moved")
    # {room_id, room, starts_at, ends_at} before and after.
    before = JSON(default={})
    after = JSON(default={})
    changed_by = ForeignKey(references=User, null=True, default=None)
    published_at = Timestamptz(default=TimestamptzNow())
    notified = Integer(default=0)  # how many people were mailed
