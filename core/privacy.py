"""People's own data: everything the platform holds about a person, as a download, and its erasure.

The kernel knows its own tables; each domain registers a `PrivacySection` (from the composition
root) saying what it holds about a person, what must be settled before they can be erased, and
how to erase it inside the erasure's one transaction. What is deleted and what is pseudonymised
is decided in `core.rules.privacy` and described, in the same words, on the privacy page.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

import msgspec

from core import audit, db
from core.auth import verify_password
from core.enums import Role
from core.errors import NotFound, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from core.rules import privacy as rules
from core.rules.privacy import Blocker
from core.storage import get_storage, off_loop
from core.tables import (
    AuditEvent,
    CalendarFeed,
    Membership,
    OutboxMessage,
    RateCounter,
    SessionRecord,
    StoredFile,
    Token,
    User,
)


@dataclass(frozen=True)
class Subject:
    """The person whose data is exported or erased, as they were before any change."""

    user_id: int
    email: str
    name: str


class Person(msgspec.Struct, frozen=True, kw_only=True):
    """Someone an organiser may erase on request, as the people pages show them."""

    id: int
    name: str
    email: str
    # When they signed up: the search lists it, the erasure page does not need it.
    created_at: datetime | None = None


@dataclass(frozen=True)
class Erasure:
    """Handed to each section's eraser: who is erased and the pseudonym they now carry."""

    subject: Subject
    pseudonym: str


Rows = dict[str, list[dict[str, Any]]]


async def _nothing_blocks(subject: Subject) -> list[Blocker]:
    return []


async def _nothing_kept(subject: Subject) -> frozenset[str]:
    return frozenset()


async def _no_files(file_ids: list[int]) -> set[int]:
    return set()


@dataclass(frozen=True)
class PrivacySection:
    """One domain's part of a person's data."""

    name: str
    export: Callable[[Subject], Awaitable[Rows]]
    erase: Callable[[Erasure], Awaitable[None]]
    blockers: Callable[[Subject], Awaitable[list[Blocker]]] = field(default=_nothing_blocks)
    # What others still rely on (core.rules.privacy.KEPT_SCORES): decides the pseudonym.
    kept: Callable[[Subject], Awaitable[frozenset[str]]] = field(default=_nothing_kept)
    # Of the person's uploads (ids), those this domain still attaches after its erasure ran.
    files_in_use: Callable[[list[int]], Awaitable[set[int]]] = field(default=_no_files)


_sections: dict[str, PrivacySection] = {}


def register_section(section: PrivacySection) -> None:
    """Domains add what they hold about a person (see core.app); registering twice replaces."""
    _sections[section.name] = section


def sections() -> list[PrivacySection]:
    return list(_sections.values())


# --- export --------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return str(value)


async def _subject(user_id: int) -> Subject:
    row = await User.select(User.id, User.email, User.name).where(User.id == user_id).first()
    if row is None or rules.is_erased_email(row["email"]):
        raise NotFound(N_("This person does not exist."))
    return Subject(user_id=row["id"], email=row["email"], name=row["name"])


async def _core_rows(subject: Subject) -> Rows:
    user_id = subject.user_id
    account = await User.select(*[c for c in User.all_columns() if c._meta.name != "password_hash"]).where(
        User.id == user_id
    )
    audit_rows = (
        await AuditEvent.select(
            AuditEvent.id,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.at,
        )
        .where((AuditEvent.actor == user_id) | ((AuditEvent.entity == "user") & (AuditEvent.entity_id == str(user_id))))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    return {
        "account": account,
        "memberships": await Membership.select(
            Membership.id, Membership.role, Membership.edition_id, Membership.organisation_id, Membership.created_at
        )
        .where(Membership.user == user_id)
        .order_by(Membership.id),
        "sessions": await SessionRecord.select(SessionRecord.id, SessionRecord.expires_at)
        .where(SessionRecord.user_id == user_id)
        .order_by(SessionRecord.id),
        "tokens": await Token.select(Token.id, Token.purpose, Token.created_at, Token.expires_at, Token.used_at)
        .where((Token.user == user_id) | (Token.email == subject.email))
        .order_by(Token.id),
        "calendar_feed": await CalendarFeed.select(CalendarFeed.version).where(CalendarFeed.user == user_id),
        "mail": await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.to_address == subject.email)
        .order_by(OutboxMessage.id),
        "audit_events": audit_rows,
        "files": await StoredFile.select(
            StoredFile.id,
            StoredFile.original_name,
            StoredFile.content_type,
            StoredFile.size,
            StoredFile.sha256,
            StoredFile.purpose,
            StoredFile.created_at,
            StoredFile.key,
        )
        .where(StoredFile.owner == user_id)
        .order_by(StoredFile.id),
    }


