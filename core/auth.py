"""Who is making the request: the signed-in user and their roles, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from core.bare import is_bare
from core.enums import Role
from core.sessions import Session, session_of
from core.settings import get_settings
from core.tables import Membership, User

SESSION_USER_KEY = "user_id"


@cache
def _hasher() -> PasswordHasher:
    cost = get_settings().password_hashing
    return PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism)


@cache
def _dummy_hash() -> str:
    # Verifying against this keeps the time of "no such account" equal to "wrong password".
    return _hasher().hash("not-a-real-password-but-a-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@dataclass(frozen=True)
class Grant:
    role: Role
    edition_id: int | None
    organisation_id: int | None


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    locale: str
    is_verified: bool
    grants: tuple[Grant, ...] = field(default=())

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def organisations(self, role: Role) -> frozenset[int]:
        """The organisations (municipalities, startups) this user acts for in `role`."""
        return frozenset(
            grant.organisation_id for grant in self.grants if grant.role == role and grant.organisation_id is not None
        )

    @property
    def is_organiser(self) -> bool:
        return Role.ORGANISER in self.roles


async def load_current_user(user_id: int) -> CurrentUser | None:
    row = (
        await User.select(User.id, User.email, User.name, User.locale, User.is_verified, User.is_active)
        .where(User.id == user_id)
        .first()
    )
    if row is None or not row["is_active"]:
        return None
    memberships = await Membership.select(Membership.role, Membership.edition_id, Membership.organisation_id).where(
        Membership.user == user_id
    )
    return _current_user(row, memberships)


def _current_user(account: dict[str, Any], memberships: list[dict[str, Any]]) -> CurrentUser:
    return CurrentUser(
        id=account["id"],
        email=account["email"],
        name=account["name"],
        locale=account["locale"],
        is_verified=bool(account["is_verified"]),
        grants=tuple(
            Grant(Role(m["role"]), m["edition_id"], m["organisation_id"]) for m in memberships if m["role"] is not None
        ),
    )


async def _user_of(session: Session, user_id: int) -> CurrentUser | None:
    """The session's user, from the rows the session middleware read along with the session
    (one query per request), else from the database."""
    rows = session.user_rows
    if not rows or rows[0]["account_id"] != user_id:
        return await load_current_user(user_id)
    first = rows[0]
    if not first["is_active"]:
        return None
    return _current_user({**first, "id": first["account_id"]}, rows)


class AuthMiddleware:
    """Puts the signed-in `CurrentUser` (or None) into the scope; guards decide what it may do."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and not is_bare(scope):
            session = session_of(scope)
            user_id = session.get(SESSION_USER_KEY)
            user = await _user_of(session, user_id) if isinstance(user_id, int) else None
            if user is None and user_id is not None:
                session.pop(SESSION_USER_KEY, None)
            scope["user"] = user
        await self.app(scope, receive, send)


def sign_in(session: Session, user_id: int) -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_USER_KEY] = user_id
    session.rotate()


def sign_out(session: Session) -> None:
    session.end()
