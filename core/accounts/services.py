"""Account use-cases. Each kind of change has exactly one function here."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from core import audit, db, ratelimit, tokens
from core.auth import hash_password, password_needs_rehash, verify_password
from core.clock import utc_now
from core.enums import INVITABLE_ROLES, Role, TokenPurpose
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import LOCALES
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_
from core.rules.emails import email_problem, normalise_email
from core.rules.passwords import password_problem
from core.rules.rate_limits import Limit
from core.sessions import end_other_sessions
from core.settings import get_settings
from core.tables import Membership, User


def _login_limits() -> tuple[Limit, Limit, Limit]:
    """Per IP; per account from one IP (counted before the password is checked); per account
    from anywhere (failures only, ten times looser, so an attacker cannot cheaply lock a
    victim out, yet a distributed guesser is still stopped)."""
    settings = get_settings()
    return (
        Limit("login-ip", settings.login_limit_per_ip, ratelimit.WINDOW),
        Limit("login-account-ip", settings.login_limit_per_account, ratelimit.WINDOW),
        Limit("login-account", settings.login_limit_per_account * 10, ratelimit.WINDOW),
    )


def _signup_limit() -> Limit:
    return Limit("signup-ip", get_settings().login_limit_per_ip, ratelimit.WINDOW)


# Mail sent to an address on request: never more than a few per window, whoever asks.
_MAIL_PER_ADDRESS = Limit("mail-address", 3, ratelimit.WINDOW)


async def _hash(password: str) -> str:
    # argon2 takes ~100 ms of CPU on purpose: off the event loop, and outside any transaction.
    return await asyncio.to_thread(hash_password, password)


def _check_new_password(password: str, confirm: str, *, email: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := password_problem(password, email=email, name=name):
        errors["password"] = problem
    elif password != confirm:
        errors["password_confirm"] = N_("The two passwords differ.")
    return errors


async def sign_up(*, email: str, name: str, password: str, password_confirm: str, locale: str, ip: str) -> int:
    """Create an unverified account and mail the verification link. Returns the new user's id."""
    await ratelimit.hit(_signup_limit(), ip)
    email = normalise_email(email)
    name = name.strip()
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if not name:
        errors["name"] = N_("Please tell us your name.")
    elif len(name) > 120:
        errors["name"] = N_("Please shorten the name to 120 characters.")
    errors |= _check_new_password(password, password_confirm, email=email, name=name)
    if errors:
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    try:
        return await _create_account(email=email, name=name, password_hash=password_hash, locale=locale)
    except Exception as exc:
        if db.is_unique_violation(exc):  # the same address signed up twice at once
            raise ValidationFailed({"email": _ACCOUNT_EXISTS}) from exc
        raise


_ACCOUNT_EXISTS = N_("An account with this email already exists. Sign in or reset your password.")


async def _create_account(*, email: str, name: str, password_hash: str, locale: str) -> int:
    async with db.transaction():
        if await User.exists().where(User.email == email):
            raise ValidationFailed({"email": _ACCOUNT_EXISTS})
        user = (
            await User.insert(
                User(
                    email=email,
                    name=name,
                    password_hash=password_hash,
                    locale=locale if locale in LOCALES else "en",
                )
            ).returning(User.id)
        )[0]
        await _send_verification(user_id=user["id"], email=email, name=name)
        await audit.record(
            actor_id=user["id"],
            action="account.signed_up",
            entity="user",
            entity_id=user["id"],
            after={"email": email, "name": name},
        )
    return user["id"]


async def _send_verification(*, user_id: int, email: str, name: str) -> None:
    raw = await tokens.issue(purpose=TokenPurpose.VERIFY_EMAIL, email=email, user_id=user_id)
    await queue_mail(
        to=email, subject=_("Confirm your email address"), template="verify_email", name=name, secrets={"token": raw}
    )


async def resend_verification(*, user_id: int) -> None:
    await ratelimit.hit(_MAIL_PER_ADDRESS, f"user-{user_id}")
    async with db.transaction():
        user = await User.select(User.email, User.name, User.is_verified).where(User.id == user_id).first()
        if user is None or user["is_verified"]:
            return
        await _send_verification(user_id=user_id, email=user["email"], name=user["name"])


async def verify_email(*, token: str) -> int:
    """Mark the address of the token's account as confirmed. Returns the user's id."""
    async with db.transaction():
        row = await tokens.consume(purpose=TokenPurpose.VERIFY_EMAIL, raw=token)
        await User.update({User.is_verified: True}).where(User.id == row["user"], User.email == row["email"])
        await audit.record(
            actor_id=row["user"],
            action="account.verified",
            entity="user",
            entity_id=row["user"],
            before={"is_verified": False},
            after={"is_verified": True},
        )
    return row["user"]


async def authenticate(*, email: str, password: str, ip: str) -> int:
    """The id of the account these credentials open; rate-limited per IP and per account."""
    per_ip, per_account_ip, per_account = _login_limits()
    email = normalise_email(email)
    await ratelimit.hit(per_ip, ip)
    await ratelimit.check(per_account, email)
    await ratelimit.hit(per_account_ip, f"{email}|{ip}")
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    valid = await asyncio.to_thread(verify_password, user["password_hash"] if user else None, password)
    if not valid or not user["is_active"]:
        await ratelimit.hit(per_account, email)
        raise ValidationFailed({"password": N_("Wrong email or password.")}, N_("Wrong email or password."))
    await ratelimit.reset(per_account_ip, f"{email}|{ip}")
    changes: dict[Any, Any] = {User.last_login_at: utc_now()}
    if password_needs_rehash(user["password_hash"]):
        changes[User.password_hash] = await _hash(password)
    await User.update(changes).where(User.id == user["id"])
    return user["id"]


