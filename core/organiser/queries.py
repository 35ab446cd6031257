"""Read side of the back office: paginated, filtered, one query per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import msgspec

from core.rules.audit import FieldChange, field_changes
from core.rules.paging import page_within
from core.scheduler import registered_jobs
from core.tables import AuditEvent, JobRun, JobState, OutboxMessage, Token, User

PAGE_SIZE = 50


T = TypeVar("T")


@dataclass(frozen=True)
class PageOf(Generic[T]):
    rows: list[T]
    page: int
    has_next: bool


class AuditLine(msgspec.Struct, frozen=True, kw_only=True):
    """An audit event as the log shows it: who, the fields that changed, and where its object is read."""

    id: int
    actor: int | None
    actor_email: str | None
    actor_name: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
    changes: list[FieldChange]
    # The object's page ("" when it has none) and, for a person, their name ("" otherwise).
    link: str
    entity_name: str


async def audit_events(
    *,
    action: str = "",
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
) -> PageOf[AuditLine]:
    query = AuditEvent.select(
        *AuditEvent.all_columns(),
        AuditEvent.actor.email.as_alias("actor_email"),
        AuditEvent.actor.name.as_alias("actor_name"),
    )
    if action:
        query = query.where(AuditEvent.action.ilike(f"%{action}%"))
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor:
        query = query.where(AuditEvent.actor.email.ilike(f"%{actor}%"))
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    page = page_within(page, PAGE_SIZE)
    rows = await (
        query.order_by(AuditEvent.id, ascending=False)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
        .output(load_json=True)
    )
    return PageOf(rows=await _readable(rows[:PAGE_SIZE]), page=page, has_next=len(rows) > PAGE_SIZE)


# Where the organiser reads each kind of audited object. Only paths: the back office knows the
# site's addresses, not the domains' code. Objects without a page of their own are not linked.
ENTITY_PAGES = {
    "application": "/organiser/applications/{id}",
    "edition": "/organiser/editions/{id}/edit",
    "problem": "/organiser/problems/{id}",
    "round": "/organiser/rounds/{id}/",
    "outbox": "/organiser/outbox/{id}",
    "job": "/organiser/jobs",
    "pilot": "/pilots/{id}/work",
}


async def _readable(rows: list[dict[str, Any]]) -> list[AuditLine]:
    """Each event with the changed fields (old -> new), a link to its object and, for a person, their name."""
    people = sorted({int(row["entity_id"]) for row in rows if row["entity"] == "user" and row["entity_id"].isdigit()})
    found = await User.select(User.id, User.name, User.email).where(User.id.is_in(people)) if people else []
    by_id = {person["id"]: person for person in found}
    lines = []
    for row in rows:
        pattern = ENTITY_PAGES.get(row["entity"])
        link = pattern.format(id=row["entity_id"]) if pattern and row["entity_id"].isdigit() else ""
        entity_name = ""
        person = by_id.get(int(row["entity_id"])) if row["entity"] == "user" and row["entity_id"].isdigit() else None
        if person:  # an erased person's record stays, under the name the erasure left
            entity_name = person["name"] or person["email"]
            link = f"/organiser/people/?q={quote(person['email'])}"
        lines.append(
            AuditLine(
                id=row["id"],
                actor=row["actor"],
                actor_email=row["actor_email"],
                actor_name=row["actor_name"],
                action=row["action"],
                entity=row["entity"],
                entity_id=row["entity_id"],
                before=row["before"],
                after=row["after"],
                at=row["at"],
                changes=field_changes(row["before"], row["after"]),
                link=link,
                entity_name=entity_name,
            )
        )
    return lines


class OutboxLine(msgspec.Struct, frozen=True, kw_only=True):
    """A queued or sent mail as the outbox lists it."""

    id: int
    to_address: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str
    next_attempt_at: datetime


class OutboxMail(OutboxLine, frozen=True, kw_only=True):
    """One mail as organisers may read it: the body with its secret links hidden."""

    body_text: str
    once_key: str | None


class InvitationLine(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    # What the invitation grants (role, edition, organisation, ...): the link's free payload.
    payload: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    inviter: str | None


class JobStateRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    job_id: str
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_status: str
    last_error: str
    run_requested: bool


class JobRunRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    job_id: str
    scheduled_for: datetime | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    error: str
    worker: str


class JobLine(msgspec.Struct, frozen=True, kw_only=True):
    """A registered job with its persisted state (None before its first run) and its last runs."""

    id: str
    description: str
    trigger: str
    state: JobStateRow | None
    runs: list[JobRunRow]


async def audit_entities() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)
    return [row["entity"] for row in rows]


async def outbox(*, status: str = "", to: str = "", page: int = 1) -> PageOf[OutboxLine]:
    query = OutboxMessage.select(
        OutboxMessage.id,
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.status,
        OutboxMessage.attempts,
        OutboxMessage.created_at,
        OutboxMessage.sent_at,
        OutboxMessage.last_error,
        OutboxMessage.next_attempt_at,
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    if to:
        query = query.where(OutboxMessage.to_address.ilike(f"%{to}%"))
    page = page_within(page, PAGE_SIZE)
    rows = await query.order_by(OutboxMessage.id, ascending=False).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    lines = [msgspec.convert(row, OutboxLine, strict=False) for row in rows[:PAGE_SIZE]]
    return PageOf(rows=lines, page=page, has_next=len(rows) > PAGE_SIZE)


async def outbox_message(message_id: int) -> OutboxMail | None:
    """One message as organisers may see it: the body with its secret links hidden."""
    row = await (
        OutboxMessage.select(*(c for c in OutboxMessage._meta.columns if c is not OutboxMessage.body_with_secrets))
        .where(OutboxMessage.id == message_id)
        .first()
    )
    return msgspec.convert(row, OutboxMail, strict=False) if row is not None else None


async def recent_invitations(limit: int = 30) -> list[InvitationLine]:
    rows = await (
        Token.select(
            Token.email,
            Token.payload,
            Token.created_at,
            Token.expires_at,
            Token.used_at,
            Token.created_by.name.as_alias("inviter"),
        )
        .where(Token.purpose == "invite")
        .order_by(Token.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return [msgspec.convert(row, InvitationLine, strict=False) for row in rows]


async def user_count() -> int:
    count: int = await User.count()
    return count


async def jobs() -> list[JobLine]:
    """Every registered job with its persisted state and its last runs."""
    states = {row["job_id"]: msgspec.convert(row, JobStateRow, strict=False) for row in await JobState.select()}
    out = []
    for spec in registered_jobs():
        runs = await JobRun.select().where(JobRun.job_id == spec.id).order_by(JobRun.id, ascending=False).limit(5)
        out.append(
            JobLine(
                id=spec.id,
                description=spec.description,
                trigger=str(spec.trigger),
                state=states.get(spec.id),
                runs=[msgspec.convert(run, JobRunRow, strict=False) for run in runs],
            )
        )
    return out
