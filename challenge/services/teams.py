"""A startup's team: its profile, co-founders invited by email, the contact person."""

from __future__ import annotations

from typing import Any

from challenge.enums import StartupStage
from challenge.records import StartupOfUser, StartupRow, TeamMember, as_changes, convert_row, convert_rows
from challenge.rules.languages import parse_languages
from challenge.services.applications import ensure_member
from challenge.services.editions import load_edition
from challenge.tables import Startup, StartupMember
from core import audit, db
from core.accounts.invitations import on_invite_accepted, send_invite
from core.accounts.services import grant_role
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, StateConflict, ValidationFailed
from core.rules import N_, TOO_LONG
from core.rules.emails import email_problem, normalise_email

PROFILE_FIELDS = ("name", "legal_form", "country", "city", "website", "sector", "pitch", "stage", "founded_year")
MAX_TEAM = 12


def read_profile(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The profile's fields, parsed, with a message per field that is wrong."""
    values: dict[str, Any] = {k: str(data.get(k, "") or "").strip() for k in PROFILE_FIELDS}
    errors: dict[str, str] = {}
    for name in ("name", "country", "city"):
        if not values[name]:
            errors[name] = N_("Required.")
    limits = {"name": 200, "legal_form": 80, "country": 80, "city": 120, "website": 255, "sector": 120, "pitch": 1000}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors[name] = TOO_LONG
    if values["stage"] and values["stage"] not in {s.value for s in StartupStage}:
        errors["stage"] = N_("Choose one of the options.")
    if values["website"] and not values["website"].startswith(("https://", "http://")):
        errors["website"] = N_("Each link must be a full web address starting with https://")
    founded = values["founded_year"]
    if founded and (not founded.isdigit() or not 1900 <= int(founded) <= 2100):
        errors["founded_year"] = N_("Give the year, e.g. 2027.")
    values["founded_year"] = int(founded) if founded.isdigit() else None
    values["languages"], problem = parse_languages(data.get("languages", []))
    if problem:
        errors["languages"] = problem
    values["stage"] = values["stage"] or None
    return values, errors


async def load_startup(startup_id: int) -> StartupRow:
    row = await Startup.select().where(Startup.id == startup_id).first().output(load_json=True)
    if row is None:
        raise NotFound(N_("This startup does not exist."))
    return convert_row(row, StartupRow)


async def create_startup(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> int:
    """A startup with its founder as contact person, for one edition."""
    if not user.is_verified:
        # A conflict, not a 403: the form comes back with everything typed and the way forward.
        raise StateConflict(
            N_(
                "Confirm your email address first: open the link we mailed you, or ask for a new one "
                "with the button above. Nothing you typed was lost."
            )
        )
    values, errors = read_profile(data)
    title = str(data.get("title", "") or "").strip()
    if len(title) > 80:
        errors["title"] = TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    await load_edition(edition_id)
    async with db.transaction():
        if await StartupMember.exists().where(StartupMember.user == user.id, StartupMember.edition == edition_id):
            raise StateConflict(N_("You already belong to a startup in this edition."))
        if await Startup.exists().where(Startup.name == values["name"]):
            raise ValidationFailed({"name": N_("A startup with this name is registered already.")})
        startup_id: int = (await Startup.insert(Startup(**values)).returning(Startup.id))[0]["id"]
        await StartupMember.insert(
            StartupMember(
                startup=startup_id,
                user=user.id,
                edition=edition_id,
                title=title or "Founder",
                is_contact=True,
                key=f"{edition_id}:{user.id}",
            )
        )
        await grant_role(
            actor_id=user.id, user_id=user.id, role=Role.STARTUP, edition_id=edition_id, organisation_id=startup_id
        )
        await audit.record(
            actor_id=user.id, action="startup.created", entity="startup", entity_id=startup_id, after=values
        )
    return startup_id


async def update_profile(*, user: CurrentUser, startup_id: int, data: dict[str, Any]) -> None:
    await ensure_member(user, startup_id)
    values, errors = read_profile(data)
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        before = await load_startup(startup_id)
        if await Startup.exists().where(Startup.name == values["name"], Startup.id != startup_id):
            raise ValidationFailed({"name": N_("A startup with this name is registered already.")})
        await Startup.update(as_changes(values)).where(Startup.id == startup_id)
        changed = [k for k in values if getattr(before, k) != values[k]]
        await audit.record(
            actor_id=user.id,
            action="startup.updated",
            entity="startup",
            entity_id=startup_id,
            before={k: getattr(before, k) for k in changed},
            after={k: values[k] for k in changed},
        )


async def team(startup_id: int) -> list[TeamMember]:
    """Members with name and address, the contact person first."""
    rows = await StartupMember.select(
        StartupMember.id,
        StartupMember.user,
        StartupMember.edition,
        StartupMember.title,
        StartupMember.is_contact,
        StartupMember.user.name.as_alias("name"),
        StartupMember.user.email.as_alias("email"),
    ).where(StartupMember.startup == startup_id)
    members = convert_rows(rows, TeamMember)
    return sorted(members, key=lambda m: (not m.is_contact, m.name.lower()))


async def invite_cofounder(*, user: CurrentUser, startup_id: int, email: str, title: str, message: str = "") -> None:
    """Mail a co-founder a link that adds them to the team (and, if needed, creates their account)."""
    await ensure_member(user, startup_id)
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if len(title.strip()) > 80:
        errors["title"] = TOO_LONG
    if len(message) > 2000:
        errors["message"] = N_("Please keep the message under 2,000 characters.")
    if errors:
        raise ValidationFailed(errors)
    members = await team(startup_id)
    if any(m.email == email for m in members):
        raise ValidationFailed({"email": N_("This person is in the team already.")})
    if len(members) >= MAX_TEAM:
        raise StateConflict(N_("A team has at most 12 members on the platform."))
    startup = await load_startup(startup_id)
    edition_id = next(m.edition for m in members)
    await send_invite(
        inviter_id=user.id,
        email=email,
        payload={
            "role": Role.STARTUP,
            "edition_id": edition_id,
            "organisation_id": startup_id,
            "title": title.strip() or "Co-founder",
            "team_name": startup.name,
        },
        message=message,
        joining=startup.name,
    )


async def join_from_invite(user_id: int, payload: dict[str, Any]) -> None:
    """Accepting a co-founder invitation: one startup per person and edition, kept by the database."""
    startup_id, edition_id = payload.get("organisation_id"), payload.get("edition_id")
    if startup_id is None or edition_id is None:
        return  # a startup role granted without a team (none is sent today)
    if await StartupMember.exists().where(StartupMember.user == user_id, StartupMember.startup == startup_id):
        return
    if await StartupMember.exists().where(StartupMember.user == user_id, StartupMember.edition == edition_id):
        raise StateConflict(N_("You already belong to a startup in this edition."))
    try:
        await StartupMember.insert(
            StartupMember(
                startup=startup_id,
                user=user_id,
                edition=edition_id,
                title=str(payload.get("title", "")),
                key=f"{edition_id}:{user_id}",
            )
        )
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise StateConflict(N_("You already belong to a startup in this edition.")) from exc
        raise
    await audit.record(
        actor_id=user_id, action="startup.joined", entity="startup", entity_id=startup_id, after={"user": user_id}
    )


async def make_contact(*, user: CurrentUser, startup_id: int, member_id: int) -> None:
    """The contact person is who organisers write to; exactly one per team."""
    await ensure_member(user, startup_id)
    async with db.transaction():
        member = (
            await StartupMember.select()
            .where(StartupMember.id == member_id, StartupMember.startup == startup_id)
            .first()
        )
        if member is None:
            raise NotFound(N_("This person is not in the team."))
        await StartupMember.update({StartupMember.is_contact: False}).where(StartupMember.startup == startup_id)
        await StartupMember.update({StartupMember.is_contact: True}).where(StartupMember.id == member_id)
        await audit.record(
            actor_id=user.id,
            action="startup.contact_changed",
            entity="startup",
            entity_id=startup_id,
            after={"member": member_id},
        )


async def startups_of_user(user_id: int) -> list[StartupOfUser]:
    """Every startup a person belongs to, one per edition, newest edition first."""
    rows = await StartupMember.select(
        StartupMember.startup,
        StartupMember.edition,
        StartupMember.edition.name.as_alias("edition_name"),
        StartupMember.edition.year.as_alias("edition_year"),
        StartupMember.edition.slug.as_alias("edition_slug"),
        StartupMember.edition.timezone.as_alias("edition_timezone"),
    ).where(StartupMember.user == user_id)
    if not rows:
        return []
    startups = {
        s["id"]: s
        for s in await Startup.select().where(Startup.id.is_in([r["startup"] for r in rows])).output(load_json=True)
    }
    return [
        convert_row(
            {
                **startups[r["startup"]],
                "edition_id": r["edition"],
                "edition_name": r["edition_name"],
                "edition_year": r["edition_year"],
                "edition_slug": r["edition_slug"],
                "edition_timezone": r["edition_timezone"],
            },
            StartupOfUser,
        )
        for r in sorted(rows, key=lambda r: -r["edition_year"])
    ]


def register() -> None:
    on_invite_accepted(Role.STARTUP, join_from_invite)