async def request_password_reset(*, email: str, ip: str) -> None:
    """Mail a reset link if the account exists; the answer is the same either way."""
    await ratelimit.hit(_signup_limit(), ip)
    email = normalise_email(email)
    if problem := email_problem(email):
        raise ValidationFailed({"email": problem})
    await ratelimit.hit(_MAIL_PER_ADDRESS, email)
    async with db.transaction():
        user = await User.select(User.id, User.name).where(User.email == email, User.is_active == True).first()  # noqa: E712
        if user is None:
            return
        raw = await tokens.issue(purpose=TokenPurpose.RESET_PASSWORD, email=email, user_id=user["id"])
        await queue_mail(
            to=email,
            subject=_("Reset your password"),
            template="reset_password",
            name=user["name"],
            secrets={"token": raw},
        )


async def reset_password(*, token: str, password: str, password_confirm: str) -> int:
    row = await tokens.peek(purpose=TokenPurpose.RESET_PASSWORD, raw=token)
    user = await User.select(User.name).where(User.id == row["user"]).first()
    if errors := _check_new_password(password, password_confirm, email=row["email"], name=user["name"] if user else ""):
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    async with db.transaction():
        row = await tokens.consume(purpose=TokenPurpose.RESET_PASSWORD, raw=token)
        # The link proves the address as well as verification would.
        await User.update({User.password_hash: password_hash, User.is_verified: True}).where(User.id == row["user"])
        await end_other_sessions(user_id=row["user"], keep=None)
        await tokens.revoke(purpose=TokenPurpose.RESET_PASSWORD, user_id=row["user"])
        await queue_mail(
            to=row["email"],
            subject=_("Your password was changed"),
            template="password_changed",
            name=user["name"] if user else "",
        )
        await audit.record(actor_id=row["user"], action="account.password_reset", entity="user", entity_id=row["user"])
    return row["user"]


async def change_password(
    *, user_id: int, current: str, password: str, password_confirm: str, session_id: str | None
) -> None:
    user = await User.select(User.email, User.name, User.password_hash).where(User.id == user_id).first()
    if user is None:
        raise PermissionDenied(N_("Please sign in again."))
    if not await asyncio.to_thread(verify_password, user["password_hash"], current):
        raise ValidationFailed({"current": N_("This is not your current password.")})
    if errors := _check_new_password(password, password_confirm, email=user["email"], name=user["name"]):
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    async with db.transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await end_other_sessions(user_id=user_id, keep=session_id)
        await tokens.revoke(purpose=TokenPurpose.RESET_PASSWORD, user_id=user_id)
        await audit.record(actor_id=user_id, action="account.password_changed", entity="user", entity_id=user_id)
        await queue_mail(
            to=user["email"], subject=_("Your password was changed"), template="password_changed", name=user["name"]
        )


async def set_locale(*, user_id: int, locale: str) -> None:
    if locale in LOCALES:
        await User.update({User.locale: locale}).where(User.id == user_id)


async def grant_role(
    *, actor_id: int | None, user_id: int, role: Role, edition_id: int | None = None, organisation_id: int | None = None
) -> None:
    """Give a user a role (idempotent). Call inside a transaction."""
    exists = await Membership.exists().where(
        Membership.user == user_id,
        Membership.role == role,
        Membership.edition_id.is_null() if edition_id is None else Membership.edition_id == edition_id,
        Membership.organisation_id.is_null()
        if organisation_id is None
        else Membership.organisation_id == organisation_id,
    )
    if exists:
        return
    await Membership.insert(Membership(user=user_id, role=role, edition_id=edition_id, organisation_id=organisation_id))
    await audit.record(
        actor_id=actor_id,
        action="membership.granted",
        entity="user",
        entity_id=user_id,
        after={"role": role, "edition_id": edition_id, "organisation_id": organisation_id},
    )


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
        if user is None or user["email"] != row["email"]:
            raise StateConflict(
                _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
                % {"email": row["email"]}
            )
        await tokens.consume(purpose=TokenPurpose.INVITE, raw=token)
        payload = row["payload"] if isinstance(row["payload"], dict) else {}
        role = Role(payload["role"])
        # Following the mailed link proves the address.
        await User.update({User.is_verified: True}).where(User.id == user_id)
        await grant_role(
            actor_id=row["created_by"],
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
    await ratelimit.hit(_signup_limit(), ip)
    row = await tokens.peek(purpose=TokenPurpose.INVITE, raw=token)
    email = row["email"]
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = N_("Please tell us your name.")
    errors |= _check_new_password(password, password_confirm, email=email, name=name)
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
        await accept_invite(token=token, user_id=user["id"])
    return user["id"]


async def create_organiser(*, email: str, name: str, password: str) -> int:
    """For the command line: an organiser account, verified, with the role."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if problem := password_problem(password, email=email, name=name):
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    async with db.transaction():
        existing = await User.select(User.id).where(User.email == email).first()
        if existing:
            user_id = existing["id"]
        else:
            user_id = (
                await User.insert(
                    User(email=email, name=name, password_hash=password_hash, is_verified=True)
                ).returning(User.id)
            )[0]["id"]
        await grant_role(actor_id=None, user_id=user_id, role=Role.ORGANISER)
    return user_id
