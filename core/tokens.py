"""Single-use links sent by mail (verification, password reset, invitations, sign-in)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import msgspec

from core.clock import utc_now
from core.enums import TokenPurpose
from core.errors import NotFound, StateConflict
from core.rules import N_
from core.tables import Token

LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(days=3),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.INVITE: timedelta(days=14),
    TokenPurpose.SIGN_IN: timedelta(minutes=15),
}


class TokenRow(msgspec.Struct, frozen=True, kw_only=True):
    """A stored single-use link, as the services that honour it read it (never its hash)."""

    id: int
    purpose: str
    email: str
    user: int | None
    payload: dict[str, Any]  # free shape: what the link's purpose needs (an invitation's role, ...)
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None

    @property
    def account(self) -> int:
        """The account a confirmation, reset or sign-in link was issued for (those always name one)."""
        if self.user is None:
            raise NotFound(N_("This link is not valid. Please check that you copied all of it."))
        return self.user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def issue(
    *,
    purpose: TokenPurpose,
    email: str,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
    created_by: int | None = None,
) -> str:
    """Store a new token and return its secret, which only the mail will carry."""
    raw = secrets.token_urlsafe(32)
    await Token.insert(
        Token(
            purpose=purpose,
            token_hash=_digest(raw),
            email=email,
            user=user_id,
            payload=payload or {},
            created_by=created_by,
            expires_at=utc_now() + LIFETIMES[purpose],
        )
    )
    return raw


async def peek(*, purpose: TokenPurpose, raw: str) -> TokenRow:
    """The token's row if it can still be used; clear errors for forged, used or expired links."""
    row = await (
        Token.select()
        .where(Token.token_hash == _digest(raw or ""), Token.purpose == purpose)
        .first()
        .output(load_json=True)
    )
    if row is None:
        raise NotFound(N_("This link is not valid. Please check that you copied all of it."))
    token = msgspec.convert(row, TokenRow)
    if token.used_at is not None:
        raise StateConflict(N_("This link has already been used."))
    if token.expires_at <= utc_now():
        raise StateConflict(N_("This link has expired. Please ask for a new one."))
    return token


async def consume(*, purpose: TokenPurpose, raw: str) -> TokenRow:
    """Use the token once. Call inside the transaction of the change it authorises."""
    row = await peek(purpose=purpose, raw=raw)
    used = (
        await Token.update({Token.used_at: utc_now()})
        .where(Token.id == row.id, Token.used_at.is_null())
        .returning(Token.id)
    )
    if not used:
        raise StateConflict(N_("This link has already been used."))
    return row


async def revoke(*, purpose: TokenPurpose, user_id: int) -> None:
    """Void a user's open links of one kind (e.g. older reset links once the password changed)."""
    await Token.update({Token.used_at: utc_now()}).where(
        Token.purpose == purpose, Token.user == user_id, Token.used_at.is_null()
    )
