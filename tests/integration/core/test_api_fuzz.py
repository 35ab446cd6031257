"""Schemathesis over the whole JSON API: no server error, every answer documented and as documented.

The schema is the app's own /schema/openapi.json. Schemathesis generates the requests (valid
ones and, where the schema allows, invalid ones; with generated ids and with the ids of a real
world, so calls get past "not found"), seeded so every run sends the same; they are sent through
the app in the test's own event loop (the database pool lives there) as an anonymous visitor, a
startup member and an organiser, signed in by session cookie with the CSRF header on unsafe
methods, as the browser and the API's clients do. Every failure is collected and reported at once.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from core.demo import DEMO_PASSWORD
from tests.fixtures import http_client
from tests.integration.core.access_matrix import finish_background_work
from tests.integration.core.authorization_world import DEMO_LOGINS, build_world
from tests.web import WebClient

# Examples per operation and generation mode: enough to reach the parsers and the services, few
# enough for the whole API as three callers to run in well under a minute.
MAX_EXAMPLES = 5
CALLERS = ("anonymous", "startup", "organiser")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Every status an operation answers with is documented, with the body it really has (core.openapi).
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _examples(operation: Any, mode: GenerationMode) -> list[Any]:
    found: list[Any] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(mode))
    def collect(case: Any) -> None:
        found.append(case)

    with contextlib.suppress(Unsatisfiable):  # e.g. no invalid request for an operation without parameters
        collect()
    return found


def _can_be_invalid(operation: Any) -> bool:
    """Whether a request can break the schema: not when all there is, is a free-text path part."""
    parameters = list(operation.iter_parameters())
    return bool(operation.body) or any(p.definition.get("schema") != {"type": "string"} for p in parameters)


def cases_for(operation: Any, world: dict[str, Any]) -> list[Any]:
    """Valid and invalid requests, each also sent with the ids of the world where it has ids."""
    cases = []
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if _can_be_invalid(operation) else [])
    for mode in modes:
        for case in _examples(operation, mode):
            cases.append(case)
            real = {name: world[name] for name in case.path_parameters if name in world}
            if real:
                with_ids = case.derive()
                with_ids.path_parameters.update(real)
                cases.append(with_ids)
    return cases


async def send(client: WebClient, case: Any) -> httpx.Response:
    request = case.as_transport_kwargs(base_url=str(client.http.base_url))
    headers = dict(request.get("headers") or {})
    if case.method.upper() in UNSAFE:
        headers["x-csrftoken"] = await client.csrf_token()
    return await client.http.request(
        request["method"],
        request["url"],
        params=request.get("params"),
        headers=headers,
        cookies=request.get("cookies") or None,
        json=request.get("json"),
        content=request.get("data"),
    )


async def sign_in(app: Litestar) -> dict[str, WebClient]:
    clients = {caller: WebClient(http_client(app, ip=f"10.0.1.{n + 1}")) for n, caller in enumerate(CALLERS)}
    for caller, client in clients.items():
        if caller != "anonymous":
            await client.login(DEMO_LOGINS[caller], DEMO_PASSWORD)
    return clients


async def test_the_api_answers_fuzzed_requests_without_server_errors_and_as_documented(app: Litestar) -> None:
    world = await build_world()
    clients = await sign_in(app)
    document = (await clients["anonymous"].get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    failures: dict[str, str] = {}
    sent = 0
    try:
        for operation in operations:
            for case in cases_for(operation, world):
                for caller in CALLERS:
                    response = await send(clients[caller], case)
                    sent += 1
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except BaseExceptionGroup as failure:  # schemathesis' FailureGroup: all failed checks
                        key = f"{operation.label} as {caller}: {response.status_code}"
                        failures.setdefault(key, str(failure)[:1500])
    finally:
        for client in clients.values():
            await client.http.aclose()
        await finish_background_work()

    assert sent > 10 * len(operations)
    assert failures == {}, f"{len(failures)} failing operations:\n\n" + "\n\n".join(
        f"{key}\n{message}" for key, message in failures.items()
    )
