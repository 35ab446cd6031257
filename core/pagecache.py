"""Public pages rendered once and served from memory until the data they show changes (DESIGN 7).

Only anonymous visitors with nothing in their session get cached pages: whatever a signed-in person sees may
carry their name, their flashes and their rights. The key is the page's path and query, the
language, and a content token that every audited change of public data replaces (`changed`, called
by `core.audit.record` inside the change's own transaction, so a rolled-back change leaves the token
as it was). Each worker keeps its own pages and rereads the token at most once per
`TOKEN_TTL`: the worker that made a change drops its pages at once, the others within a second.

A cached page is stored with the visitor's CSRF token cut out and the next visitor's put back in,
so the forms on it (language choice, sign in) keep working for everyone.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from core.i18n import current_locale
from core.sessions import session_in
from core.settings import get_settings
from core.tables import ContentVersion

PUBLIC = "public"
# Entities shown on public pages: a change to any of them makes every cached page stale.
PUBLIC_ENTITIES = frozenset(
    {"problem", "comment", "municipality", "edition", "round", "hackathon", "startup"}
    # The pilots' public pages and open data: audit pilot changes under one of these entity names.
    | {"pilot", "agreement", "signature", "kpi", "measurement", "milestone", "sign_off", "feedback", "pilot_feedback"}
)
# Parts of organisers' pages kept the same way (`Fragments`), each under a token of its own, and the
# entities whose audited change replaces it: the screening list shows applications, their startups,
# the problems (and municipalities) they address, the edition and its questions. A change audited
# with its edition replaces only that edition's token ("screening:<id>"); one without (a startup,
# a municipality: they span editions) replaces the shared one, which every edition's parts carry.
SCREENING = "screening"
FRAGMENT_ENTITIES: dict[str, frozenset[str]] = {
    SCREENING: frozenset({"application", "startup", "problem", "municipality", "edition", "question"}),
}
TOKEN_TTL = 1.0
MAX_PAGES = 1_000


class _Pages:
    def __init__(self) -> None:
        # A page is kept as the pieces around its CSRF holes (joined with the visitor's token on
        # each hit: one copy, no search through the page); a resource as a single piece.
        self.pages: OrderedDict[tuple[str, ...], list[bytes]] = OrderedDict()
        self.token: str | None = None
        self.read_at = 0.0

    def clear(self) -> None:
        self.pages.clear()
        self.token = None
        self.read_at = 0.0


_pages = _Pages()


async def _token() -> str:
    now = time.monotonic()
    if _pages.token is None or now - _pages.read_at > TOKEN_TTL:
        row = await ContentVersion.select(ContentVersion.token).where(ContentVersion.name == PUBLIC).first()
        token = row["token"] if row else ""
        if token != _pages.token:
            _pages.pages.clear()
        _pages.token, _pages.read_at = token, now
    return _pages.token


async def changed(entity: str, *, edition_id: int | None = None) -> None:
    """Data changed: a new token for every worker for each cache that shows `entity` (only the
    edition's, given `edition_id`), and this worker's public pages dropped now."""
    for name, entities in FRAGMENT_ENTITIES.items():
        if entity in entities:
            await _replace_token(name if edition_id is None else _edition_token(name, edition_id))
    if entity not in PUBLIC_ENTITIES:
        return
    await _replace_token(PUBLIC)
    _pages.clear()


async def _replace_token(name: str) -> None:
    token = secrets.token_hex(16)
    updated = (
        await ContentVersion.update({ContentVersion.token: token})
        .where(ContentVersion.name == name)
        .returning(ContentVersion.id)
    )
    if not updated:
        # The first change ever; a racing first change may win instead, which is just as new.
        await ContentVersion.insert(ContentVersion(name=name, token=token)).on_conflict(action="DO NOTHING")


def _cacheable(request: Request[Any, Any, Any]) -> bool:
    session = session_in(request.scope)
    blank = session is None or session.is_blank()
    return get_settings().page_cache and request.scope.get("user") is None and blank


async def public_page(
    request: Request[Any, Any, Any], build: Callable[[], Awaitable[Template]], *, vary: str = ""
) -> Response[Any]:
    """The page `build` makes, rendered once per content token, language and query, and per
    `vary`: what else the page shows that no data change announces (the passing of a date)."""
    if not _cacheable(request):
        return await build()
    key = (_path(request), _query(request), current_locale(), await _token(), vary)
    token = ScopeState.from_scope(request.scope).csrf_token
    csrf = token if isinstance(token, str) else ""
    pieces = _pages.pages.get(key)
    if pieces is None:
        template = await build()
        if template.status_code != 200:
            return template
        engine = request.app.template_engine
        assert engine is not None
        html = engine.get_template(template.template_name).render(**template.create_template_context(request))
        pieces = html.encode().split(csrf.encode()) if csrf else [html.encode()]
        _keep(key, pieces)
    else:
        _pages.pages.move_to_end(key)
    return Response(csrf.encode().join(pieces), media_type=MediaType.HTML)


def _path(request: Request[Any, Any, Any]) -> str:
    return str(request.scope["path"])


def _query(request: Request[Any, Any, Any]) -> str:
    # The raw query string, as the URL's `query` is (without building the URL object).
    return bytes(request.scope.get("query_string", b"")).decode("latin-1")


def _keep(key: tuple[str, ...], pieces: list[bytes]) -> None:
    _pages.pages[key] = pieces
    while len(_pages.pages) > MAX_PAGES:
        _pages.pages.popitem(last=False)


async def public_resource(
    request: Request[Any, Any, Any], build: Callable[[], Awaitable[bytes]], *, media_type: str, headers: dict[str, str]
) -> Response[bytes]:
    """A public file a page links (a chart drawn as an SVG image), built once per content token
    and language like the pages; it carries no form and nobody's name, so whoever asks gets it."""
    if not get_settings().page_cache:
        return Response(await build(), media_type=media_type, headers=headers)
    key = (_path(request), _query(request), current_locale(), await _token())
    pieces = _pages.pages.get(key)
    if pieces is None:
        body = await build()
        _keep(key, [body])
    else:
        _pages.pages.move_to_end(key)
        body = pieces[0]
    return Response(body, media_type=media_type, headers=headers)


def _edition_token(name: str, edition_id: int) -> str:
    return f"{name}:{edition_id}"


class Fragments:
    """Parts of signed-in pages (an organiser's list body) rendered once per key and per token `name`.

    Unlike public pages the token is read on every use, not once a second: whoever made a change
    (a bulk status change, then the redirect to the list) must see it on whichever worker serves
    the next request. Only what every permitted reader sees alike may be kept: the caller checks
    the right before asking, and leaves the CSRF token and the reader's own header out of the part.
    """

    def __init__(self, name: str, *, size: int = 200) -> None:
        assert name in FRAGMENT_ENTITIES, name
        self.name, self.size = name, size
        self.parts: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        _fragments.append(self)

    async def get(self, key: tuple[Any, ...], build: Callable[[], Awaitable[str]], *, edition_id: int) -> str:
        """The part of `edition_id`'s page that `build` renders for `key`, rendered again only when
        the shared token or the edition's has changed."""
        if not get_settings().page_cache:
            return await build()
        # Raw: half the CPU of the query builder, and this runs on every request of the page.
        rows = await ContentVersion.raw(
            "SELECT name, token FROM content_version WHERE name IN ({}, {})",
            self.name,
            _edition_token(self.name, edition_id),
        )
        tokens = {row["name"]: row["token"] for row in rows}
        shared, own = tokens.get(self.name, ""), tokens.get(_edition_token(self.name, edition_id), "")
        full = (shared, own, edition_id, *key)
        part = self.parts.get(full)
        if part is None:
            part = self.parts[full] = await build()
            while len(self.parts) > self.size:
                self.parts.popitem(last=False)
        else:
            self.parts.move_to_end(full)
        return part


_fragments: list[Fragments] = []


def forget() -> None:
    """Drop this worker's pages, parts and token (tests that change data behind the services' back)."""
    _pages.clear()
    for fragments in _fragments:
        fragments.parts.clear()
