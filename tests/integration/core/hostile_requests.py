"""How the hostile-input tests reach a form or API as a municipality's staff would, and send JSON
a form cannot."""

from __future__ import annotations

from typing import Any

import httpx

from core.enums import Role
from tests.factories import make_municipality, make_open_edition
from tests.web import WebClient


async def put_json(client: WebClient, url: str, payload: Any) -> httpx.Response:
    return await client.http.put(url, json=payload, headers={"x-csrftoken": await client.csrf_token()})


async def signed_in_staff(logged_in) -> tuple[WebClient, dict, dict]:
    edition, town = await make_open_edition(), await make_municipality(name="Ivanjica")
    return await logged_in(Role.MUNICIPALITY, organisation_id=town["id"]), edition, town
