"""Account use-cases. Each kind of change has exactly one function here."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import msgspec

from core import audit, db, ratelimit, tokens
from core.auth import hash_password, password_needs_rehash, verify_password
from core.clock import utc_now
from core.enums import Role, TokenPurpose
from core.errors import PermissionDenied, TooManyRequests, ValidationFailed
from core.i18n import LOCALES
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_
from core.rules.emails import email_problem, normalise_email
from core.rules.passwords import password_problem
from core.rules.rate_limits import Backoff, Counter, Limit, LoginPolicy, login_verdict, needs_sign_in_link, under_attack
from core.sessions import end_other_sessions
from core.settings import get_settings
from core.tables import Membership, User


def _login_policy() -> LoginPolicy:
    """Growing delays per (account, address) and per address; a ten times looser per-account ceiling
    marks an attack, which never refuses the owner but asks a new address for a mailed link."""
    settings = get_settings()
    return LoginPolicy(
        per_account_address=Backoff(
            "login-account-ip",
            free_failures=settings.login_limit_per_account,
            first_delay=timedelta(seconds=30),
            max_delay=ratelimit.WINDOW,
            forget_after=timedelta(hours=1),
        ),
        per_address=Backoff(
            "login-ip",
            free_failures=settings.login_limit_per_ip,
            first_delay=timedelta(seconds=30),
            max_delay=ratelimit.WINDOW,
            forget_after=timedelta(hours=1),
        ),
        account_ceiling=settings.login_limit_per_account * 10,
        attack_forget_after=timedelta(hours=1),
        known_address_for=timedelta(days=90),
    )


_ACCOUNT_FAILURES = "login-account"
_KNOWN_ADDRESS = "login-known"


def signup_limit() -> Limit:
    return Limit("signup-ip", get_settings().login_limit_per_ip, ratelimit.WINDOW)


# Mail sent to an address on request: never more than a few per window, whoever asks.
_MAIL_PER_ADDRESS = Limit("mail-address", 3, ratelimit.WINDOW)
_SIGN_IN_LINKS_PER_ADDRESS = Limit("sign-in-link", 3, ratelimit.WINDOW)


async def _hash(password: str) -> str:
    # argon2 takes ~100 ms of CPU on purpose: off the event loop, and outside any transaction.
    return await asyncio.to_thread(hash_password, password)


def check_new_password(password: str, confirm: str, *, email: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := password_problem(password, email=email, name=name):
        errors["password"] = problem
    elif password != confirm:
        errors["password_confirm"] = N_("The two passwords differ.")
    return errors


async def sign_up(*, email: str, name: str, password: str, password_confirm: str, locale: str, ip: str) -> None:
    """Create an unverified account and mail the verification link.

    An address that has an account already gets the same answer and the same work (hashing,
    a mail), but the mail warns its owner instead: nobody learns from the page, or from how
    long it took, whether an address is registered.
    """
    await ratelimit.hit(signup_limit(), ip)
    email = normalise_email(email)
    name = name.strip()
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if not name:
        errors["name"] = N_("Please tell us your name.")
    elif len(name) > 120:
        errors["name"] = N_("Please shorten the name to 120 characters.")
    errors |= check_new_password(password, password_confirm, email=email, name=name)
    if errors:
        raise ValidationFailed(errors)
    await ratelimit.hit(_MAIL_PER_ADDRESS, email)
    password_hash = await _hash(password)
    try:
        await _create_account(email=email, name=name, password_hash=password_hash, locale=locale)
    except Exception as exc:
        if not db.is_unique_violation(exc):
            raise
        # The same address signed up twice at once: the later one is told like any other.
        async with db.transaction():
            existing = await User.select(User.id, User.name).where(User.email == email).first()
            if existing is not None:
                await _warn_of_sign_up(user_id=existing["id"], email=email, name=existing["name"])


async def _create_account(*, email: str, name: str, password_hash: str, locale: str) -> None:
    async with db.transaction():
        existing = await User.select(User.id, User.name).where(User.email == email).first()
        if existing is not None:
            await _warn_of_sign_up(user_id=existing["id"], email=email, name=existing["name"])
            return
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


async def _warn_of_sign_up(*, user_id: int, email: str, name: str) -> None:
    """Tell an owner that someone tried to create an account with their address. Inside a transaction."""
    await queue_mail(
        to=email, subject=_("Someone tried to sign up with your address"), template="sign_up_existing", name=name
    )
    await audit.record(actor_id=None, action="account.sign_up_repeated", entity="user", entity_id=user_id)


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
        await User.update({User.is_verified: True}).where(User.id == row.account, User.email == row.email)
        await audit.record(
            actor_id=row.account,
            action="account.verified",
            entity="user",
            entity_id=row.account,
            before={"is_verified": False},
            after={"is_verified": True},
        )
    return row.account


class _Credentials(msgspec.Struct, frozen=True, kw_only=True):
    """What signing in reads of an account."""

    id: int
    name: str
    password_hash: str
    is_active: bool


async def authenticate(*, email: str, password: str, ip: str) -> int | None:
    """The id of the account these credentials open, or None when a sign-in link is needed first.

    None is the answer, whatever the password, for an account under attack and an address that
    has not signed in to it before; the link is mailed only if the password was right, so the
    answer tells a guesser nothing. Attempts are throttled per (account, address) and per address.
    """
    policy = _login_policy()
    now = utc_now()
    email = normalise_email(email)
    pair = f"{email}|{ip}"
    decision = login_verdict(
        policy=policy,
        pair=await ratelimit.counter(policy.per_account_address.name, pair),
        address=await ratelimit.counter(policy.per_address.name, ip),
        now=now,
    )
    if not decision.allowed:
        raise ratelimit.too_many_attempts(decision.retry_after_seconds)
    found = await User.select(User.id, User.name, User.password_hash, User.is_active).where(User.email == email).first()
    user = msgspec.convert(found, _Credentials) if found is not None else None
    valid = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        account = await _count_failure(policy=policy, email=email, ip=ip, now=now)
        if user is not None and under_attack(policy=policy, account=account, now=now):
            await _warn_of_attack(user_id=user.id, email=email, name=user.name, attack=account)
        if needs_sign_in_link(
            policy=policy, account=account, known=await ratelimit.counter(_KNOWN_ADDRESS, pair), now=now
        ):
            return None
        raise ValidationFailed({"password": N_("Wrong email or password.")}, N_("Wrong email or password."))
    if needs_sign_in_link(
        policy=policy,
        account=await ratelimit.counter(_ACCOUNT_FAILURES, email),
        known=await ratelimit.counter(_KNOWN_ADDRESS, pair),
        now=now,
    ):
        await _mail_sign_in_link(user_id=user.id, email=email, name=user.name)
        return None
    changes: dict[Any, Any] = {}
    if password_needs_rehash(user.password_hash):
        changes[User.password_hash] = await _hash(password)
    await _signed_in(policy=policy, user_id=user.id, email=email, ip=ip, now=now, changes=changes)
    return user.id


async def _count_failure(*, policy: LoginPolicy, email: str, ip: str, now: datetime) -> Counter:
    """Count a failed sign-in everywhere it counts; returns the account's own counter."""
    await ratelimit.count(
        policy.per_account_address.name, f"{email}|{ip}", forget_after=policy.per_account_address.forget_after, now=now
    )
    await ratelimit.count(policy.per_address.name, ip, forget_after=policy.per_address.forget_after, now=now)
    return await ratelimit.count(_ACCOUNT_FAILURES, email, forget_after=policy.attack_forget_after, now=now)


