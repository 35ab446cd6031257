from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.enums import Phase, ProblemStatus, SettlementKind, Track
from core.tables import StoredFile, User


class Edition(Table):
    """One yearly run of the challenge."""

    name = Varchar(length=200)
    year = Integer(index=True)
    slug = Varchar(length=80, unique=True, index=True)
    timezone = Varchar(length=64, default="Europe/Belgrade")
    tracks = JSON(default=["smart_city", "smart_rural"])
    description = Text(default="")
    prize_text = Text(default="")
    programme_text = Text(default="")
    # The phase whose start was last carried out (notifications sent); the phase in force is
    # always derived from the timeline by challenge.rules.phases.
    applied_phase = Varchar(length=20, choices=Phase, null=True, default=None)
    manual_phase = Varchar(length=20, choices=Phase, null=True, default=None)
    manual_phase_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class EditionPhase(Table):
    edition = ForeignKey(references=Edition, index=True)
    phase = Varchar(length=20, choices=Phase)
    starts_at = Timestamptz()


class Municipality(Table):
    name = Varchar(length=200, unique=True)
    region = Varchar(length=120, index=True)
    population = Integer()
    kind = Varchar(length=10, choices=SettlementKind, index=True)
    contact_name = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    description = Text(default="")


class Startup(Table):
    name = Varchar(length=200, unique=True)
    country = Varchar(length=80)
    city = Varchar(length=120)
    founded_year = Integer(null=True, default=None)
    website = Varchar(length=255, default="")


class Problem(Table):
    """A local problem a municipality brings to the challenge."""

    edition = ForeignKey(references=Edition, index=True)
    municipality = ForeignKey(references=Municipality, index=True)
    status = Varchar(length=20, choices=ProblemStatus, default=ProblemStatus.DRAFT, index=True)
    track = Varchar(length=20, choices=Track, null=True, default=None, index=True)
    title = Varchar(length=200)
    summary = Text(default="")
    context = Text(default="")
    affected_groups = Text(default="")
    affected_count = Integer(null=True, default=None)
    tried_before = Text(default="")
    data_available = Text(default="")
    open_data_links = JSON(default=[])
    sdgs = JSON(default=[])
    # Searchable copy of `sdgs` (",6,11,"): filtering by goal is one LIKE on both engines, a scan of
    # the edition's published rows (hundreds), which the edition and status indexes narrow first.
    sdg_tags = Varchar(length=80, default="", index=True)
    budget_range = Varchar(length=20, null=True, default=None)
    procurement_path = Varchar(length=30, null=True, default=None)
    pilot_location = Varchar(length=300, default="")
    contact_name = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    endorsement_count = Integer(default=0)
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None, index=True)


class ProblemEvent(Table):
    """Each status change of a problem, with the organiser's comment when changes are requested."""

    problem = ForeignKey(references=Problem, index=True)
    actor = ForeignKey(references=User, null=True, default=None)
    from_status = Varchar(length=20, choices=ProblemStatus, null=True, default=None)
    to_status = Varchar(length=20, choices=ProblemStatus)
    comment = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


class ProblemAttachment(Table):
    problem = ForeignKey(references=Problem, index=True)
    file = ForeignKey(references=StoredFile)
    created_at = Timestamptz(default=TimestamptzNow())


class Endorsement(Table):
    problem = ForeignKey(references=Problem, index=True)
    user = ForeignKey(references=User, index=True)
    # "<problem>:<user>", unique: one endorsement per person, enforced by the database.
    key = Varchar(length=40, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Comment(Table):
    problem = ForeignKey(references=Problem, index=True)
    author = ForeignKey(references=User, index=True)
    body = Text()
    hidden = Boolean(default=False)
    hidden_reason = Text(default="")
    hidden_by = ForeignKey(references=User, null=True, default=None)
    hidden_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
