"""Pilots and what the three sides record about them.

A pilot names its parties by id (the application and its startup, the problem and its
municipality, the mentor), copied at opening so that later changes to the application do not
move the pilot. The agreement's terms live on its versions; the pilot row mirrors the version in
force for listing and searching, and its status.
"""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.tables import Application, Edition, Municipality, Problem, Startup
from core.tables import StoredFile, User
from pilots.enums import (
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotProcurement,
    PilotStatus,
    Review,
    Side,
    SignOffDecision,
)


class Pilot(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    edition = ForeignKey(references=Edition, index=True)
    application = ForeignKey(references=Application, index=True)
    problem = ForeignKey(references=Problem, index=True)
    municipality = ForeignKey(references=Municipality, index=True)
    startup = ForeignKey(references=Startup, index=True)
    # The short public link and the poster's QR code: /p/<code>. Random, never reused.
    code = Varchar(length=12, unique=True, index=True)
    title = Varchar(length=200)
    # The language the pilot's texts are written in (its title, terms, KPIs, milestones): "sr" or
    # "en", as for problems; a Serbian text is shown in the reader's script.
    language = Varchar(length=2, default="sr")
    status = Varchar(length=10, choices=PilotStatus, default=PilotStatus.DRAFT, index=True)
    # The terms of the version in force (or of the draft until one is), for lists and filters.
    scope = Text(default="")
    locations = JSON(default=[])
    starts_on = Date()
    ends_on = Date()
    budget_eur = Integer(null=True, default=None)
    funded_by = Varchar(length=200, default="")
    procurement = Varchar(length=30, choices=PilotProcurement, default=PilotProcurement.DIRECT_PILOT)
    data_terms = Text(default="")
    mentor = ForeignKey(references=User, null=True, default=None)
    current_version = Integer(default=1)
    version_in_force = Integer(null=True, default=None)
    stop_reason = Text(default="")
    opened_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    agreed_at = Timestamptz(null=True, default=None)
    started_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)


class AgreementVersion(Table):
    """One wording of the terms. Never changed once written: an amendment is a new version."""

    id: Serial  # added by Piccolo; annotated for the type checker
    pilot = ForeignKey(references=Pilot, index=True)
    number = Integer()
    # "<pilot>:<number>": the database refuses two versions with one number.
    key = Varchar(length=30, unique=True)
    terms = JSON()
    changed = JSON(default=[])  # the names of the terms this version changed
    note = Text(default="")  # what the author says the amendment is for
    author = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Signature(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    version = ForeignKey(references=AgreementVersion, index=True)
    side = Varchar(length=20, choices=Side)
    # "<version>:<side>": one signature per side per version, however many people click at once.
    key = Varchar(length=40, unique=True)
    signer = ForeignKey(references=User)
    signed_at = Timestamptz(default=TimestamptzNow())


class Kpi(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    pilot = ForeignKey(references=Pilot, index=True)
    position = Integer(default=0)
    name = Varchar(length=200)
    unit = Varchar(length=40)
    direction = Varchar(length=4, choices=Direction)
    baseline_value = DoublePrecision()
    baseline_on = Date()
    target_value = DoublePrecision()
    method = Text(default="")
    frequency = Varchar(length=10, choices=Frequency)
    reporter = Varchar(length=20, choices=Side)
    sdg = SmallInt(null=True, default=None)
    sdg_target = Varchar(length=10, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Measurement(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    kpi = ForeignKey(references=Kpi, index=True)
    measured_on = Date(index=True)
    value = DoublePrecision()
    note = Text(default="")
    status = Varchar(length=10, choices=MeasurementStatus, default=MeasurementStatus.REPORTED, index=True)
    reported_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MeasurementEvidence(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    measurement = ForeignKey(references=Measurement, index=True)
    file = ForeignKey(references=StoredFile)
    created_at = Timestamptz(default=TimestamptzNow())


class MeasurementReview(Table):
    """A side's word on a measurement; its latest review counts, earlier ones stay as history."""

    id: Serial  # added by Piccolo; annotated for the type checker
    measurement = ForeignKey(references=Measurement, index=True)
    side = Varchar(length=20, choices=Side)
    review = Varchar(length=10, choices=Review)
    reason = Text(default="")
    reviewer = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Milestone(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    pilot = ForeignKey(references=Pilot, index=True)
    title = Varchar(length=200)
    deliverable = Text(default="")
    due_on = Date(index=True)
    sign_off_by = JSON(default=[])  # the sides named to sign it off
    public = Boolean(default=True)
    status = Varchar(length=10, choices=MilestoneStatus, default=MilestoneStatus.PENDING, index=True)
    achieved_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SignOff(Table):
    """A side's decision on a milestone; refusals keep their reason for the record."""

    id: Serial  # added by Piccolo; annotated for the type checker
    milestone = ForeignKey(references=Milestone, index=True)
    side = Varchar(length=20, choices=Side)
    decision = Varchar(length=10, choices=SignOffDecision)
    reason = Text(default="")
    signer = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class PilotFeedback(Table):
    """A resident's word at the pilot site, without an account; moderated like comments."""

    id: Serial  # added by Piccolo; annotated for the type checker
    pilot = ForeignKey(references=Pilot, index=True)
    rating = SmallInt()
    comment = Text(default="")
    local = Boolean(default=False)  # "I live or work here"
    language = Varchar(length=10, default="")
    source = Varchar(length=10, choices=FeedbackSource, default=FeedbackSource.ONLINE)
    # Staff who typed in feedback collected in person, on the resident's behalf.
    entered_by = ForeignKey(references=User, null=True, default=None)
    hidden = Boolean(default=False)
    hidden_reason = Text(default="")
    hidden_by = ForeignKey(references=User, null=True, default=None)
    hidden_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