async def _signed_in(
    *, policy: LoginPolicy, user_id: int, email: str, ip: str, now: datetime, changes: dict[Any, Any]
) -> None:
    """What every sign-in leaves behind: the address is known, its failures are forgiven."""
    await ratelimit.count(_KNOWN_ADDRESS, f"{email}|{ip}", forget_after=policy.known_address_for, now=now)
    await ratelimit.reset(policy.per_account_address.name, f"{email}|{ip}")
    await User.update({User.last_login_at: now, **changes}).where(User.id == user_id)


async def _warn_of_attack(*, user_id: int, email: str, name: str, attack: Counter) -> None:
    """Tell the owner once per attack (a run of failures without an hour's pause), not per attempt."""
    assert attack.first_at is not None
    async with db.transaction():
        queued = await queue_mail(
            to=email,
            subject=_("Someone is trying to sign in to your account"),
            template="login_attack",
            once_key=f"login-attack:{user_id}:{attack.first_at.strftime('%Y%m%dT%H%M%S')}",
            name=name,
        )
        if queued:
            await audit.record(
                actor_id=None,
                action="account.under_attack",
                entity="user",
                entity_id=user_id,
                after={"failures": attack.count},
            )


async def _mail_sign_in_link(*, user_id: int, email: str, name: str) -> None:
    try:
        await ratelimit.hit(_SIGN_IN_LINKS_PER_ADDRESS, email)
    except TooManyRequests:
        return  # saying so would tell a guesser the password was right; the owner has links already
    async with db.transaction():
        raw = await tokens.issue(purpose=TokenPurpose.SIGN_IN, email=email, user_id=user_id)
        await queue_mail(
            to=email, subject=_("Your sign-in link"), template="sign_in_link", name=name, secrets={"token": raw}
        )


