"""Invitations: an organiser or a team invites someone to a role; the mailed link grants it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core import audit, db, ratelimit, tokens

# _hash: the one place passwords are hashed off the event loop (a test wraps it there for sign-up).
from core.accounts.services import _hash, check_new_password, grant_role, signup_limit
from core.enums import INVITABLE_ROLES, Role, TokenPurpose
from core.errors import StateConflict, ValidationFailed
from core.i18n import LOCALES
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_
from core.rules.emails import email_problem, normalise_email
from core.tables import User


async def invite(
    *, organiser_id: int, email: str, role: str, edition_id: int | None, organisation_id: int | None, message: str = ""
) -> None:
    """Mail an invitation to take a role; the link signs up or signs in, then grants the role."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if role not in {r.value for r in INVITABLE_ROLES}:
        errors["role"] = N_("Choose the role to invite this person to.")
    elif role == Role.MUNICIPALITY and organisation_id is None:
        errors["organisation_id"] = N_("Choose the municipality this person works for.")
    if len(message) > 2000:
        errors["message"] = N_("Please keep the message under 2,000 characters.")
    if errors:
        raise ValidationFailed(errors)
    await send_invite(
        inviter_id=organiser_id,
        email=email,
        payload={"role": role, "edition_id": edition_id, "organisation_id": organisation_id},
        message=message,
    )


async def send_invite(
    *, inviter_id: int, email: str, payload: dict[str, Any], message: str = "", joining: str = ""
) -> None:
    """Mail a link that signs up or signs in, then grants `payload["role"]` (checked by the caller)."""
    async with db.transaction():
        inviter = await User.select(User.name).where(User.id == inviter_id).first()
        raw = await tokens.issue(purpose=TokenPurpose.INVITE, email=email, payload=payload, created_by=inviter_id)
        await queue_mail(
            to=email,
            subject=_("You are invited to the Smart Challenge"),
            template="invite",
            inviter=inviter["name"] if inviter else _("An organiser"),
            role=payload["role"],
            joining=joining,
            message=message.strip(),
            secrets={"token": raw},
        )
        await audit.record(actor_id=inviter_id, action="invite.sent", entity="invite", entity_id=email, after=payload)


InviteHandler = Callable[[int, dict[str, Any]], Awaitable[None]]
_invite_handlers: dict[Role, InviteHandler] = {}


def on_invite_accepted(role: Role, handler: InviteHandler) -> None:
    """Domains add what accepting an invitation to `role` means beyond the grant (e.g. joining a team).

    The handler runs in the acceptance's transaction; raising refuses the invitation unspent.
    """
    _invite_handlers[role] = handler


async def accept_invite(*, token: str, user_id: int) -> Role:
    """Grant the invited role to the signed-in user, whose address must be the invited one."""
    async with db.transaction():
        row = await tokens.peek(purpose=TokenPurpose.INVITE, raw=token)
        user = await User.select(User.email).where(User.id == user_id).first()
        if user is None or user["email"] != row.email:
            raise StateConflict(
                _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
                % {"email": row.email}
            )
        await tokens.consume(purpose=TokenPurpose.INVITE, raw=token)
        payload = row.payload if isinstance(row.payload, dict) else {}
        role = Role(payload["role"])
        # Following the mailed link proves the address.
        await User.update({User.is_verified: True}).where(User.id == user_id)
        await grant_role(
            actor_id=row.created_by,
            user_id=user_id,
            role=role,
            edition_id=payload.get("edition_id"),
            organisation_id=payload.get("organisation_id"),
        )
        if handler := _invite_handlers.get(role):
            await handler(user_id, payload)
    return role


async def sign_up_invited(*, token: str, name: str, password: str, password_confirm: str, locale: str, ip: str) -> int:
    """Create the account of an invited person (address proven by the link) and grant the role."""
    await ratelimit.hit(signup_limit(), ip)
    row = await tokens.peek(purpose=TokenPurpose.INVITE, raw=token)
    email = row.email
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = N_("Please tell us your name.")
    errors |= check_new_password(password, password_confirm, email=email, name=name)
    if errors:
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    async with db.transaction():
        if await User.exists().where(User.email == email):
            raise StateConflict(N_("An account with this address exists already: sign in to accept the invitation."))
        user = (
            await User.insert(
                User(
                    email=email,
                    name=name,
                    password_hash=password_hash,
                    is_verified=True,
                    locale=locale if locale in LOCALES else "en",
                )
            ).returning(User.id)
        )[0]
        await audit.record(
            actor_id=user["id"],
            action="account.signed_up",
            entity="user",
            entity_id=user["id"],
            after={"email": email, "name": name, "via": "invite"},
        )
        user_id: int = user["id"]
        await accept_invite(token=token, user_id=user_id)
    return user_id
