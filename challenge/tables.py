from piccolo.columns import JSON, Boolean, DoublePrecision, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.enums import (
    AnswerKind,
    ApplicationStatus,
    Phase,
    ProblemStatus,
    QuestionKind,
    SettlementKind,
    StartupStage,
    Track,
)
from core.tables import StoredFile, User


class Edition(Table):
    """One yearly run of the challenge."""

    id: Serial  # added by Piccolo; annotated for the type checker

    name = Varchar(length=200)
    year = Integer(index=True)
    slug = Varchar(length=80, unique=True, index=True)
    timezone = Varchar(length=64, default="Europe/Belgrade")
    tracks = JSON(default=["smart_city", "smart_rural"])
    description = Text(default="")
    # The language the organiser wrote the name and description in ("sr" or "en"), and their
    # version in the other language, if any (core.rules.bilingual picks what a reader sees).
    language = Varchar(length=2, default="sr")
    translated_name = Varchar(length=200, default="")
    translated_description = Text(default="")
    prize_text = Text(default="")
    application_grace_minutes = Integer(default=0)
    programme_text = Text(default="")
    # The phase whose start was last carried out (notifications sent); the phase in force is
    # always derived from the timeline by challenge.rules.phases.
    applied_phase = Varchar(length=20, choices=Phase, null=True, default=None)
    manual_phase = Varchar(length=20, choices=Phase, null=True, default=None)
    manual_phase_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class EditionPhase(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    edition = ForeignKey(references=Edition, index=True)
    phase = Varchar(length=20, choices=Phase)
    starts_at = Timestamptz()


class Municipality(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    name = Varchar(length=200, unique=True)
    region = Varchar(length=120, index=True)
    population = Integer()
    kind = Varchar(length=10, choices=SettlementKind, index=True)
    contact_name = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    description = Text(default="")


class Startup(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    name = Varchar(length=200, unique=True)
    legal_form = Varchar(length=80, default="")
    country = Varchar(length=80)
    city = Varchar(length=120)
    founded_year = Integer(null=True, default=None)
    website = Varchar(length=255, default="")
    stage = Varchar(length=20, choices=StartupStage, null=True, default=None)
    sector = Varchar(length=120, default="")
    pitch = Text(default="")
    # ISO 639-1 codes of the languages the team works in: mentor matching requires a shared one.
    languages = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())


class StartupMember(Table):
    """A person in a startup's team for one edition (one startup per person and edition)."""

    id: Serial  # added by Piccolo; annotated for the type checker

    startup = ForeignKey(references=Startup, index=True)
    user = ForeignKey(references=User, index=True)
    edition = ForeignKey(references=Edition, index=True)
    title = Varchar(length=80, default="")
    is_contact = Boolean(default=False)
    # "<edition>:<user>", unique: the database refuses a second startup for the same person.
    key = Varchar(length=40, unique=True)
    joined_at = Timestamptz(default=TimestamptzNow())


class Problem(Table):
    """A local problem a municipality brings to the challenge."""

    id: Serial  # added by Piccolo; annotated for the type checker

    edition = ForeignKey(references=Edition, index=True)
    municipality = ForeignKey(references=Municipality, index=True)
    status = Varchar(length=20, choices=ProblemStatus, default=ProblemStatus.DRAFT, index=True)
    track = Varchar(length=20, choices=Track, null=True, default=None, index=True)
    title = Varchar(length=200)
    summary = Text(default="")
    context = Text(default="")
    # The language the staff wrote title, summary and context in ("sr" or "en"), and their
    # version in the other language, if any (core.rules.bilingual picks what a reader sees).
    language = Varchar(length=2, default="sr")
    translated_title = Varchar(length=200, default="")
    translated_summary = Text(default="")
    translated_context = Text(default="")
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

    id: Serial  # added by Piccolo; annotated for the type checker

    problem = ForeignKey(references=Problem, index=True)
    actor = ForeignKey(references=User, null=True, default=None)
    from_status = Varchar(length=20, choices=ProblemStatus, null=True, default=None)
    to_status = Varchar(length=20, choices=ProblemStatus)
    comment = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


class ProblemAttachment(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    problem = ForeignKey(references=Problem, index=True)
    file = ForeignKey(references=StoredFile)
    created_at = Timestamptz(default=TimestamptzNow())


class Endorsement(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    problem = ForeignKey(references=Problem, index=True)
    user = ForeignKey(references=User, index=True)
    # "<problem>:<user>", unique: one endorsement per person, enforced by the database.
    key = Varchar(length=40, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Comment(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    problem = ForeignKey(references=Problem, index=True)
    author = ForeignKey(references=User, index=True)
    body = Text()
    hidden = Boolean(default=False)
    hidden_reason = Text(default="")
    hidden_by = ForeignKey(references=User, null=True, default=None)
    hidden_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class EligibilityQuestion(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    edition = ForeignKey(references=Edition, index=True)
    position = Integer(default=0)
    kind = Varchar(length=10, choices=QuestionKind)
    text = Text()
    choices = JSON(default=[])
    required = Boolean(default=True)
    eligible_answer = Varchar(length=10, null=True, default=None)


class Application(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    edition = ForeignKey(references=Edition, index=True)
    startup = ForeignKey(references=Startup, index=True)
    track = Varchar(length=20, choices=Track, index=True)
    status = Varchar(length=20, choices=ApplicationStatus, default=ApplicationStatus.DRAFT, index=True)
    solution = Text(default="")
    why_us = Text(default="")
    traction = Text(default="")
    pilot_plan = Text(default="")
    impact = Text(default="")
    sdgs = JSON(default=[])
    support_needed = JSON(default=[])
    video_url = Varchar(length=500, default="")
    pitch_deck = ForeignKey(references=StoredFile, null=True, default=None)
    answers = JSON(default={})
    # Bumped by every save: a save based on an older version is told someone else saved first.
    version = Integer(default=1)
    # "<edition>:<startup>:<track>" while the application counts, NULL once withdrawn: the
    # database itself refuses a second active application for the same track.
    active_key = Varchar(length=60, unique=True, null=True, default=None)
    updated_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
    submitted_at = Timestamptz(null=True, default=None, index=True)


class ApplicationProblem(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    application = ForeignKey(references=Application, index=True)
    problem = ForeignKey(references=Problem, index=True)


class ApplicationEvent(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    application = ForeignKey(references=Application, index=True)
    actor = ForeignKey(references=User, null=True, default=None)
    from_status = Varchar(length=20, choices=ApplicationStatus, null=True, default=None)
    to_status = Varchar(length=20, choices=ApplicationStatus)
    message = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


class FitNote(Table):
    """A municipality's view of how an application fits its problem: for organisers, not judges."""

    id: Serial  # added by Piccolo; annotated for the type checker

    application = ForeignKey(references=Application, index=True)
    municipality = ForeignKey(references=Municipality, index=True)
    author = ForeignKey(references=User)
    note = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class ExpertiseTag(Table):
    """The shared vocabulary of expertise (organisers curate it): startups ask, mentors offer."""

    id: Serial  # added by Piccolo; annotated for the type checker

    # Stable: applications, profiles and matches refer to the slug; the name may change.
    slug = Varchar(length=40, unique=True)
    name = Varchar(length=80)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Question(Table):
    """An organisers' own application question of an edition; its wording lives in its versions."""

    id: Serial  # added by Piccolo; annotated for the type checker

    edition = ForeignKey(references=Edition, index=True)
    position = Integer(default=0)
    # NULL: asked in every track of the edition.
    track = Varchar(length=20, choices=Track, null=True, default=None)
    required = Boolean(default=False)
    # The id of the QuestionVersion asked now (a plain number: the version refers to the question).
    current_version = Integer(null=True, default=None)
    # Removed questions are no longer asked, but the answers given to them stay readable.
    removed = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class QuestionVersion(Table):
    """What a question asked from one edit to the next: answers point at the version they answered."""

    id: Serial  # added by Piccolo; annotated for the type checker

    question = ForeignKey(references=Question, index=True)
    number = Integer(default=1)
    kind = Varchar(length=20, choices=AnswerKind)
    # {"en": ..., "sr_Cyrl": ..., "sr_Latn": ...}
    label = JSON(default={})
    help = JSON(default={})
    max_length = Integer(null=True, default=None)
    min_value = DoublePrecision(null=True, default=None)
    max_value = DoublePrecision(null=True, default=None)
    # [{"key": "c1", "en": ..., "sr_Cyrl": ..., "sr_Latn": ...}]: keys stay when a choice is renamed.
    choices = JSON(default=[])
    file_types = JSON(default=[])
    max_megabytes = Integer(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Answer(Table):
    """An application's answer to an organisers' question, as typed (even when not valid yet)."""

    id: Serial  # added by Piccolo; annotated for the type checker

    application = ForeignKey(references=Application, index=True)
    question = ForeignKey(references=Question, index=True)
    version = ForeignKey(references=QuestionVersion)
    # {"answer": text, or a list of choice keys for a multiple choice}.
    value = JSON(default={})
    # Filled for valid answers only, for the screening filters: the number, and ",key," per choice.
    number = DoublePrecision(null=True, default=None, index=True)
    tags = Varchar(length=1000, default="", index=True)
    file = ForeignKey(references=StoredFile, null=True, default=None)
    # "<application>:<question>", unique: one answer per question and application.
    key = Varchar(length=40, unique=True)
    updated_at = Timestamptz(default=TimestamptzNow())
