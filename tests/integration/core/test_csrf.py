"""CSRF tokens belong to one session: a token from elsewhere, or a planted cookie with its token, is refused."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token

from core.enums import Role
from core.settings import get_settings
from core.tables import SessionRecord, StoredFile
from tests.factories import PASSWORD, make_user
from tests.fixtures import http_client
from tests.web import CSRF_FIELD, WebClient

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"


async def _post_as(app: Litestar, url: str, *, cookies: dict[str, str], data: dict[str, str]) -> int:
    """A form post carrying exactly these cookies (what a browser with a planted cookie sends)."""
    async with http_client(app) as http:
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        response = await http.post(url, data=data, headers={"cookie": header})
        return response.status_code


async def _form_token(client: WebClient, path: str = "/login") -> str:
    return CSRF_FIELD.search((await client.get(path)).text).group(1)


async def test_a_planted_cookie_with_its_matching_token_is_refused(app, logged_in) -> None:
    victim = await logged_in(Role.STARTUP)
    # What Litestar's double-submit check took: any well-signed token, as cookie and as field.
    planted = generate_csrf_token(secret=get_settings().secret_key)

    status = await _post_as(
        app,
        "/logout",
        cookies={"sid": victim.http.cookies["sid"], "csrftoken": planted},
        data={"_csrf_token": planted},
    )

    assert status == 403
    assert await SessionRecord.count() == 1  # still signed in


async def test_a_token_issued_to_another_session_is_refused(app, logged_in) -> None:
    victim, attacker = await logged_in(Role.STARTUP), await logged_in(Role.STARTUP)
    attackers_token = await _form_token(attacker, "/account")

    status = await _post_as(
        app,
        "/logout",
        cookies={"sid": victim.http.cookies["sid"], "csrftoken": attackers_token},
        data={"_csrf_token": attackers_token},
    )
    own = await victim.post_form("/logout")

    assert status == 403
    assert own.status_code == 302
    assert await SessionRecord.count() == 1  # the attacker's


async def test_an_anonymous_visitor_signs_in_only_with_their_own_token(app, client: WebClient) -> None:
    await make_user(email="ana@example.org")
    other = WebClient(http_client(app))
    others_token = await _form_token(other)
    own_token = await _form_token(client)
    credentials = {"email": "ana@example.org", "password": PASSWORD}

    forged = await _post_as(
        app,
        "/login",
        cookies={"sid": client.http.cookies["sid"], "csrftoken": others_token},
        data={**credentials, "_csrf_token": others_token},
    )
    signed_in = await client.http.post("/login", data={**credentials, "_csrf_token": own_token})
    await other.http.aclose()

    assert forged == 403
    assert signed_in.status_code == 302
    assert client.http.cookies["sid"].startswith("v.") is False  # a stored session replaced the visitor id


async def test_signing_in_and_out_each_make_the_previous_token_worthless(client: WebClient) -> None:
    await make_user(email="ana@example.org")
    before = await _form_token(client)
    await client.http.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "_csrf_token": before})
    signed_in = await _form_token(client, "/account")

    stale = await client.http.post("/logout", data={"_csrf_token": before})
    logged_out = await client.http.post("/logout", data={"_csrf_token": signed_in})
    after = await client.http.post("/logout", data={"_csrf_token": signed_in})

    assert before != signed_in
    assert (stale.status_code, logged_out.status_code, after.status_code) == (403, 302, 403)
    assert client.http.cookies["csrftoken"] == await _form_token(client)  # the mirror follows


async def test_an_upload_with_another_sessions_token_is_refused_before_storing(app, logged_in) -> None:
    victim, attacker = await logged_in(Role.STARTUP), await logged_in(Role.STARTUP)
    attackers_token = await _form_token(attacker, "/account")

    async with http_client(app) as http:
        response = await http.post(
            "/api/v1/files",
            files={"file": ("deck.pdf", PDF, "application/pdf")},
            headers={
                "x-csrftoken": attackers_token,
                "cookie": f"sid={victim.http.cookies['sid']}; csrftoken={attackers_token}",
            },
        )

    assert response.status_code == 403
    assert await StoredFile.count() == 0


async def test_anonymous_pages_cost_no_session_row(client: WebClient) -> None:
    page = await client.get("/login")

    assert re.fullmatch(r"v\.[A-Za-z0-9_-]{43}", client.http.cookies["sid"])
    assert CSRF_FIELD.search(page.text).group(1) == client.http.cookies["csrftoken"]
    assert await SessionRecord.count() == 0
