"""Server-side sessions in the database, shared by every worker.

Litestar's own server-side backend rewrites the store on every response and keeps the session
id across login; ours writes only when the data changed or the expiry needs sliding, stores
only a hash of the id (a leaked table does not leak sessions) and rotates the id on login.

A visitor who has not signed in still gets an id, so their forms' CSRF tokens are bound to
something of theirs (core.csrf): a *visitor id* (`v.` + random), set in the same cookie but
never stored, so anonymous pages cost no database write and no session lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.bare import is_bare
from core.clock import utc_now
from core.db import is_database_unavailable
from core.settings import get_settings
from core.tables import Membership, SessionRecord, User
from core.web import handle_database_unavailable

COOKIE_NAME = "sid"
# Marks an id that was never stored: the "." never occurs in a stored id (token_urlsafe).
VISITOR_PREFIX = "v."
# The secret the session's CSRF tokens are derived from (core.csrf), kept in the session's data.
CSRF_KEY = "_csrf_key"
LIFETIME = timedelta(days=14)
# Slide the expiry forward only once this much of the lifetime has passed: no write per request.
RENEW_AFTER = timedelta(days=1)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Session(dict[str, Any]):
    """The session's data plus what the middleware must do with it at the end of the request."""

    def __init__(
        self, data: dict[str, Any], *, session_id: str | None, needs_renewal: bool, visitor_id: str | None = None
    ) -> None:
        super().__init__(data)
        self.session_id = session_id
        # The id the visitor's cookie carries (a stored session's or a visitor id), or a new one.
        self.visitor_id = visitor_id or session_id
        self.loaded = msgspec.json.encode(data)
        self.needs_renewal = needs_renewal
        self.rotation_requested = False
        # The signed-in user's account and memberships, read by the same query as the session
        # (`load_session_and_user`): what core.auth turns into the request's `CurrentUser`.
        self.user_rows: list[dict[str, Any]] | None = None
        # The last CSRF token derived (core.csrf), with the secret it was derived from.
        self.csrf_cache: tuple[str, str] | None = None

    def rotate(self) -> None:
        """Issue a new session id at the end of the request (on login: no session fixation), and
        a new CSRF secret now: a token seen before signing in is worthless after."""
        self.rotation_requested = True
        self[CSRF_KEY] = secrets.token_urlsafe(32)

    def end(self) -> None:
        """Forget everything but the language (on sign-out); the visitor goes on under a new visitor id, so a token
        issued to the ended session is worthless."""
        locale = self.get("locale")
        self.clear()
        self.visitor_id = VISITOR_PREFIX + secrets.token_urlsafe(32)
        if locale:
            # The language is the visitor's choice, not the account's: it outlives signing out, in
            # a session stored under a new id (the old one dies) whose tokens derive from the new
            # visitor id, as a blank visitor's would.
            self["locale"] = locale
            self[CSRF_KEY] = self.visitor_id
            self.rotation_requested = True

    def csrf_secret(self, *, issue: bool = False) -> str | None:
        """What this visitor's CSRF tokens derive from; with `issue`, a visitor without any id
        gets a visitor id (set as their cookie at the end of the request)."""
        if CSRF_KEY in self:
            return str(self[CSRF_KEY])
        if self.visitor_id is None and issue:
            self.visitor_id = VISITOR_PREFIX + secrets.token_urlsafe(32)
        return self.visitor_id

    def is_blank(self) -> bool:
        """Nothing of the visitor's own in it (the CSRF secret aside)."""
        return not (self.keys() - {CSRF_KEY})


def session_in(scope: Scope) -> Session | None:
    """The session `SessionMiddleware` put into the scope; None where it never ran (unrouted requests).

    Litestar types `scope["session"]` as whatever any session backend stores; ours is a `Session`.
    """
    session: object = scope.get("session")
    return session if isinstance(session, Session) else None


def session_of(scope: Scope) -> Session:
    """The request's session, for middleware that runs inside `SessionMiddleware`."""
    session = session_in(scope)
    if session is None:
        raise RuntimeError("SessionMiddleware must run before this middleware")
    return session


async def load_session(session_id: str | None) -> Session:
    return await _load(session_id, with_user=False)