async def sign_in_with_link(*, token: str, ip: str) -> int:
    """Finish a sign-in with the link mailed to the owner; the address it is used from becomes known."""
    now = utc_now()
    async with db.transaction():
        row = await tokens.consume(purpose=TokenPurpose.SIGN_IN, raw=token)
        user = await User.select(User.id, User.is_active).where(User.id == row.account).first()
        if user is None or not user["is_active"]:
            raise PermissionDenied(N_("This account is closed."))
        await _signed_in(policy=_login_policy(), user_id=user["id"], email=row.email, ip=ip, now=now, changes={})
        await audit.record(actor_id=user["id"], action="account.signed_in_by_link", entity="user", entity_id=user["id"])
    return row.account


class _NoSuchAccount(Exception):
    """Rolls back the reset work done for an address without an account."""


async def request_password_reset(*, email: str, ip: str) -> None:
    """Mail a reset link if the account exists; the answer, and the work done, are the same either way.

    For an unknown address the token and the mail are made as for a real account, then rolled
    back, so the time taken does not tell whether the address is registered.
    """
    await ratelimit.hit(signup_limit(), ip)
    email = normalise_email(email)
    if problem := email_problem(email):
        raise ValidationFailed({"email": problem})
    await ratelimit.hit(_MAIL_PER_ADDRESS, email)
    try:
        async with db.transaction():
            user = await User.select(User.id, User.name).where(User.email == email, User.is_active == True).first()  # noqa: E712
            raw = await tokens.issue(
                purpose=TokenPurpose.RESET_PASSWORD, email=email, user_id=user["id"] if user else None
            )
            await queue_mail(
                to=email,
                subject=_("Reset your password"),
                template="reset_password",
                name=user["name"] if user else "",
                secrets={"token": raw},
            )
            if user is None:
                raise _NoSuchAccount
    except _NoSuchAccount:
        return


async def reset_password(*, token: str, password: str, password_confirm: str) -> int:
    row = await tokens.peek(purpose=TokenPurpose.RESET_PASSWORD, raw=token)
    user = await User.select(User.name).where(User.id == row.account).first()
    if errors := check_new_password(password, password_confirm, email=row.email, name=user["name"] if user else ""):
        raise ValidationFailed(errors)
    password_hash = await _hash(password)
    async with db.transaction():
        row = await tokens.consume(purpose=TokenPurpose.RESET_PASSWORD, raw=token)
        # The link proves the address as well as verification would.
        await User.update({User.password_hash: password_hash, User.is_verified: True}).where(User.id == row.account)
        await end_other_sessions(user_id=row.account, keep=None)
        await tokens.revoke(purpose=TokenPurpose.RESET_PASSWORD, user_id=row.account)
        await queue_mail(
            to=row.email,
            subject=_("Your password was changed"),
            template="password_changed",
            name=user["name"] if user else "",
        )
        await audit.record(actor_id=row.account, action="account.password_reset", entity="user", entity_id=row.account)
    return row.account


async def change_password(
    *, user_id: int, current: str, password: str, password_confirm: str, session_id: str | None
) -> None:
    user = await User.select(User.email, User.name, User.password_hash).where(User.id == user_id).first()
    if user is None:
        raise PermissionDenied(N_("Please sign in again."))
    if not await asyncio.to_thread(verify_password, user["password_hash"], current):
        raise ValidationFailed({"current": N_("This is not your current password.")})
    if errors := check_new_password(password, password_confirm, email=user["email"], name=user["name"]):
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
        user_id: int
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
