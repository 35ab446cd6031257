"""Role guards: each role reaches its own pages and gets 403 on everyone else's."""

from __future__ import annotations

import pytest

from core.enums import Role
from tests.web import WebClient

ROLE_HOMES = {
    Role.ORGANISER: "/organiser/",
    Role.MUNICIPALITY: "/municipality",
    Role.MENTOR: "/mentor/",
    Role.JUDGE: "/judge/",
}
# /startup is where anyone signed in registers a startup, so it is not a role-only page.
ORGANISER_ONLY = ["/organiser/invites", "/organiser/outbox", "/organiser/audit"]


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_reaches_its_home_and_no_other(logged_in, role: Role) -> None:
    client: WebClient = await logged_in(role)

    statuses = {other: (await client.get(path)).status_code for other, path in ROLE_HOMES.items()}

    assert statuses == {other: 200 if other == role else 403 for other in ROLE_HOMES}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ORGANISER])
async def test_back_office_is_organisers_only(logged_in, role: Role) -> None:
    client: WebClient = await logged_in(role)

    statuses = [(await client.get(path)).status_code for path in ORGANISER_ONLY]

    assert statuses == [403, 403, 403]


async def test_resident_without_role_gets_403_on_role_pages(logged_in) -> None:
    client: WebClient = await logged_in(None)

    statuses = [(await client.get(path)).status_code for path in [*ROLE_HOMES.values(), *ORGANISER_ONLY]]

    assert statuses == [403] * 7


async def test_anonymous_visitors_are_sent_to_sign_in(client: WebClient) -> None:
    response = await client.get("/organiser/audit?entity=user&action=x")

    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/organiser/audit%3Fentity%3Duser%26action%3Dx"


async def test_anonymous_api_calls_get_401_json(client: WebClient) -> None:
    response = await client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Sign in first."}


async def test_forbidden_page_explains_itself(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.get("/judge/")

    assert response.status_code == 403
    assert "This page is for another role." in response.text
