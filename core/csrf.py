"""CSRF tokens bound to the visitor's server-side session.

Litestar's double-submit cookie accepts any token that matches the `csrftoken` cookie, so a
cookie planted by a sibling subdomain or a network attacker, with its matching token, passed.
Here the token is an HMAC of a secret kept in the session (core.sessions: the signed-in
session's `_csrf_key`, or an anonymous visitor's id), so only a token issued to this very
session is accepted; signing in changes the secret. The `csrftoken` cookie is only a mirror for
scripts and API clients to read the current token from: it is never trusted.
"""

from __future__ import annotations

import hashlib
import hmac

from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from core.bare import is_bare
from core.sessions import Session, add_cookie, request_cookies, session_of
from core.settings import get_settings

HEADER = "x-csrftoken"
FORM_FIELD = "_csrf_token"
MIRROR_COOKIE = "csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Routes that parse their own body stream (uploads) check the token themselves: core.uploads.
EXCLUDE_KEY = "exclude_from_csrf"


def token_for(session: Session, *, issue: bool = False) -> str | None:
    """The token this session's forms carry (None: the visitor has no session to bind it to)."""
    secret = session.csrf_secret(issue=issue)
    if secret is None:
        return None
    cached = session.csrf_cache
    if cached is not None and cached[0] == secret:
        return cached[1]  # asked for again at the end of the request: derived once
    token = hmac.new(get_settings().secret_key.encode(), f"csrf:{secret}".encode(), hashlib.sha256).hexdigest()
    session.csrf_cache = (secret, token)
    return token


def token_valid(session: Session, token: str | None) -> bool:
    expected = token_for(session)
    return bool(token) and expected is not None and hmac.compare_digest(str(token), expected)


class CSRFMiddleware:
    """Refuses unsafe requests without this session's token (403); puts the token in the scope
    for `csrf_input` and keeps the mirror cookie current. Runs inside SessionMiddleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or is_bare(scope):
            await self.app(scope, receive, send)
            return
        session = session_of(scope)
        handler = scope.get("route_handler")
        excluded = handler is not None and handler.opt.get(EXCLUDE_KEY)
        state = ScopeState.from_scope(scope)
        if scope["method"] in SAFE_METHODS:
            state.csrf_token = token_for(session, issue=True) or ""  # issued: never empty
        elif not excluded:
            request = scope["litestar_app"].request_class(scope=scope, receive=receive)
            token = request.headers.get(HEADER)
            if not token and request.content_type[0] in ("application/x-www-form-urlencoded", "multipart/form-data"):
                token = (await request.form()).get(FORM_FIELD)
            if not token_valid(session, token):
                raise PermissionDeniedException("CSRF token verification failed")
            state.csrf_token = str(token)
        mirrored = request_cookies(scope).get(MIRROR_COOKIE)

        async def send_with_mirror(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Read at the end: signing in (a new secret) happened during the request.
                current = token_for(session)
                if current is not None and current != mirrored:
                    add_cookie(message, MIRROR_COOKIE, current, httponly=False)
            await send(message)

        await self.app(scope, receive, send_with_mirror)