def export_file_name(row: dict[str, Any]) -> str:
    """Where an upload sits inside the export: its id keeps names unique, the name stays readable."""
    safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in row["original_name"]).strip() or "file"
    return f"files/{row['id']}-{safe[:100]}"


def _build_zip(documents: dict[str, Any], files: list[dict[str, Any]]) -> bytes:
    storage = get_storage()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents.items():
            text = json.dumps(content, default=_jsonable, ensure_ascii=False, indent=2, sort_keys=True)
            archive.writestr(f"{name}.json", text)
        for row in files:
            try:
                source = storage.open(row["key"])
            except (OSError, ValueError):
                # Bytes gone (swept, an old backup restored) or a key storage refuses: listed, not fatal.
                continue
            with source, archive.open(export_file_name(row), "w") as target:
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
    return buffer.getvalue()


async def export(*, user_id: int) -> bytes:
    """A zip of everything held about the person: one JSON document per part, plus their uploads.

    Only ever called for the signed-in person themself (the route takes no user id).
    """
    subject = await _subject(user_id)
    core = await _core_rows(subject)
    files = core["files"]
    core["files"] = [
        {key: value for key, value in row.items() if key != "key"} | {"path": export_file_name(row)} for row in files
    ]
    documents: dict[str, Any] = {"core": core}
    for section in sections():
        documents[section.name] = await section.export(subject)
    # Compressing and reading the uploads is blocking work: off the event loop.
    return await asyncio.to_thread(_build_zip, documents, files)


# --- erasure -------------------------------------------------------------------------------------


async def _core_blockers(subject: Subject) -> list[Blocker]:
    is_organiser = await Membership.exists().where(
        Membership.user == subject.user_id, Membership.role == Role.ORGANISER
    )
    if not is_organiser:
        return []
    others = await Membership.count().where(
        Membership.role == Role.ORGANISER,
        Membership.user != subject.user_id,
        Membership.user.is_active == True,  # noqa: E712
    )
    if others:
        return []
    return [Blocker(N_("You are the only organiser: invite another organiser before erasing this account."))]


async def blockers(*, user_id: int) -> list[str]:
    """What must be settled first, translated, in the order the domains come."""
    subject = await _subject(user_id)
    found = await _core_blockers(subject)
    for section in sections():
        found.extend(await section.blockers(subject))
    messages: dict[str, None] = {}
    for blocker in found:
        messages.setdefault(_(blocker.message) % dict(blocker.params) if blocker.params else _(blocker.message))
    return list(messages)


async def _scrub_audit(subject: Subject, name: str, email: str) -> None:
    """Audit records stay (they prove who decided what) but no longer name the person."""
    rows = await (
        AuditEvent.select(AuditEvent.id, AuditEvent.actor, AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)
        .where(
            (AuditEvent.actor == subject.user_id)
            | ((AuditEvent.entity == "user") & (AuditEvent.entity_id == str(subject.user_id)))
            | (AuditEvent.entity_id == subject.email)
        )
        .output(load_json=True)
    )
    secrets = (subject.email, subject.name)
    for row in rows:
        written = rules.WRITTEN_TEXT_KEYS if row["actor"] == subject.user_id else frozenset()
        await AuditEvent.update(
            {
                AuditEvent.entity_id: email if row["entity_id"] == subject.email else row["entity_id"],
                AuditEvent.before: rules.scrub(row["before"], secrets=secrets, replacement=name, written=written),
                AuditEvent.after: rules.scrub(row["after"], secrets=secrets, replacement=name, written=written),
            }
        ).where(AuditEvent.id == row["id"])


