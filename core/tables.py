"""Tables of the shared kernel: people, their roles, and the platform's own machinery."""

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.enums import JobRunStatus, OutboxStatus, Role, TokenPurpose


class User(Table, tablename="app_user"):
    id: Serial  # added by Piccolo; annotated for the type checker
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=120)
    password_hash = Varchar(length=255)
    locale = Varchar(length=10, default="en")
    is_verified = Boolean(default=False)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class Membership(Table):
    """A role held by a user, optionally within an edition and an organisation.

    `organisation_id` names the municipality (role municipality) or the startup (role startup)
    the person acts for; the kernel does not know those tables, the domains do.
    """

    id: Serial  # added by Piccolo; annotated for the type checker

    user = ForeignKey(references=User, index=True)
    role = Varchar(length=20, choices=Role, index=True)
    edition_id = Integer(null=True, default=None)
    organisation_id = Integer(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Token(Table):
    """A single-use secret sent by mail: only its SHA-256 is stored."""

    id: Serial  # added by Piccolo; annotated for the type checker

    purpose = Varchar(length=20, choices=TokenPurpose)
    token_hash = Varchar(length=64, unique=True, index=True)
    email = Varchar(length=254)
    user = ForeignKey(references=User, null=True, default=None)
    payload = JSON(default={})
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class SessionRecord(Table, tablename="http_session"):
    """Server-side sessions, shared by every worker through the database."""

    id: Serial  # added by Piccolo; annotated for the type checker

    key = Varchar(length=128, unique=True, index=True)
    user_id = Integer(null=True, default=None, index=True)
    data = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class RateCounter(Table):
    """Counters for rate limits and sign-in failures, shared by every worker."""

    id: Serial  # added by Piccolo; annotated for the type checker

    key = Varchar(length=255, unique=True, index=True)
    window_start = Timestamptz()
    count = Integer(default=0)  # type: ignore[assignment]  # the column's name; shadows Table.count(), never called on this table
    # The latest hit: failure counters wait from it, and forget everything after a quiet spell.
    last_hit_at = Timestamptz(null=True, default=None)


class AuditEvent(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    actor = ForeignKey(references=User, null=True, default=None, index=True)
    action = Varchar(length=80, index=True)
    entity = Varchar(length=60, index=True)
    entity_id = Varchar(length=60, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class OutboxMessage(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    to_address = Varchar(length=254, index=True)
    subject = Varchar(length=255)
    # What organisers may read: the mail with every secret link replaced by a placeholder.
    body_text = Text()
    # The mail as the addressee gets it, links and all; NULLed in the UPDATE that marks it sent or
    # failed, so no usable token outlives its delivery. NULL for mail that carries no secret.
    body_with_secrets = Text(null=True, default=None)
    status = Varchar(length=10, choices=OutboxStatus, default=OutboxStatus.PENDING, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    # Set for mail that must go out once only (reminders): a unique index, created by the migration
    # (SQLite cannot ALTER TABLE ADD a UNIQUE column), refuses a second row with the same key.
    once_key = Varchar(length=120, null=True, default=None)


class StoredFile(Table):
    """An upload: bytes live in storage under `key`, never under the web root."""

    id: Serial  # added by Piccolo; annotated for the type checker

    key = Varchar(length=80, unique=True)
    original_name = Varchar(length=255)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    owner = ForeignKey(references=User, index=True)
    purpose = Varchar(length=40, default="general")
    created_at = Timestamptz(default=TimestamptzNow())


class JobState(Table):
    """Persisted state of each scheduled job: what survives a restart."""

    id: Serial  # added by Piccolo; annotated for the type checker

    job_id = Varchar(length=100, unique=True, index=True)
    next_run_at = Timestamptz(null=True, default=None)
    last_run_at = Timestamptz(null=True, default=None)
    last_status = Varchar(length=10, default="")
    last_error = Text(default="")
    run_requested = Boolean(default=False)


class JobRun(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    job_id = Varchar(length=100, index=True)
    scheduled_for = Timestamptz(null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=10, choices=JobRunStatus, default=JobRunStatus.RUNNING)
    error = Text(default="")
    worker = Varchar(length=100, default="")


class CalendarFeed(Table):
    """The version of a person's calendar feed token; bumping it revokes the old URL."""

    id: Serial  # added by Piccolo; annotated for the type checker

    user = ForeignKey(references=User, unique=True)
    version = Integer(default=1)


class ContentVersion(Table):
    """A token that changes whenever data shown on public pages changes: the page cache's key."""

    id: Serial  # added by Piccolo; annotated for the type checker

    name = Varchar(length=40, unique=True)
    token = Varchar(length=40, default="")
