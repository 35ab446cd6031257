"""Read side of the back office: paginated, filtered, one query per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from core.rules.audit import field_changes
from core.rules.paging import page_within
from core.scheduler import registered_jobs
from core.tables import AuditEvent, JobRun, JobState, OutboxMessage, Token, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class PageOf:
    rows: list[dict[str, Any]]
    page: int
    has_next: bool


async def audit_events(
    *,
    action: str = "",
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
) -> PageOf:
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
    rows = rows[:PAGE_SIZE]
    await _readable(rows)
    return PageOf(rows=rows, page=page, has_next=len(rows) > PAGE_SIZE)


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


async def _readable(rows: list[dict[str, Any]]) -> None:
    """Each event with the changed fields (old -> new), a link to its object and, for a person, their name."""
    people = sorted({int(row["entity_id"]) for row in rows if row["entity"] == "user" and row["entity_id"].isdigit()})
    found = await User.select(User.id, User.name, User.email).where(User.id.is_in(people)) if people else []
    by_id = {person["id"]: person for person in found}
    for row in rows:
        row["changes"] = field_changes(row["before"], row["after"])
        pattern = ENTITY_PAGES.get(row["entity"])
        row["link"] = pattern.format(id=row["entity_id"]) if pattern and row["entity_id"].isdigit() else ""
        row["entity_name"] = ""
        person = by_id.get(int(row["entity_id"])) if row["entity"] == "user" and row["entity_id"].isdigit() else None
        if person:  # an erased person's record stays, under the name the erasure left
            row["entity_name"] = person["name"] or person["email"]
            row["link"] = f"/organiser/people/?q={quote(person['email'])}"


async def audit_entities() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)
    return [row["entity"] for row in rows]


async def outbox(*, status: str = "", to: str = "", page: int = 1) -> PageOf:
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
    return PageOf(rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)


async def outbox_message(message_id: int) -> dict[str, Any] | None:
    """One message as organisers may see it: the body with its secret links hidden."""
    return await (
        OutboxMessage.select(*(c for c in OutboxMessage._meta.columns if c is not OutboxMessage.body_with_secrets))
        .where(OutboxMessage.id == message_id)
        .first()
    )


async def recent_invitations(limit: int = 30) -> list[dict[str, Any]]:
    return await (
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


async def user_count() -> int:
    count: int = await User.count()
    return count


async def jobs() -> list[dict[str, Any]]:
    """Every registered job with its persisted state and its last runs."""
    states = {row["job_id"]: row for row in await JobState.select()}
    out = []
    for spec in registered_jobs():
        runs = await JobRun.select().where(JobRun.job_id == spec.id).order_by(JobRun.id, ascending=False).limit(5)
        out.append(
            {
                "id": spec.id,
                "description": spec.description,
                "trigger": str(spec.trigger),
                "state": states.get(spec.id),
                "runs": runs,
            }
        )
    return out