async def _erase_core(subject: Subject, name: str, in_use: set[int]) -> list[str]:
    """Erase the kernel's part; returns the storage keys of the uploads to delete once committed."""
    user_id, email = subject.user_id, subject.email
    owned = [row["id"] for row in await StoredFile.select(StoredFile.id).where(StoredFile.owner == user_id)]
    doomed = list(rules.files_to_delete(owned, in_use=in_use))
    keys: list[str] = []
    if doomed:
        keys = [row["key"] for row in await StoredFile.select(StoredFile.key).where(StoredFile.id.is_in(doomed))]
        await StoredFile.delete().where(StoredFile.id.is_in(doomed))
    await Token.delete().where((Token.user == user_id) | (Token.email == email))
    await SessionRecord.delete().where(SessionRecord.user_id == user_id)
    # The feed URL is an HMAC of (user, version): bumping the version kills every URL handed out.
    feed = await CalendarFeed.select(CalendarFeed.version).where(CalendarFeed.user == user_id).first()
    if feed:
        await CalendarFeed.update({CalendarFeed.version: feed["version"] + 1}).where(CalendarFeed.user == user_id)
    else:
        await CalendarFeed.insert(CalendarFeed(user=user_id, version=1))
    for subject_key in rules.rate_limit_subjects(email=email, user_id=user_id):
        await RateCounter.delete().where(
            RateCounter.key.like(f"%:{subject_key}") | RateCounter.key.like(f"%:{subject_key}|%")
        )
    await OutboxMessage.delete().where(OutboxMessage.to_address == email)
    await Membership.delete().where(Membership.user == user_id)
    placeholder = rules.placeholder_email(user_id)
    await _scrub_audit(subject, name, placeholder)
    await User.update(
        {
            User.name: name,
            User.email: placeholder,
            User.password_hash: rules.UNUSABLE_PASSWORD,
            User.is_active: False,
            User.is_verified: False,
            User.last_login_at: None,
            User.locale: "en",
        }
    ).where(User.id == user_id)
    return keys


@dataclass(frozen=True)
class ErasureResult:
    pseudonym: str
    files_deleted: int


async def _erase(*, user_id: int, actor_id: int, by: str, reason: str) -> ErasureResult:
    async with db.transaction():
        subject = await _subject(user_id)
        if found := await blockers(user_id=user_id):
            raise StateConflict(" ".join(found))
        kept: frozenset[str] = frozenset()
        for section in sections():
            kept |= await section.kept(subject)
        name = rules.pseudonym(user_id, kept=kept)
        erasure = Erasure(subject=subject, pseudonym=name)
        # Downstream domains first: what they hold points at what the upstream ones hold.
        for section in reversed(sections()):
            await section.erase(erasure)
        owned = [row["id"] for row in await StoredFile.select(StoredFile.id).where(StoredFile.owner == user_id)]
        in_use: set[int] = set()
        for section in sections():
            in_use |= await section.files_in_use(owned)
        keys = await _erase_core(subject, name, in_use)
        await audit.record(
            actor_id=actor_id,
            action="account.erased",
            entity="user",
            entity_id=user_id,
            after={"pseudonym": name, "by": by, "reason": reason, "files_deleted": len(keys), "kept": sorted(kept)},
        )
    # Bytes go only once the rows are gone for good: a rolled-back erasure loses nothing.
    storage = get_storage()
    for key in keys:
        await off_loop(storage, storage.delete, key)
    return ErasureResult(pseudonym=name, files_deleted=len(keys))


async def erase_own_account(*, user_id: int, password: str) -> ErasureResult:
    """The person erases their own account, confirming with their password."""
    row = await User.select(User.password_hash).where(User.id == user_id).first()
    if row is None or not await asyncio.to_thread(verify_password, row["password_hash"], password):
        raise ValidationFailed({"password": rules.ERASE_CONFIRM_WRONG})
    return await _erase(user_id=user_id, actor_id=user_id, by="self", reason="")


async def erase_on_request(*, organiser_id: int, user_id: int, reason: str) -> ErasureResult:
    """An organiser carries out a person's request (by mail, by letter); the reason is audited."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": rules.REASON_REQUIRED})
    if len(reason) > 1000:
        raise ValidationFailed({"reason": TOO_LONG})
    if user_id == organiser_id:
        raise StateConflict(N_("Erase your own account from your account page."))
    return await _erase(user_id=user_id, actor_id=organiser_id, by="organiser", reason=reason)


async def find_people(query: str) -> list[Person]:
    """People an organiser may erase on request, by part of their name or address."""
    query = query.strip()
    if not query:
        return []
    rows = await (
        User.select(User.id, User.name, User.email, User.created_at)
        .where(
            (User.email.ilike(f"%{query}%") | User.name.ilike(f"%{query}%")),
            User.email.not_like(f"%@{rules.PLACEHOLDER_DOMAIN}"),
        )
        .order_by(User.email)
        .limit(50)
    )
    return [msgspec.convert(row, Person, strict=False) for row in rows]


async def person(user_id: int) -> Person:
    subject = await _subject(user_id)
    return Person(id=subject.user_id, name=subject.name, email=subject.email)
