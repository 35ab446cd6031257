"""Single-use links sent by mail (verification, password reset, invitations, sign-in)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

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


async def peek(*, purpose: TokenPurpose, raw: str) -> dict[str, Any]:
    """The token's row if it can still be used; clear errors for forged, used or expired links."""
    row = await (
        Token.select()
        .where(Token.token_hash == _digest(raw or ""), Token.purpose == purpose)
        .first()
        .output(load_json=True)
    )
    if row is None:
        raise NotFound(N_("This link is not valid. Please check that you copied all of it."))
    if row["used_at"] is not None:
        raise StateConflict(N_("This link has already been used."))
    if row["expires_at"] <= utc_now():
        raise StateConflict(N_("This link has expired. Please ask for a new one."))
    return row


async def consume(*, purpose: TokenPurpose, raw: str) -> dict[str, Any]:
    """Use the token once. Call inside the transaction of the change it authorises."""
    row = await peek(purpose=purpose, raw=raw)
    used = (
        await Token.update({Token.used_at: utc_now()})
        .where(Token.id == row["id"], Token.used_at.is_null())
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