async def load_session_and_user(session_id: str | None) -> Session:
    """The session and, in the same query, its user's account and memberships (`Session.user_rows`):
    a signed-in request costs one round trip to the database before its handler runs, and the
    session is still read on every request, so a deleted session (sign-out, password change) ends
    at once in every worker."""
    return await _load(session_id, with_user=True)


# One row per membership (one with NULL membership columns for a user without any; NULL user
# columns for a session without a user). Plain SQL that both engines read alike; only the table
# names are put in, and the key is a bound parameter.
_SESSION_AND_USER = (
    "SELECT s.data, s.expires_at, s.user_id, u.id AS account_id, u.email, u.name, u.locale,"  # noqa: S608
    " u.is_verified, u.is_active, m.role, m.edition_id, m.organisation_id"
    f" FROM {SessionRecord._meta.tablename} s"
    f" LEFT JOIN {User._meta.tablename} u ON u.id = s.user_id"
    f' LEFT JOIN {Membership._meta.tablename} m ON m."{Membership.user._meta.db_column_name}" = u.id'
    " WHERE s.key = {}"
)


async def _load(session_id: str | None, *, with_user: bool) -> Session:
    if not session_id:
        return Session({}, session_id=None, needs_renewal=False)
    if session_id.startswith(VISITOR_PREFIX):
        return Session({}, session_id=None, needs_renewal=False, visitor_id=session_id)
    rows: list[dict[str, Any]]
    if with_user:
        rows = await SessionRecord.raw(_SESSION_AND_USER, _hash(session_id))
    else:
        rows = await SessionRecord.select(SessionRecord.data, SessionRecord.expires_at).where(
            SessionRecord.key == _hash(session_id)
        )
    row = rows[0] if rows else None
    now = utc_now()
    if row is None or (row["expires_at"] is not None and row["expires_at"] <= now):
        # The stored session is gone: its id must not come back as a visitor id (its tokens
        # were known while it lived).
        return Session({}, session_id=None, needs_renewal=False)
    needs_renewal = row["expires_at"] is not None and row["expires_at"] - now < LIFETIME - RENEW_AFTER
    session = Session(msgspec.json.decode(row["data"]), session_id=session_id, needs_renewal=needs_renewal)
    if with_user and row["account_id"] is not None:
        session.user_rows = rows
    return session


async def _save(session: Session) -> str | None:
    """Persist the session; returns the id to set in the cookie, or None to expire the cookie."""
    old_id = session.session_id
    if session and old_id is None and CSRF_KEY not in session and session.visitor_id:
        # A visitor's first stored data: the forms already on their screen keep working.
        session[CSRF_KEY] = session.visitor_id
    data = msgspec.json.encode(dict(session))
    changed = data != session.loaded
    if not session:
        if old_id:
            await SessionRecord.delete().where(SessionRecord.key == _hash(old_id))
        return None
    if old_id and session.rotation_requested:
        await SessionRecord.delete().where(SessionRecord.key == _hash(old_id))
        old_id = None
    expires_at = utc_now() + LIFETIME
    if old_id is None:
        new_id = secrets.token_urlsafe(32)
        await SessionRecord.insert(
            SessionRecord(key=_hash(new_id), user_id=session.get("user_id"), data=data, expires_at=expires_at)
        )
        return new_id
    if changed or session.needs_renewal:
        await SessionRecord.update(
            {
                SessionRecord.data: data,
                SessionRecord.user_id: session.get("user_id"),
                SessionRecord.expires_at: expires_at,
            }
        ).where(SessionRecord.key == _hash(old_id))
    return old_id


class SessionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or is_bare(scope):
            await self.app(scope, receive, send)
            return
        session_id = request_cookies(scope).get(COOKIE_NAME)
        session = await load_session_and_user(session_id)
        scope["session"] = session

        unsaved: list[Exception] = []

        async def send_with_session(message: Message) -> None:
            if unsaved:  # the prepared answer is dropped: the 503 below goes out instead
                return
            if message["type"] == "http.response.start":
                try:
                    await self._finish(session, session_id, message)
                except Exception as exc:
                    if not is_database_unavailable(exc):
                        raise
                    unsaved.append(exc)
                    return
            await send(message)

        await self.app(scope, receive, send_with_session)
        if unsaved:
            # The database went away before the session was kept, so the prepared answer would
            # claim what did not happen (a sign-in, a message). Nothing of it has gone out yet:
            # answer with the 503 page. (Raising instead ends as a bare 500: Litestar counts the
            # response as started once the start message reaches this wrapper.)
            request: Request[Any, Any, Any] = Request(scope, receive)
            response = handle_database_unavailable(request, unsaved[0])
            await response.to_asgi_response(app=None, request=request)(scope, receive, send)

    async def _finish(self, session: Session, sent_id: str | None, message: Message) -> None:
        if not session and session.session_id is None:
            # Nothing stored nor to store: a visitor keeps (or receives) their visitor id only.
            visitor_id = session.visitor_id if (session.visitor_id or "").startswith(VISITOR_PREFIX) else None
            if visitor_id != sent_id:
                self._set_cookie(message, visitor_id)
            return
        if (
            session.session_id
            and not session.rotation_requested
            and not session.needs_renewal
            and msgspec.json.encode(dict(session)) == session.loaded
        ):
            return
        new_id = await _save(session)
        if new_id is None and (session.visitor_id or "").startswith(VISITOR_PREFIX):
            new_id = session.visitor_id  # emptied (signed out): a visitor again
        if new_id == sent_id:
            return
        self._set_cookie(message, new_id)

    @staticmethod
    def _set_cookie(message: Message, new_id: str | None) -> None:
        max_age = int(LIFETIME.total_seconds()) if new_id else 0
        add_cookie(message, COOKIE_NAME, new_id or "", max_age=max_age, httponly=True)


def add_cookie(message: Message, name: str, value: str, *, max_age: int | None = None, httponly: bool) -> None:
    """Add a `set-cookie` header to a response's start message: path /, SameSite=lax, Secure where
    the site is served over TLS. Written out by hand (Litestar's `Cookie.to_header` goes through
    dataclasses.asdict and http.cookies: a third of a cached page's time); the values we set are
    tokens of URL-safe characters, so they need no quoting, and an empty one is sent as `""`."""
    parts = [f"{name}={value or chr(34) * 2}"]
    if httponly:
        parts.append("HttpOnly")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts.append("Path=/")
    if get_settings().cookie_secure:
        parts.append("Secure")
    parts.append("SameSite=lax")
    start: dict[str, Any] = message  # type: ignore[assignment]  # an http.response.start message
    headers = start.setdefault("headers", [])
    if not isinstance(headers, list):
        headers = start["headers"] = list(headers)
    headers.append((b"set-cookie", "; ".join(parts).encode("latin-1")))


_COOKIES_KEY = "_challenge_cookies"


def request_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name (the first non-empty one of each name), parsed once per request."""
    cookies: dict[str, str] | None = scope.get(_COOKIES_KEY)  # type: ignore[assignment]
    if cookies is None:
        cookies = {}
        for key, value in scope.get("headers", []):
            if key == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    cookie_name, _, cookie_value = part.strip().partition("=")
                    if cookie_value:
                        cookies.setdefault(cookie_name, cookie_value)
        scope[_COOKIES_KEY] = cookies  # type: ignore[literal-required]
    return cookies


async def end_other_sessions(*, user_id: int, keep: str | None) -> None:
    """Sign a user out everywhere else (after a password change or reset)."""
    query = SessionRecord.delete().where(SessionRecord.user_id == user_id)
    if keep:
        query = query.where(SessionRecord.key != _hash(keep))
    await query


async def delete_expired_sessions() -> int:
    """Housekeeping job: drop sessions past their expiry."""
    expired = await SessionRecord.delete().where(SessionRecord.expires_at < utc_now()).returning(SessionRecord.id)
    return len(expired)


def flash(session: dict[str, Any], message: str, category: str = "info") -> None:
    """Queue a one-time message for the next page the user sees."""
    session.setdefault("_flashes", []).append({"message": message, "category": category})


class Flash(msgspec.Struct, frozen=True, kw_only=True):
    """A one-time message shown at the top of the next page."""

    message: str
    category: str


def pop_flashes(session: dict[str, Any]) -> list[Flash]:
    # Stored in the session as plain JSON (it is encoded as such); typed once taken out.
    return msgspec.convert(session.pop("_flashes", []), list[Flash])
