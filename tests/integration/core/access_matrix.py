"""The vocabulary of the authorization matrix: who calls, the outcome classes a response is
sorted into, the access rules built from them, and how one route is called as one identity."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from litestar import Litestar

from core.demo import DEMO_PASSWORD
from core.enums import Role
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.integration.core.authorization_world import CONFLICTED_JUDGE, DEMO_LOGINS
from tests.web import WebClient

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"

# Who calls, and the roles each holds (anonymous and the resident hold none).
IDENTITIES: dict[str, frozenset[Role]] = {
    "anonymous": frozenset(),
    "resident": frozenset(),
    "startup": frozenset({Role.STARTUP}),
    "other_startup": frozenset({Role.STARTUP}),
    "municipality": frozenset({Role.MUNICIPALITY}),
    "other_municipality": frozenset({Role.MUNICIPALITY}),
    "mentor": frozenset({Role.MENTOR}),
    "judge": frozenset({Role.JUDGE}),
    "conflicted_judge": frozenset({Role.JUDGE}),
    "organiser": frozenset({Role.ORGANISER}),
}
# The order in which identities call one route: the organiser, who may change most, goes last.
CALL_ORDER = tuple(IDENTITIES)


@dataclass(frozen=True)
class Access:
    """The expected outcome class per identity, and how to call the route."""

    expected: Mapping[str, str]
    # Path parameters taken from other world keys than their own name, e.g. {"round_id": "pairwise_round_id"}.
    params: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    # Fields of the form or JSON body (the CSRF token is added); None: an empty form / `{}`.
    body: Mapping[str, Any] | None = None
    # Routes are called in rounds: reads, then changes (round 0), then changes of round 1, 2...:
    # what takes an object away from the other routes (withdrawing, signing out) comes late.
    late: int = 0

    def but(self, **outcomes: str) -> Access:
        unknown = set(outcomes) - set(IDENTITIES)
        assert not unknown, unknown
        return replace(self, expected={**self.expected, **outcomes})

    def calling(self, **how: Any) -> Access:
        return replace(self, **how)


def public() -> Access:
    return Access({identity: OK for identity in IDENTITIES})


def signed_in() -> Access:
    return Access({identity: LOGIN if identity == "anonymous" else OK for identity in IDENTITIES})


def only(*roles: Role) -> Access:
    """Holders of any of `roles` get in; other signed-in people get 403."""
    return Access(
        {
            identity: LOGIN if identity == "anonymous" else OK if held & set(roles) else FORBIDDEN
            for identity, held in IDENTITIES.items()
        }
    )


def everyone(outcome: str) -> Access:
    return Access(dict.fromkeys(IDENTITIES, outcome))


# --- calling -----------------------------------------------------------------------------------

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARAM = re.compile(r"\{(\w+):\w+\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as Litestar spells it, e.g. /problems/{problem_id:int}
    multipart: bool  # checks the CSRF token inside the multipart stream

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def routes_of(app: Litestar) -> list[Route]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append(Route(method, route.path, bool(handler.opt.get("exclude_from_csrf"))))
    return found


def outcome(response: httpx.Response, path: str) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if path.startswith("/api/") and status == 401:
        return LOGIN
    if not path.startswith("/api/") and 300 <= status < 400 and location.startswith("/login?next="):
        return LOGIN
    if 200 <= status < 400 or status in (400, 409, 422):
        return OK
    if status in (403, 404):
        return str(status)
    return f"{status} {response.text[:200]!r}"


async def call(client: WebClient, route: Route, access: Access, world: dict[str, Any]) -> httpx.Response:
    path = PARAM.sub(lambda m: str(world[access.params.get(m.group(1), m.group(1))]), route.path)
    url = path + (f"?{access.query.format(**world)}" if access.query else "")
    if route.method not in UNSAFE:
        return await client.http.request(route.method, url)
    token = await client.csrf_token()
    headers = {"x-csrftoken": token}
    body = {key: _filled(value, world) for key, value in (access.body or {}).items()}
    if path.startswith("/api/"):
        return await client.http.request(route.method, url, json=body, headers=headers)
    if route.multipart:
        parts = [(name, (None, str(value))) for name, value in {**body, "_csrf_token": token}.items()]
        return await client.http.request(route.method, url, files=parts, headers=headers)
    return await client.http.request(route.method, url, data={**body, "_csrf_token": token}, headers=headers)


def _filled(value: Any, world: dict[str, Any]) -> Any:
    """ "{name}" is the world's value (of its own type); other strings are formatted with the world."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        return world[whole.group(1)] if whole else value.format(**world)
    return value


async def sign_in_everyone(app: Litestar, world: dict[str, Any]) -> dict[str, WebClient]:
    # One address each, so the sign-in rate limit of one never touches another.
    clients = {identity: WebClient(http_client(app, ip=f"10.0.0.{n + 1}")) for n, identity in enumerate(IDENTITIES)}
    await asyncio.gather(
        *(
            web.login(
                DEMO_LOGINS.get(identity, CONFLICTED_JUDGE), DEMO_PASSWORD if identity in DEMO_LOGINS else PASSWORD
            )
            for identity, web in clients.items()
            if identity != "anonymous"
        )
    )
    return clients


async def finish_background_work() -> None:
    """Schedule builds and matching runs some calls started finish before the tables are emptied."""
    from hackathon.services import building
    from mentoring.services import matching

    await building.wait_for_runs()
    while matching._tasks:
        await asyncio.gather(*list(matching._tasks), return_exceptions=True)
